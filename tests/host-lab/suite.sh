#!/usr/bin/env bash
# The host lab's suite, the same in every guest (tests/host-lab.sh boots
# them): a Debian release's kernel (5.10, 6.1, 6.12), only cgroup v2
# (Docker's cgroupns=private), AppArmor enforcing, that release's Docker
# with its own containerd and runc. docker-enter beside that engine's
# `docker exec` on the same containers:
#   differential    ids, capabilities, no_new_privs, seccomp, limits, cwd,
#                   environment, the v2 cgroup (and membership of the
#                   container's cgroup.procs), the AppArmor label, namespaces
#   AppArmor        docker-default, a profile of our own, unconfined; what a
#                   profile denies is denied to both; a label that cannot be
#                   applied is a refusal, never an unconfined command
#   --tools         a toolbox (fsopen, open_tree, move_mount; no
#                   mount_setattr needed), the command still under
#                   docker-default, the container's mount table untouched;
#                   and in a user namespace (userns-remap, below)
#   nsenter         -t PID -a, -Z, PID:INODE (as the kernel has pidfs or not)
#                   and thread targets; unshare
#   installer       the image, loaded into this engine, installs
#   docker CLI      docker enter through this release's CLI (listed by docker
#                   --help, as docker exec; its completion where the CLI
#                   asks plugins, 23 and later); --list against docker ps
#   shapes          a container whose cgroup is not a leaf (subtree_control set)
#   the command     alone in the container's cgroups: docker top, cgroup.procs,
#                   paused (the v2 freezer), at its pids limit, out of memory
#   attacks         tests/e2e/hostile.sh, in its lab mode
#   userns-remap    the engine restarted with --userns-remap: a container in a
#                   user namespace of its own
#   daemonless      the engine frozen, then stopped: state files and the
#                   runtime's record
#   other engines   where the release has them (trixie: Podman 5, LXC 6,
#                   containerd 1.7's CRI): tests/integration/podman.sh,
#                   lxc.sh and cri.sh, as on the host, against podman exec,
#                   lxc-attach and the CRI's ExecSync
TOP=${TOP:-/lab}
. "$TOP/tests/lib.sh"
. "$TOP/tests/e2e/docker.sh"
. "$TOP/tests/tools/differential.sh"
. "$TOP/tests/tools/only-the-command.sh"
DOCKER_DIR=$(mktemp -d)  # scratch for make_busybox_image
IMAGE=nskit-test/busybox
DE=(timeout 60 "$NSKIT" docker-enter)
clock() { echo "  ($1 at $SECONDS s)"; }

make_busybox_image "$IMAGE" || { fail "busybox image" "docker import failed"; exit 0; }
run_container() {  # NAME [docker run options...]
    local name=$1; shift
    docker run -d --network none --name "$name" "$@" "$IMAGE" sleep 1000000 >/dev/null
}
pid_of() { docker inspect -f '{{.State.Pid}}' "$1"; }
clock "image ready"

echo "-- differential: docker exec and docker-enter agree"
run_container lab-plain
docker exec lab-plain sh -c "$PROBE" >"$DOCKER_DIR/plain.probe" 2>&1  # for the daemonless case at the end
differential "by name" lab-plain lab-plain
differential "exec -u 1000:1000 -w /tmp -e X=1" lab-plain lab-plain -u 1000:1000 -w /tmp -e X=1
expect "the command is in the container's v2 cgroup (cgroup.procs of its directory)" --out "listed" \
    -- "${DE[@]}" lab-plain sh -c 'sleep 5 & p=$!; grep -qx "$p" /sys/fs/cgroup/cgroup.procs && echo listed; kill $p'
# Only the command joins: no process of ours outside the container's pid
# namespace (a 0 in its cgroup.procs).
expect "cgroup.procs as the container sees it: no process from outside its pid namespace" --out "0 outside" \
    -- "${DE[@]}" lab-plain sh -c 'echo "$(grep -c "^0$" /sys/fs/cgroup/cgroup.procs) outside"'
# The placer is born in the container's v2 cgroup (clone3); without clone3
# (Linux before 5.3, or a filter of the caller's) it moves itself there.
expect "without clone3: the command is in the container's v2 cgroup all the same" --out "listed, 0 outside" \
    -- "$TOP/build/host-lab/pretend-kernel" no-clone3 "${DE[@]}" lab-plain sh -c \
    'sleep 5 & p=$!; grep -qx "$p" /sys/fs/cgroup/cgroup.procs && echo "listed, $(grep -c "^0$" /sys/fs/cgroup/cgroup.procs) outside"; kill $p'
