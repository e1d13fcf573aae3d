#!/usr/bin/env bash
# docker-enter against a private Docker engine (tests/e2e/docker.sh):
#   differential  `docker exec C sh -c PROBE` and `docker-enter C sh -c PROBE`
#                 agree on ids and groups, the five capability sets,
#                 NoNewPrivs, cwd, env (as a set), /proc/self/cgroup and every
#                 /proc/self/ns/* inode, for containers made with --cap-drop
#                 ALL, --cap-add NET_ADMIN, --user 1000:1000, -w /srv, -e
#                 FOO=bar, --ulimit and --oom-score-adj, found by name and by
#                 ID prefix (and the seccomp mode, resource limits, OOM score);
#   bad input     unknown name, ambiguous prefix, stopped, paused, a fake
#                 engine that answers badly or never (tests/e2e/fake-engine.py);
#   daemonless    the socket dead, refusing, hung, the daemon stopped: found
#                 by name and by prefix through the state files.
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/lib.sh"
. "$TOP/tests/e2e/docker.sh"
. "$TOP/tests/tools/differential.sh"
. "$TOP/tests/tools/only-the-command.sh"

docker_start "docker-enter" || exit 0
IMAGE=nskit-test/busybox
if ! make_busybox_image "$IMAGE"; then
    fail "busybox image" "docker import failed"
    exit 0
fi
STATE=(--state-dir "$DOCKER_DIR/x" --data-root "$DOCKER_DIR/d")
FAKE_SOCKET="$DOCKER_DIR/fake.sock"

enter() { "$NSKIT" docker-enter "$@"; }
DE=("$NSKIT" docker-enter)  # for expect, which runs its command under timeout
run_container() {  # NAME [docker run options...]
    local name=$1; shift
    docker run -d --network none --name "$name" "$@" "$IMAGE" sleep 1000000 >/dev/null
}
id_of() { docker inspect -f '{{.Id}}' "$1"; }
pid_of() { docker inspect -f '{{.State.Pid}}' "$1"; }

# The shortest prefix of an ID that no other container's ID starts with.
unique_prefix() {
    local id=$1 n others
    others=$(docker ps -aq --no-trunc | grep -v "^$id$")
    for n in $(seq 1 64); do
        echo "$others" | grep -q "^${id:0:n}" || { echo "${id:0:n}"; return; }
    done
}

echo "-- differential: docker exec and docker-enter agree"
run_container plain
run_container capdrop --cap-drop ALL
run_container netadmin --cap-add NET_ADMIN
run_container user1000 --user 1000:1000
run_container workdir -w /srv
run_container withenv -e FOO=bar -e "SPACED=a b"
run_container groupadd --group-add 4242 --group-add nogroup --user nobody
run_container limited --ulimit nofile=1000:2000 --ulimit nproc=500:600 --oom-score-adj 300
PLAIN_ID=$(id_of plain)
PLAIN_PREFIX=$(unique_prefix "$PLAIN_ID")

differential "by name" plain plain
differential "by ID prefix $PLAIN_PREFIX" plain "$PLAIN_PREFIX"
differential "by full ID" plain "$PLAIN_ID"
differential "--cap-drop ALL" capdrop capdrop
differential "--cap-add NET_ADMIN" netadmin netadmin
differential "--user 1000:1000" user1000 user1000
differential "-w /srv" workdir workdir
differential "-e FOO=bar" withenv withenv
differential "--ulimit, --oom-score-adj" limited limited
differential "--group-add, --user nobody" groupadd groupadd
differential "--group-add, exec -u 0" groupadd groupadd -u 0
differential "exec -u 1000:1000 -w /tmp -e X=1" plain plain -u 1000:1000 -w /tmp -e X=1
differential "exec -u 0 in a --user 1000 container" user1000 user1000 -u 0
differential "exec --privileged" plain plain --privileged
differential "exec --privileged in --cap-drop ALL" capdrop capdrop --privileged

