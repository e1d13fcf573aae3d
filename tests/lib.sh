# Shared by every shell test suite (tests/integration/*.sh, tests/e2e/*.sh).
# A suite is a table of cases:
#
#   expect "NAME" --rc 0 --out "TEXT" [--err "SUBSTRING"] -- COMMAND ARGS...
#
# --out compares stdout exactly (trailing newlines dropped), --out-has and
# --err look for a substring. Each case records one line in $NSKIT_RESULTS:
# "pass NAME", "fail NAME: why" or "skip NAME: reason"; tests/run sums them.
# A case that cannot run here (not root, a kernel feature missing) calls
# skip with the reason: it is counted as skipped, never as passed.

set -u
TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
NSKIT=${NSKIT:-$TOP/build/nskit}
NSKIT_RESULTS=${NSKIT_RESULTS:-/dev/null}
SUITE=${SUITE:-$(basename "$0" .sh)}

_cleanups=()
# at_exit CMD...: run CMD when the suite ends, however it ends (last in, first out).
at_exit() { _cleanups+=("$*"); }
# The index has a name no cleanup uses: a cleanup is eval'd in this scope, and
# one with a loop of its own over `i` once cut the list short (nsenter.sh's
# cgroup removal), leaving the suite's first targets running.
_run_cleanups() {
    local _cleanup
    for ((_cleanup = ${#_cleanups[@]} - 1; _cleanup >= 0; _cleanup--)); do
        eval "${_cleanups[$_cleanup]}" >/dev/null 2>&1 || true
    done
}
trap _run_cleanups EXIT
trap 'exit 130' INT TERM

pass() { echo "pass $SUITE: $1" >>"$NSKIT_RESULTS"; echo "  PASS $1"; }
fail() { echo "fail $SUITE: $1: $2" >>"$NSKIT_RESULTS"; echo "  FAIL $1: $2"; }
skip() { echo "skip $SUITE: $1: $2" >>"$NSKIT_RESULTS"; echo "  SKIP $1: $2"; }

# expect NAME [--rc N] [--out TEXT] [--out-has TEXT] [--err TEXT] [--no-err] [--in TEXT]
#        [--timeout SECONDS] -- CMD...
# CMD is given 60 s (--timeout: more, for one that builds nskit) and fails with 124 past it.
expect() {
    local name=$1; shift
    local rc=0 out= out_set= out_has= err_has= no_err= input= input_set= limit=60
    while [ $# -gt 0 ]; do
        case $1 in
            --rc) rc=$2; shift 2 ;;
            --timeout) limit=$2; shift 2 ;;
            --out) out=$2; out_set=1; shift 2 ;;
            --out-has) out_has=$2; shift 2 ;;
            --err) err_has=$2; shift 2 ;;
            --no-err) no_err=1; shift ;;
            --in) input=$2; input_set=1; shift 2 ;;
            --) shift; break ;;
            *) fail "$name" "bad expect argument '$1'"; return ;;
        esac
    done
    local stdout stderr got
    stdout=$(mktemp) stderr=$(mktemp)
    if [ -n "$input_set" ]; then
        printf '%s' "$input" | timeout "$limit" "$@" >"$stdout" 2>"$stderr"
    else
        timeout "$limit" "$@" >"$stdout" 2>"$stderr" </dev/null
    fi
    got=$?
    local why=
    if [ "$got" != "$rc" ]; then
        why="exit status $got, expected $rc"
    elif [ -n "$out_set" ] && [ "$(cat "$stdout")" != "$out" ]; then
        why="stdout '$(head -c 300 "$stdout")', expected '$out'"
    elif [ -n "$out_has" ] && ! grep -qF -- "$out_has" "$stdout"; then
        why="stdout '$(head -c 300 "$stdout")' lacks '$out_has'"
    elif [ -n "$err_has" ] && ! grep -qF -- "$err_has" "$stderr"; then
        why="stderr '$(head -c 300 "$stderr")' lacks '$err_has'"
    elif [ -n "$no_err" ] && [ -s "$stderr" ]; then
        why="unexpected stderr '$(head -c 300 "$stderr")'"
    fi
    if [ -n "$why" ]; then
        fail "$name" "$why (stderr: $(head -c 200 "$stderr" | tr '\n' ' '))"
    else
        pass "$name"
    fi
    rm -f "$stdout" "$stderr"
}