clock "differential"

echo "-- AppArmor"
same "docker-default: the label docker exec gives" "$(docker exec lab-plain cat /proc/self/attr/current)" \
    "$("${DE[@]}" lab-plain cat /proc/self/attr/current)"
expect "docker-default is enforced" --out "docker-default (enforce)" -- "${DE[@]}" lab-plain cat /proc/self/attr/current
# With CAP_SYS_ADMIN the capability is there: what stops a mount is the profile's "deny mount".
mounted() { "$@" sh -c 'mkdir -p /mnt/x; mount -t tmpfs none /mnt/x 2>&1; echo rc=$?'; }
run_container lab-sysadmin --cap-add SYS_ADMIN
same "docker-default denies a mount to docker-enter's command as to docker exec's" \
    "$(mounted docker exec lab-sysadmin)" "$(mounted "${DE[@]}" lab-sysadmin)"
expect "...and it is denied" --out-has "Permission denied" -- "${DE[@]}" lab-sysadmin sh -c 'mount -t tmpfs none /mnt 2>&1; true'
run_container lab-unconfined --cap-add SYS_ADMIN --security-opt apparmor=unconfined
same "unconfined: the label docker exec gives" "$(docker exec lab-unconfined cat /proc/self/attr/current)" \
    "$("${DE[@]}" lab-unconfined cat /proc/self/attr/current)"
same "unconfined: the mount is allowed to both" "$(mounted docker exec lab-unconfined)" "$(mounted "${DE[@]}" lab-unconfined)"
# A profile of our own, followed by name: everything but reading /etc/hostname.
profile=$(mktemp)
cat >"$profile" <<'EOF'
#include <tunables/global>
profile nskit-lab flags=(attach_disconnected,mediate_deleted) {
  #include <abstractions/base>
  file,
  capability,
  network,
  signal,
  ptrace,
  unix,
  deny /etc/hostname r,
}
EOF
if apparmor_parser -r -W "$profile" 2>/dev/null; then
    run_container lab-profile --security-opt apparmor=nskit-lab
    same "a profile of our own: the label docker exec gives" "$(docker exec lab-profile cat /proc/self/attr/current)" \
        "$("${DE[@]}" lab-profile cat /proc/self/attr/current)"
    hostname_read() { "$@" sh -c 'cat /etc/hostname >/dev/null 2>&1; echo rc=$?'; }
    same "...and what it denies is denied to both" "$(hostname_read docker exec lab-profile)" \
        "$(hostname_read "${DE[@]}" lab-profile)"
    expect "...denied indeed" --out "rc=1" -- "${DE[@]}" lab-profile sh -c 'cat /etc/hostname >/dev/null 2>&1; echo rc=$?'
    # The profile gone from the kernel: the label cannot be applied, and the
    # command must not run unconfined instead.
    apparmor_parser -R "$profile" 2>/dev/null
    expect "a label that cannot be applied: refused, not run unconfined" --rc 1 --out "" \
        --err "cannot set the security context 'exec nskit-lab'" -- "${DE[@]}" lab-profile echo ran
else
    fail "a profile of our own" "apparmor_parser cannot load one"
fi
clock "AppArmor"

echo "-- docker-enter --tools"
TOOLBOX=$(mktemp -d)
chmod 755 "$TOOLBOX"
cp /bin/busybox "$TOOLBOX/busybox"
for applet in $(busybox --list); do [ "$applet" = busybox ] || ln -s busybox "$TOOLBOX/$applet"; done
before=$(cat /proc/"$(pid_of lab-plain)"/mountinfo)
expect "--tools: the toolbox, with the command under docker-default" \
    --out "docker-default (enforce) $(busybox --list | wc -l)" \
    -- "${DE[@]}" --tools="$TOOLBOX" lab-plain sh -c 'echo "$(cat /proc/self/attr/current) $(ls /.nskit/tools | wc -l)"'
"${DE[@]}" --tools="$TOOLBOX" lab-plain sh -c 'echo ready; sleep 30' >"$TOOLBOX.out" 2>&1 &
for i in $(seq 1 200); do grep -q ready "$TOOLBOX.out" && break; sleep 0.1; done
same "--tools: the container's mount table, during the session" "$(cat /proc/"$(pid_of lab-plain)"/mountinfo)" "$before"
kill %%
clock "--tools"