# pid:N takes the process's own environment, and has no runtime record: the
# init's seccomp filters are installed last, which needs no_new_privs.
# Everything else must agree.
expected=$(docker exec plain sh -c "$PROBE" 2>&1)
got=$(enter "pid:$(pid_of plain)" sh -c "$PROBE" 2>&1 </dev/null)
compare "pid:N" "ids caps seccomp limits cwd cgroup ns" "$expected" "$got"
same "pid:N: no_new_privs, for the init's own filters" "$(section nnp "$got")" "NoNewPrivs:	1"
same "pid:N: environment of the init" "$(tr '\0' '\n' </proc/"$(pid_of plain)"/environ | sort)" \
    "$(section env "$got" | grep -v -e '^PWD=' -e '^SHLVL=')"

PLAIN_EXPECTED=$(docker exec plain sh -c "$PROBE" 2>&1)

echo "-- what runs and how it ends"
expect "default command: the user's shell from the container's passwd" --out 0 --in 'id -u' -- "${DE[@]}" plain
expect "exit status" --rc 7 -- "${DE[@]}" plain sh -c 'exit 7'
expect "killed by a signal" --rc 143 -- "${DE[@]}" plain sh -c 'kill -TERM $$'
expect "command not found" --rc 127 --err "No such file or directory" -- "${DE[@]}" plain /no/such/program
expect "command not executable" --rc 126 --err "Permission denied" -- "${DE[@]}" plain /etc/passwd
# Docker's default profile refuses new user namespaces; without the filter root could make one.
same "the container's seccomp filter applies" "$(docker exec plain unshare -U true 2>&1; echo "rc=$?")" \
    "$(enter plain unshare -U true 2>&1 </dev/null; echo "rc=$?")"
expect "searched in the container's PATH" --out /bin/busybox -- "${DE[@]}" plain readlink -f /bin/sh
expect "--env-from none" --out "ONLY=1" -- "${DE[@]}" --env-from none -e ONLY=1 plain env
expect "--env-from process" --out "$(tr '\0' '\n' </proc/"$(pid_of withenv)"/environ | grep ^FOO=)" \
    -- "${DE[@]}" --env-from process withenv sh -c 'env | grep ^FOO='
envfile=$(mktemp); at_exit "rm -f $envfile"
printf '# comment\nFROM_FILE=yes\n\nFOO=overridden\n' >"$envfile"
expect "--env-file, later -e wins" --out "FOO=last FROM_FILE=yes" \
    -- "${DE[@]}" --env-file "$envfile" -e FOO=last withenv sh -c 'echo FOO=$FOO FROM_FILE=$FROM_FILE'
expect "--no-cgroup keeps our cgroups" --out "$(cat /proc/self/cgroup | sort)" \
    -- "${DE[@]}" --no-cgroup plain sh -c 'cat /proc/self/cgroup | sort'
expect "-u unknown name" --rc 1 --err "unable to find user nosuchuser: no matching entries in passwd file" \
    -- "${DE[@]}" -u nosuchuser plain true
expect "-w missing directory" --rc 1 --err "cannot change directory to /no/such/dir" -- "${DE[@]}" -w /no/such/dir plain true
expect "-v says what it did" --err "docker-enter: container plain id $PLAIN_ID" -- "${DE[@]}" -v plain true

echo "-- only the command is in the container's cgroups (docker top, pause, pids, memory, docker kill)"
TOOLBOX=$(mktemp -d); at_exit "rm -rf $TOOLBOX"
chmod 755 "$TOOLBOX"; cp /bin/busybox "$TOOLBOX/busybox"; ln -s busybox "$TOOLBOX/sh"
only_the_command_cases
# The placer is born in the container's v2 cgroup (clone3); without clone3
# (Linux before 5.3, or a filter of the caller's) it moves itself there.
if gcc -O2 -o "$DOCKER_DIR/pretend-kernel" "$TOP/tests/tools/pretend-kernel.c" 2>/dev/null; then
    expect "without clone3: the command is in the container's cgroups all the same" \
        --out "$(docker exec plain cat /proc/self/cgroup | sort)" \
        -- "$DOCKER_DIR/pretend-kernel" no-clone3 "${DE[@]}" plain sh -c 'cat /proc/self/cgroup | sort'
