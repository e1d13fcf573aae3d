#!/usr/bin/env bash
# Shell completions (make completions, scripts/gen-completions) through the
# shells themselves: bash (complete -F, its COMP_WORDS), fish (complete -C)
# and zsh (its line editor on a pty: tests/tools/zsh-complete.zsh). For each:
# an option by its prefix, an option's values (<a|b|c> words, PIDs,
# signals), the applets of nskit, and the names of running containers for
# docker-enter, from a private engine; with the engine hung, completion
# still returns (docker ps is given one second).
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/lib.sh"
. "$TOP/tests/e2e/docker.sh"

need_cmd "completions" python3 || exit 0
docker_start "completions" || exit 0
make_busybox_image nskit-test/busybox || { fail "busybox image" "docker import failed"; exit 0; }
docker run -d --network none --name complete-me nskit-test/busybox sleep 1000000 >/dev/null
WORK=$(mktemp -d /tmp/nskit-completion.XXXXXX)
at_exit "rm -rf $WORK"
if ! "$TOP/scripts/gen-completions" "$NSKIT" "$WORK/c" 2>"$WORK/err"; then
    fail "scripts/gen-completions writes them" "$(head -c 300 "$WORK/err")"
    exit 0
fi
# The commands on PATH, as installed (fish loads completions for commands it finds).
mkdir "$WORK/bin"
for command in nskit nsenter unshare docker-enter; do ln -s "$NSKIT" "$WORK/bin/$command"; done
# A daemon that takes the connection and never answers.
python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(8); time.sleep(3600)' "$WORK/hung.sock" &
HUNG=$!
at_exit "kill $HUNG"

# Each shell's answer for a line, the cursor at its end: the candidates, sorted, on one line.
bash_complete() {
    PATH=$WORK/bin:$PATH bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _nskit
        printf "%s\n" "${COMPREPLY[@]}"' bash "$WORK/c/bash/nskit" "$@" | sort -u | tr '\n' ' '
}
fish_complete() {
    PATH=$WORK/bin:$PATH fish -c 'set -p fish_complete_path $argv[1]; complete -C $argv[2]' "$WORK/c/fish" "$*" |
        cut -f1 | sed 's/^--[a-z-]*=//' | sort -u | tr '\n' ' '  # "--opt=VALUE" as VALUE
}
zsh_complete() {
    COMPDIR=$WORK/c/zsh COMPBIN=$WORK/bin timeout 30 zsh -f "$TOP/tests/tools/zsh-complete.zsh" "$*" | tr -d '\r' |
        sort -u | tr '\n' ' '
}
has() {  # NAME CANDIDATES WORD...: passes when every WORD is among the candidates
    local name=$1 candidates=" $2 " word missing=
    shift 2
    for word in "$@"; do [[ $candidates == *" $word "* ]] || missing="$missing $word"; done
    if [ -z "$missing" ]; then pass "$name"; else fail "$name" "no$missing in:${candidates:0:300}"; fi
}

for shell in bash fish zsh; do
    if ! command -v "$shell" >/dev/null; then
        skip "$shell completions" "$shell is not installed (tests/install-deps installs it)"
        continue
    fi
    echo "-- $shell"
    ask() { "${shell}_complete" "$@"; }
    if [ "$shell" = bash ]; then
        # bash splits "--opt=" at the '=' (COMP_WORDBREAKS): the words as it would pass them.
        ask_value() { ask "$1" "$2" "" ; }
        ask_equals() { ask "$1" "$2" "=" "$3"; }
    else
        ask_value() { ask "$1 $2 "; }
        ask_equals() { ask "$1 $2=$3"; }
    fi
    has "$shell: nsenter --t<TAB>: its options" "$(ask nsenter --t)" --target --time --tools
    has "$shell: docker-enter --env-f<TAB>" "$(ask docker-enter --env-f)" --env-file --env-from
    has "$shell: unshare --propagation <TAB>: its words" "$(ask_value unshare --propagation)" slave shared private unchanged
    has "$shell: docker-enter --runtime <TAB>: its words" "$(ask_value docker-enter --runtime)" docker podman state pid
    has "$shell: nsenter -t <TAB>: PIDs" "$(ask_value nsenter -t)" 1
    has "$shell: unshare --kill-child=<TAB>: signals" "$(ask_equals unshare --kill-child "")" TERM KILL HUP
    if [ "$shell" = bash ]; then
        has "bash: nskit <TAB>: the applets" "$(ask nskit "")" nsenter unshare docker-enter install enter
        has "bash: docker-enter <TAB>: running containers" "$(ask docker-enter "")" complete-me
        has "bash: nskit enter --pri<TAB>" "$(ask nskit enter --pri)" --privileged
    else
        has "$shell: nskit <TAB>: the applets" "$(ask "nskit ")" nsenter unshare docker-enter install enter
        has "$shell: docker-enter <TAB>: running containers" "$(ask "docker-enter ")" complete-me
    fi
    start=$SECONDS
    if [ "$shell" = bash ]; then
        out=$(DOCKER_HOST=unix://$WORK/hung.sock ask docker-enter "")
    else
        out=$(DOCKER_HOST=unix://$WORK/hung.sock ask "docker-enter ")
    fi
    same "$shell: the engine hung: docker-enter <TAB> still returns, with no name" \
        "$( [ $((SECONDS - start)) -le 10 ] && echo returned) $(grep -c complete-me <<<"$out")" "returned 0"
done