echo "-- nsenter and unshare on $(uname -r)"
P=$(pid_of lab-plain)
same "nsenter -t PID -a: the container's namespaces" \
    "$(for f in /proc/"$P"/ns/*; do readlink "$f"; done)" \
    "$(timeout 30 "$NSKIT" nsenter -t "$P" -a sh -c 'for f in /proc/self/ns/*; do readlink $f; done')"
expect "nsenter -Z follows the container's AppArmor label" --out "docker-default (enforce)" \
    -- "$NSKIT" nsenter -t "$P" -a -Z cat /proc/self/attr/current
# PID:INODE follows the guest's kernel: pidfs gives pidfds inodes of their own from 6.9.
release=$(uname -r)
major=${release%%.*} minor=${release#*.}
minor=${minor%%[!0-9]*}
if [ "$major" -gt 6 ] || { [ "$major" = 6 ] && [ "$minor" -ge 9 ]; }; then
    expect "nsenter -t PID:INODE: another inode is another process (pidfs, $release)" --rc 1 \
        --err "a different process now has that PID" -- "$NSKIT" nsenter -t "$P:1" -a true
else
    expect "nsenter -t PID:INODE: a clear message before Linux 6.9 ($release)" --rc 1 \
        --err "this kernel gives pidfds no inode of their own (Linux 6.9 or later needed)" \
        -- "$NSKIT" nsenter -t "$P:1" -a true
fi
# A thread that is not its process's leader: no pidfd names it before 6.9
# (PIDFD_THREAD), so /proc alone pins it.
spawn python3 -c 'import threading, time; threading.Thread(target=time.sleep, args=(1000000,)).start()'
for i in $(seq 1 100); do
    thread=$(ls /proc/"$SPAWNED"/task 2>/dev/null | grep -vx "$SPAWNED" | head -1)
    [ -n "$thread" ] && break
    sleep 0.05
done
expect "nsenter -t TID: a thread that is not its process's leader, pinned through /proc" --out ok \
    -- "$NSKIT" nsenter -t "$thread" -a -m sh -c 'echo ok'
expect "unshare -U -r: root in a new user namespace" --out 0 -- "$NSKIT" unshare -U -r id -u
expect "unshare -fp --mount-proc: pid 1 of a new pid namespace" --out 1 -- "$NSKIT" unshare -fp --mount-proc sh -c 'echo $$'
clock "nsenter and unshare"

echo "-- the installer image on this engine"
if docker load -q <"$TOP/build/host-lab/nskit-image.tar" >/dev/null; then
    target=$(mktemp -d)
    expect "docker run -v DIR:/target nskit installs" --out-has "installed" \
        -- docker run --rm --network none -v "$target:/target" nskit
    same "...the binary it installed is ours" "$(cmp -s "$target/nskit" "$NSKIT" && echo same)" same
    expect "...and its links run" --out-has "nsenter from nskit" -- "$target/nsenter" --version
else
    fail "the installer image" "docker load failed"
fi
clock "installer"

echo "-- this release's docker CLI: docker enter, its completion; --list against docker ps"
plugin_config=$(mktemp -d)
mkdir -p "$plugin_config/cli-plugins"
"$NSKIT" install --plugin-dir "$plugin_config/cli-plugins" "$(mktemp -d)" >/dev/null
expect "docker --help lists docker enter" --out-has "Run a command in a running container with its own context" \
    -- env DOCKER_CONFIG="$plugin_config" docker --help
same "docker enter NAME: what docker exec gives" "$(docker exec lab-plain id)" \
    "$(DOCKER_CONFIG="$plugin_config" docker enter lab-plain id 2>&1)"
cli=$(docker version --format '{{.Client.Version}}')
if [ "${cli%%.*}" -ge 23 ]; then
    # docker __complete is what `docker completion bash|zsh|fish` runs; the CLI hands a plugin's word to it.
    completed=$(DOCKER_CONFIG="$plugin_config" docker __complete enter "" 2>/dev/null)
    same "docker __complete enter: the CLI asks the plugin, which names the running containers" \
        "$(grep -x -e lab-plain -e ':4' <<<"$completed")" "$(printf 'lab-plain\n:4')"
else
    skip "docker __complete enter" "docker CLI $cli does not ask its plugins to complete (23 and later do)"
fi
same "--list: the engine's running containers by name, with their PID, as docker ps has them" \
    "$("$NSKIT" docker-enter --list | awk '$1 == "docker" {print $2, $4}' | sort)" \
    "$(docker ps --format '{{.Names}}' | while read -r name; do echo "$name $(pid_of "$name")"; done | sort)"
clock "docker CLI"

echo "-- a container whose cgroup is not a leaf"
# The init moved into a child cgroup and a controller enabled below: the
# container's own directory now takes no process (EBUSY), as systemd inside
# a container, or a runtime that nests, leaves it.
run_container lab-subtree
S=$(pid_of lab-subtree)
dir=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/"$S"/cgroup)
if mkdir "$dir/init" && echo "$S" >"$dir/init/cgroup.procs" && echo +pids >"$dir/cgroup.subtree_control"; then
    expected=$(docker exec lab-subtree sh -c 'cat /proc/self/cgroup; echo rc=$?' 2>&1)
    got=$("${DE[@]}" lab-subtree sh -c 'cat /proc/self/cgroup; echo rc=$?' 2>&1)
    same "docker-enter puts its command where docker exec puts its own" "$got" "$expected"