# same NAME A B: pass when two values agree (differential cases).
same() {
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "'$2' != '$3'"; fi
}

# Guards: each returns non-zero (after recording a skip) when the case cannot run here.
need_root() {
    [ "$(id -u)" = 0 ] && return 0
    skip "$1" "needs root"; return 1
}
need_cmd() {
    command -v "$2" >/dev/null 2>&1 && return 0
    skip "$1" "needs the command '$2'"; return 1
}
need_ns() {
    [ -e "/proc/self/ns/$2" ] && return 0
    skip "$1" "kernel has no $2 namespace"; return 1
}

ns_inode() { stat -L -c %i "/proc/$1/ns/$2"; }

# make_test_user NAME FIRST_SUBID: an ordinary user for rootless engines,
# with subordinate ids (useradd's own range when it gives one, else 65536
# from FIRST_SUBID); when this suite made it, it and its lines in
# /etc/subuid and /etc/subgid go when the suite ends, its processes first
# (userdel refuses a user one of whose processes still runs). A user of
# that name without subordinate ids is one such a removal left behind
# (its lines gone, the user not): it gets them again, and goes the same way.
make_test_user() {
    local name=$1 first=$2 file ours=
    if ! id "$name" >/dev/null 2>&1; then
        useradd -M -d /nonexistent -s /bin/sh "$name" >/dev/null 2>&1 || return 1
        ours=1
    fi
    for file in /etc/subuid /etc/subgid; do
        grep -q "^$name:" "$file" 2>/dev/null && continue
        echo "$name:$first:65536" >>"$file"
        ours=1
    done
    [ -n "$ours" ] || return 0
    at_exit "pkill -KILL -u $name; wait_for 200 eval '! pgrep -u $name >/dev/null'; userdel $name; sed -i '/^$name:/d' /etc/subuid /etc/subgid"
}

# spawn CMD...: start CMD in the background (output to /dev/null, so no
# command substitution waits for it), kill it when the suite ends; sets SPAWNED.
# Call it directly, never inside $(...): a subshell would lose the cleanup.
spawn() {
    "$@" >/dev/null 2>&1 </dev/null &
    SPAWNED=$!
    at_exit "kill -9 $SPAWNED"
}

# wait_for COUNT CONDITION...: retry CONDITION every 0.05 s, COUNT times at most.
# CONDITION's words are expanded once, when wait_for is called: a condition
# on what changes ($(pgrep ...)) goes in quotes after eval, so that each try
# asks again: wait_for 100 eval 'test -n "$(pgrep sleep)"'.
wait_for() {
    local tries=$1; shift
    while [ "$tries" -gt 0 ]; do
        "$@" && return 0
        sleep 0.05
        tries=$((tries - 1))
    done
    return 1
}

_is_sleeping_in() { [ "$(readlink "/proc/$1/exe" 2>/dev/null)" = "$(readlink -f "$(command -v sleep)")" ]; }

# start_target ARGS...: run `unshare ARGS... sleep` in the background as a
# namespace holder and set TARGET to the pid of the sleeping process (with
# --fork, the child of unshare). Killed when the suite ends.
start_target() {
    spawn unshare "$@" sleep infinity
    local holder=$SPAWNED inner=
    wait_for 100 _is_sleeping_in "$holder" && { TARGET=$holder; return 0; }
    local i
    for i in $(seq 1 100); do
        inner=$(pgrep -P "$holder" 2>/dev/null | head -1)
        [ -n "$inner" ] && _is_sleeping_in "$inner" && break
        sleep 0.05
    done
    at_exit "kill -9 $inner"
    TARGET=$inner
}
