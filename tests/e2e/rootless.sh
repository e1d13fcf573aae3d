#!/usr/bin/env bash
# Rootless Docker: a real dockerd-rootless.sh engine, run by a user made for
# the tests in a temporary home, its containers entered by that user without
# root (through its engine, with its engine frozen, and with none), and by
# root; each compared with `docker exec` through that engine. Then attacks by
# the user on root: a state file of its own naming a process of the host's.
# The engine is tests/tools/rootless.sh's. This host gives its user no
# cgroup delegation (no systemd, cgroup v1), so its containers have no
# cgroup of their own.
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/lib.sh"

need_root "rootless Docker" || exit 0
for cmd in dockerd docker rootlesskit newuidmap busybox; do
    need_cmd "rootless Docker" "$cmd" || exit 0
done
work=$(mktemp -d /tmp/nskit-rootless.XXXXXX)
chmod 755 "$work"
at_exit "rm -rf $work"
. "$TOP/tests/tools/rootless.sh"
USER_NAME=nskit-rootless
rootless_user "$USER_NAME" 300000 || { fail "a user for rootless Docker" "useradd $USER_NAME failed"; exit 0; }
user_uid=$(id -u "$USER_NAME")
home=$rootless_home
xdg=$rootless_xdg
cp "$NSKIT" "$work/nskit" && chmod 755 "$work/nskit"
if ! rootless_dockerd; then
    skip "rootless Docker" "$rootless_error"
    exit 0
fi
pass "a rootless dockerd runs for $USER_NAME (uid $user_uid)"

mkdir -p "$work/rootfs/bin" "$work/rootfs/etc" "$work/rootfs/tmp" "$work/rootfs/srv"
cp "$(command -v busybox)" "$work/rootfs/bin/busybox"
for applet in sh sleep id cat readlink pwd echo env sort grep awk umask; do
    ln -sf busybox "$work/rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1234:1234:app:/srv:/bin/sh\n' >"$work/rootfs/etc/passwd"
printf 'root:x:0:\napp:x:1234:\n' >"$work/rootfs/etc/group"
tar -C "$work/rootfs" -cf "$work/busybox.tar" . && chmod 644 "$work/busybox.tar"
if ! "${docker_user[@]}" import --change 'ENV PATH=/bin' "$work/busybox.tar" nskit-rootless/busybox >/dev/null ||
   ! "${docker_user[@]}" run -d --name rl-web --network none -e ROLE=web -w /srv nskit-rootless/busybox \
       sleep infinity >/dev/null ||
   ! "${docker_user[@]}" run -d --name rl-app --network none --user 1234:1234 --cap-drop all \
       nskit-rootless/busybox sleep infinity >/dev/null; then
    fail "rootless Docker runs two containers" "docker run failed (see above)"
    exit 0
fi
pass "rootless Docker runs two containers (rl-web, rl-app)"

probe='id -u; id -g; id -G; pwd; env | sort; grep -E "^(Cap|NoNewPrivs|Seccomp)" /proc/self/status; umask;
       cat /proc/self/cgroup /proc/self/oom_score_adj /proc/self/limits;
       for ns in user mnt net pid uts ipc; do readlink /proc/self/ns/$ns; done'
enter_user=("$as_user" "$work/nskit" docker-enter -T)
for name in rl-web rl-app; do
    gives=$("${docker_user[@]}" exec "$name" sh -c "$probe" 2>&1)
    same "$name: its owner, through its own engine found without DOCKER_HOST, gets what docker exec gives: ids, groups, capabilities, seccomp, no_new_privs, cwd, environment, cgroups, limits, namespaces" \
        "$("${enter_user[@]}" "$name" sh -c "$probe" 2>&1)" "$gives"
    same "$name: ...with no engine answering (its records, its runtime's state)" \
        "$("$as_user" env DOCKER_HOST="unix://$work/no.sock" "$work/nskit" docker-enter -T "$name" sh -c "$probe" 2>&1)" "$gives"
    same "$name: ...and root, from its owner's state and data root" \
        "$("$NSKIT" docker-enter -T --state-dir "$xdg/docker" --data-root "$home/.local/share/docker" "$name" \
               sh -c "$probe" 2>&1)" "$gives"
done

# The engine frozen: docker-enter gives up on it after --timeout.
dockerd_pid=$rootless_dockerd_pid
if [ -n "$dockerd_pid" ] && kill -STOP "$dockerd_pid" 2>/dev/null; then
    expect "rl-web: its owner, with its engine frozen" --out web -- \
        "${enter_user[@]}" --timeout 0.5 rl-web sh -c 'echo $ROLE'
    kill -CONT "$dockerd_pid"
else
    fail "rl-web: its owner, with its engine frozen" "no dockerd PID in $xdg/docker.pid"
fi

same "--list: its owner's containers, as its engine's docker ps names them" \
    "$("$as_user" "$work/nskit" docker-enter --list | awk '$1 == "docker" {print $2}' | sort)" \
    "$("${docker_user[@]}" ps --format '{{.Names}}' | sort)"
web_pid=$("${docker_user[@]}" inspect -f '{{.State.Pid}}' rl-web)
expect "another user is refused, told who may enter it" --rc 1 \
    --err "cannot enter container pid:$web_pid as uid 65534: only root, or the user who owns its user namespace, can enter it" \
    -- setpriv --reuid=65534 --regid=65534 --clear-groups "$work/nskit" docker-enter -T "pid:$web_pid" true
expect "root, through the owner's engine alone, is told to give its state" --rc 1 \
    --err "give its runtime's state with --state-dir" -- \
    env DOCKER_HOST="unix://$xdg/docker.sock" "$NSKIT" docker-enter -T rl-web true

# Attack: the owner's runc state names a process of root's, and a bundle
# root wrote (another container's record, with every capability).
# Root, given the owner's state, must not enter that process.
spawn sleep infinity
host_target=$SPAWNED
host_start=$(awk '{print $22}' "/proc/$host_target/stat")
bundle=$work/root-bundle
mkdir -p "$bundle" && (cd "$bundle" && runc spec 2>/dev/null) && chmod 755 "$bundle"
web_id=$("${docker_user[@]}" inspect -f '{{.Id}}' rl-web)
forged=$work/forged-state
install -d -o "$USER_NAME" -g "$USER_NAME" "$forged" "$forged/moby" "$forged/moby/$web_id"
python3 - "$xdg/docker/runtime-runc/moby/$web_id/state.json" "$work/state.json" "$host_target" "$host_start" "$bundle" <<'EOF'
import json, sys
state = json.load(open(sys.argv[1]))
state["init_process_pid"] = int(sys.argv[3])
state["init_process_start"] = int(sys.argv[4])
state["config"]["labels"] = ["bundle=" + sys.argv[5]]
json.dump(state, open(sys.argv[2], "w"))
EOF
"$as_user" cp "$work/state.json" "$forged/moby/$web_id/state.json"
expect "attack: its owner's state naming a process of root's is refused" --rc 1 \
    --err "its runtime's state belongs to uid $user_uid and its init (PID $host_target) is not in a user namespace of that user's" \
    -- "$NSKIT" docker-enter -T --runtime state --state-dir "$forged" "$web_id" true