else
    fail "without clone3" "cannot build tests/tools/pretend-kernel.c"
fi

echo "-- many entries at once"
# Nothing is traced for a container with a record, and a pid:N target's
# filters are read one entry at a time (a lock per process): entries at the
# same time all get in. This counts failures; it does not time them.
run_container busy
failures() {  # COUNT PARALLEL TARGET: how many of COUNT entries failed
    seq "$1" | xargs -P "$2" -I{} sh -c '"$0" docker-enter "$1" true </dev/null >/dev/null 2>&1 || echo failed' \
        "$NSKIT" "$3" | grep -c failed
}
same "200 entries into one container, 20 at a time: none fails" "$(failures 200 20 busy)" 0
same "100 entries into pid:N, 20 at a time (its filters read by one at a time): none fails" \
    "$(failures 100 20 "pid:$(pid_of busy)")" 0

echo "-- bad input"
expect "unknown name" --rc 1 --err "cannot find container no-such-thing: no such container" -- "${DE[@]}" no-such-thing true
expect "unknown name (state files)" --rc 1 --err "no such container" \
    -- "${DE[@]}" --runtime state "${STATE[@]}" no-such-thing true
# Two containers whose IDs share a first character: at most 17 tries.
ambiguous=
for i in $(seq 1 17); do
    ambiguous=$(docker ps -aq --no-trunc | cut -c1 | sort | uniq -d | head -1)
    [ -n "$ambiguous" ] && break
    docker create --network none --name "filler$i" "$IMAGE" true >/dev/null
done
expect "ambiguous prefix" --rc 1 --err "ambiguous ID prefix" -- "${DE[@]}" "$ambiguous" true
expect "ambiguous prefix lists the candidates" --rc 1 --err "'$ambiguous' matches $ambiguous" -- "${DE[@]}" "$ambiguous" true
expect "ambiguous prefix (state files)" --rc 1 --err "ambiguous ID prefix" \
    -- "${DE[@]}" --runtime state "${STATE[@]}" "$ambiguous" true
docker create --network none --name stopped "$IMAGE" true >/dev/null
expect "stopped container" --rc 1 --err "container stopped: the container is not running" -- "${DE[@]}" stopped true
expect "stopped container (state files)" --rc 1 --err "the container is not running" \
    -- "${DE[@]}" --runtime state "${STATE[@]}" stopped true
run_container paused
docker pause paused >/dev/null
expect "paused container" --rc 1 --err "container paused is paused" -- "${DE[@]}" paused true
# --list, from the state files: Docker's names and images, the init's PID, paused by the freezer.
listed=$("${DE[@]}" --list "${STATE[@]}")
same "--list: plain, by Docker's name and image, with its PID, running" \
    "$(awk '$2 == "plain" {print $1, $3, $4, $5, $6}' <<<"$listed")" "docker ${PLAIN_ID:0:12} $(pid_of plain) running $IMAGE"
same "--list: paused is paused" "$(awk '$2 == "paused" {print $1, $5}' <<<"$listed")" "docker paused"
same "--list: every running container once" "$(awk 'NR > 1 {print $3}' <<<"$listed" | sort)" \
    "$(docker ps -q --no-trunc | cut -c1-12 | sort)"
same "--list --format json: the same containers, full IDs" \
    "$("${DE[@]}" --list --format json "${STATE[@]}" | python3 -c 'import json, sys; print(" ".join(sorted(c["id"] for c in json.load(sys.stdin))))')" \
    "$(docker ps -q --no-trunc | sort | tr '\n' ' ' | sed 's/ $//')"
expect "paused container (state files)" --rc 1 --err "container paused is paused" \
    -- "${DE[@]}" --runtime state "${STATE[@]}" paused true
docker unpause paused >/dev/null
expect "socket permission denied" --rc 1 --err "cannot connect to $DOCKER_DIR/sock: Permission denied" \
    -- setpriv --reuid 65534 --regid 65534 --clear-groups "${DE[@]}" --runtime docker plain true