else
    fail "a container whose cgroup is not a leaf" "cannot make one in $dir"
fi
clock "non-leaf cgroup"

echo "-- only the command is in the container's cgroups (pure cgroup v2: the v2 freezer, memory.events)"
only_the_command_cases
clock "only the command"

echo "-- attacks (tests/e2e/hostile.sh)"
NSKIT_LAB=1 SUITE=host-lab bash "$TOP/tests/e2e/hostile.sh"
clock "attacks"

echo "-- daemonless: the engine frozen, then stopped"
# Frozen (SIGSTOP): its socket takes the connection and never answers; the
# state files and the record answer after --timeout.
dockerd_pid=$(pidof dockerd)
kill -STOP "$dockerd_pid"
compare "daemonless, the engine frozen (SIGSTOP)" "ids caps nnp seccomp limits cwd env cgroup member label ns" \
    "$(cat "$DOCKER_DIR/plain.probe")" "$(timeout 60 "$NSKIT" docker-enter --timeout 1 lab-plain sh -c "$PROBE" 2>&1 </dev/null)"
kill -CONT "$dockerd_pid"
kill -9 "$dockerd_pid"
for i in $(seq 1 100); do pidof dockerd >/dev/null || break; sleep 0.1; done
compare "daemonless, the engine stopped (SIGKILL)" "ids caps nnp seccomp limits cwd env cgroup member label ns" \
    "$(cat "$DOCKER_DIR/plain.probe")" "$(timeout 60 "$NSKIT" docker-enter --timeout 1 lab-plain sh -c "$PROBE" 2>&1 </dev/null)"
clock "daemonless"

echo "-- userns-remap: the engine again, each container in a user namespace of its own"
dockerd --userns-remap=default --iptables=false --ip-masq=false --bridge=none --userland-proxy=false \
    --log-level warn >/run/dockerd-remap.log 2>&1 &
wait_for 1200 docker version >/dev/null 2>&1
if docker info 2>/dev/null | grep -q userns && make_busybox_image "$IMAGE"; then
    run_container lab-remap
    R=$(pid_of lab-remap)
    if [ "$(readlink /proc/"$R"/ns/user)" != "$(readlink /proc/self/ns/user)" ]; then
        pass "userns-remap: the container has a user namespace of its own"
    else
        fail "userns-remap: the container has a user namespace of its own" "it shares ours"
    fi
    differential "userns-remap" lab-remap lab-remap
    differential "userns-remap, exec -u 1000" lab-remap lab-remap -u 1000
    expect "userns-remap: --tools in the container's user namespace" --out "0 $(busybox --list | wc -l) ro" \
        -- "${DE[@]}" --tools="$TOOLBOX" lab-remap sh -c \
        'echo "$(id -u) $(ls /.nskit/tools | wc -l) $(touch /x 2>/dev/null && echo rw || echo ro)"'
else
    fail "userns-remap" "the engine did not start with --userns-remap: $(tail -3 /run/dockerd-remap.log | tr '\n' ' ')"
fi
clock "userns-remap"

# The integration suites of the engines this release has, run as on the
# host; their cases named "host-lab: SUITE: ...". The engine started above
# is stopped first: it has nothing to do with them.
if command -v podman >/dev/null || command -v lxc-start >/dev/null; then
    kill -9 "$(pidof dockerd)" 2>/dev/null
    for suite in podman lxc cri; do
        echo "-- $suite (tests/integration/$suite.sh)"
        NSKIT_TEST_TOOLS=$TOP/build/host-lab SUITE="host-lab: $suite" bash "$TOP/tests/integration/$suite.sh" ||
            fail "$suite" "the suite exited with status $?"
        clock "$suite"
    done
fi