expect "socket permission denied, and no state files either" --rc 1 \
    --err "the engine did not help (cannot connect to $DOCKER_DIR/sock: Permission denied); looked in the state files too" \
    -- setpriv --reuid 65534 --regid 65534 --clear-groups "${DE[@]}" plain true
expect "pid:0" --rc 1 --err "not a process ID" -- "${DE[@]}" pid:0 true
expect "pid:x" --rc 1 --err "not a process ID" -- "${DE[@]}" pid:x true
expect "no container" --rc 1 --err "no container given" -- "${DE[@]}"
expect "bad --runtime" --rc 1 --err "bad --runtime 'rkt'" -- "${DE[@]}" --runtime rkt plain true
expect "bad --timeout" --rc 1 --err "bad --timeout" -- "${DE[@]}" --timeout 0 plain true
expect "tcp DOCKER_HOST" --rc 1 --err "only unix:// sockets are supported" \
    -- env DOCKER_HOST=tcp://127.0.0.1:2375 "$NSKIT" docker-enter --runtime docker plain true

# start_fake MODE: a fake engine on $FAKE_SOCKET until the suite ends.
FAKE_PID=
# The fake engine and the refusing socket are made with Python; without it,
# those cases are skipped (and say so).
HAVE_PYTHON=; command -v python3 >/dev/null 2>&1 && HAVE_PYTHON=1
start_fake() {
    stop_fake
    [ -n "$HAVE_PYTHON" ] || return 1
    local out; out=$(mktemp)
    python3 "$TOP/tests/e2e/fake-engine.py" "$1" "$FAKE_SOCKET" >"$out" 2>&1 &
    FAKE_PID=$!
    at_exit "kill $FAKE_PID; rm -f $out"
    local i
    for i in $(seq 1 100); do grep -q ready "$out" && return 0; sleep 0.05; done
    return 1
}
stop_fake() { [ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null && wait "$FAKE_PID" 2>/dev/null; FAKE_PID=; }

echo "-- a fake engine that answers badly"
while read -r mode error; do
    if [ -z "$HAVE_PYTHON" ]; then skip "fake engine $mode" "needs python3"; continue; fi
    if ! start_fake "$mode"; then fail "fake engine $mode" "did not start"; continue; fi
    expect "fake engine $mode" --rc 1 --err "$error" \
        -- env DOCKER_HOST="unix://$FAKE_SOCKET" "$NSKIT" docker-enter --runtime docker --timeout 1 plain true
    expect "fake engine $mode, then the state files" --rc 0 --out ok \
        -- env DOCKER_HOST="unix://$FAKE_SOCKET" "$NSKIT" docker-enter --timeout 1 "${STATE[@]}" plain echo ok
    expect "fake engine $mode, no state files either" --rc 1 --err "the engine did not help" \
        -- env DOCKER_HOST="unix://$FAKE_SOCKET" "$NSKIT" docker-enter --timeout 1 --data-root /nonexistent plain true
done <<'EOF'
malformed malformed JSON
truncated the reply was cut short
huge the reply is too large
endless the reply is too large
error500 answered 500: fake engine: internal error
hang no reply from the engine API at
hang-after-ping no reply from the engine API at
garbage not an HTTP reply
close the server closed the connection without a reply
EOF
sleep 1000000 &
HOST_SLEEP=$!
at_exit "kill $HOST_SLEEP"
# fake_liar MODE CASE: the fake engine in MODE names a container "liar"
# whose init is HOST_SLEEP; docker-enter must find out it is not.
fake_liar() {
    local mode=$1 case=$2
    if [ -z "$HAVE_PYTHON" ]; then skip "$case" "needs python3"; return; fi
    if ! FAKE_ENGINE_PID=$HOST_SLEEP start_fake "$mode"; then fail "$case" "the fake engine did not start"; return; fi
    expect "$case" --rc 1 --err "PID $HOST_SLEEP is not the init of liar: its cgroups do not name the container" \
        -- env DOCKER_HOST="unix://$FAKE_SOCKET" "$NSKIT" docker-enter --runtime docker --timeout 1 liar true
}
fake_liar wrong-pid "an engine's PID that is not the container's init"
# One round trip: the unversioned path is the engine's own version, so
# /_ping is not waited for (an engine whose /_ping never answers is still
# heard)...
fake_liar wrong-pid-ping-hangs "the engine asked once: its /_ping is not waited for"
# ...and an engine that serves only versioned paths is asked its version.
fake_liar wrong-pid-versioned-only "an engine without unversioned paths: its version from /_ping, then the versioned path"
stop_fake

echo "-- daemonless: found through the state files"
REAL_HOST=$DOCKER_HOST
# Containers were made since (fillers, stopped, paused): a prefix unique then may not be now.
PLAIN_PREFIX=$(unique_prefix "$PLAIN_ID")
daemonless() {  # CASE DOCKER_HOST
    local case=$1 host=$2 got
    got=$(DOCKER_HOST=$host timeout 60 "$NSKIT" docker-enter --timeout 1 "${STATE[@]}" plain sh -c "$PROBE" 2>&1 </dev/null)
    compare "$case, by name" "$ASPECTS" "$PLAIN_EXPECTED" "$got"
    got=$(DOCKER_HOST=$host timeout 60 "$NSKIT" docker-enter --timeout 1 "${STATE[@]}" "$PLAIN_PREFIX" sh -c "$PROBE" 2>&1 </dev/null)
    compare "$case, by prefix" "$ASPECTS" "$PLAIN_EXPECTED" "$got"
}
daemonless "socket missing" "unix://$DOCKER_DIR/missing.sock"
if [ -n "$HAVE_PYTHON" ]; then
    python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$DOCKER_DIR/refusing.sock"
    daemonless "socket refusing" "unix://$DOCKER_DIR/refusing.sock"
    start_fake hang && daemonless "socket hung" "unix://$FAKE_SOCKET"
else
    skip "socket refusing or hung" "needs python3"
fi
stop_fake
compare "--runtime state" "$ASPECTS" "$PLAIN_EXPECTED" \
    "$(enter --runtime state "${STATE[@]}" plain sh -c "$PROBE" 2>&1 </dev/null)"

# reap_orphans PIDS IDS: kill containers whose daemon was killed, remove their cgroups.
reap_orphans() {
    local pid id dir i
    for pid in $1; do kill -KILL "$pid" 2>/dev/null; done
    for i in $(seq 1 100); do
        local alive=
        for pid in $1; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ -z "$alive" ] && break
        sleep 0.05
    done
    for id in $2; do
        for dir in /sys/fs/cgroup/*/docker/"$id" /sys/fs/cgroup/unified/docker/"$id"; do
            [ -d "$dir" ] && rmdir "$dir"
        done
    done
}

DOCKERD=$(cat "$DOCKER_DIR/pid" 2>/dev/null)
if [ -n "$DOCKERD" ] && kill -STOP "$DOCKERD" 2>/dev/null; then
    at_exit "kill -CONT $DOCKERD"
    daemonless "daemon hung (SIGSTOP)" "$REAL_HOST"
    kill -CONT "$DOCKERD"
    # Stopped for good: without live-restore a clean stop also stops the
    # containers, so the daemon is killed and its containers live on. Nobody
    # is left to stop them or remove their cgroups: we do, at the end.
    orphans=$(docker ps -q --no-trunc)
    orphan_pids=$(for id in $orphans; do pid_of "$id"; done)
    at_exit "reap_orphans '$orphan_pids' '$orphans'"
    kill -KILL "$DOCKERD"
    for i in $(seq 1 100); do kill -0 "$DOCKERD" 2>/dev/null || break; sleep 0.05; done
    daemonless "daemon stopped (SIGKILL)" "$REAL_HOST"
else
    skip "daemon hung or stopped" "no dockerd pid in $DOCKER_DIR/pid"
fi
