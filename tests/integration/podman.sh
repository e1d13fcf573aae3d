#!/usr/bin/env bash
# Podman's containers, found daemonless by name (src/runtime/sources/podman.cpp):
# containers/storage's containers.json names them, runc's state says where
# their bundles are. Real containers of Debian's podman, in a storage of
# their own here: rootful ones compared with `podman exec`, a rootless one
# entered by its owner without root and by root, both compared with its
# owner's `podman exec`, with the owner's forged records, and the same name
# in two sources.
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/lib.sh"

need_root "Podman containers" || exit 0
need_cmd "Podman containers" podman || exit 0
need_cmd "Podman containers" runc || exit 0
need_cmd "Podman containers" busybox || exit 0
work=$(mktemp -d /tmp/nskit-podman.XXXXXX)
chmod 755 "$work"
at_exit "rm -rf $work"

. "$TOP/tests/tools/podman.sh"
if ! podman_setup ||
   ! web=$("${podman_run[@]}" --name nskit-web -e ROLE=web -w /srv localhost/nskit-busybox sleep 1000) ||
   ! "${podman_run[@]}" --name nskit-app --user 1234:1234 --cap-drop all --ulimit nofile=1000:2000 --ulimit nproc=3000:4000 \
       localhost/nskit-busybox sleep 1000 >/dev/null; then
    fail "Podman runs two containers" "podman failed (see above)"
    exit 0
fi
pass "Podman runs two containers (nskit-web, nskit-app) in a storage of its own"

enter=("$NSKIT" docker-enter -T)
# Groups are left out: podman exec gives the groups of the container's
# /etc/group, where its init (and nskit, from config.json) has additionalGids.
probe='id -u; id -g; pwd; env | sort; grep -E "^(Cap|NoNewPrivs|Seccomp)" /proc/self/status; cat /proc/self/cgroup; umask;
       for ns in mnt net pid uts ipc; do readlink /proc/self/ns/$ns; done'
for name in nskit-web nskit-app; do
    same "podman:$name is what podman exec gives: user, cwd, environment (HOME too), capabilities, seccomp, cgroups, namespaces" \
        "$("${enter[@]}" podman:$name sh -c "$probe" 2>&1)" "$("${podman_root[@]}" exec $name sh -c "$probe" 2>&1)"
done
# Limits: config.json's, as the init holds them, not podman exec's, which
# depart from the container's own (README, "Podman"): on Debian 12 (Podman
# 4.3, runc 1.1.5) its soft open-files limit is the hard one; Podman 5's
# exec process.json has only the --ulimit ones, so for the limits Podman
# adds when it starts a container (open files and processes, 1048576 for
# root) its exec gets those of podman's own caller. Each run says both.
for name in nskit-web nskit-app; do
    same "podman:$name: its limits are its init's, config.json's" \
        "$("${enter[@]}" podman:$name cat /proc/self/limits 2>&1)" \
        "$(cat /proc/"$("${podman_root[@]}" inspect -f '{{.State.Pid}}' $name)"/limits)"
    two_limits='/^Max (processes|open files)/ {printf " %s:%s", $(NF-2), $(NF-1)}'
    echo "  ($name: processes and open files, soft:hard: its init's$(awk "$two_limits" /proc/"$("${podman_root[@]}" inspect -f '{{.State.Pid}}' $name)"/limits)," \
        "podman exec's$("${podman_root[@]}" exec $name cat /proc/self/limits | awk "$two_limits"))"
done
expect "nskit-web, unprefixed, with no engine answering" --out web -- \
    env DOCKER_HOST=unix://"$work"/no.sock "${enter[@]}" nskit-web sh -c 'echo $ROLE'
expect "podman:nskit-web: the command's exit status" --rc 7 -- "${enter[@]}" podman:nskit-web sh -c 'exit 7'
expect "podman:nosuch is not found" --rc 1 --err "cannot find container podman:nosuch: no such container" -- \
    "${enter[@]}" podman:nosuch true
listed=$("$NSKIT" docker-enter --list --data-root "$work/no-docker")
same "--list: Podman's containers by name, with their PID and image" \
    "$(awk '$1 == "podman" && $2 ~ /^nskit-/ {print $2, $4, $6}' <<<"$listed" | sort)" \
    "$(for name in nskit-app nskit-web; do
           echo "$name $("${podman_root[@]}" inspect -f '{{.State.Pid}}' $name) localhost/nskit-busybox:latest"; done)"

# The same name in two sources: a runc container that nerdctl's annotation names nskit-web.
bundle=$work/bundle
mkdir -p "$bundle" && (cd "$bundle" && runc spec)
python3 - "$bundle/config.json" "$work/rootfs" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["root"] = {"path": sys.argv[2], "readonly": True}
c["process"].update(terminal=False, args=["sleep", "1000"], env=["PATH=/bin", "ROLE=nerdctl"])
c["annotations"] = {"nerdctl/name": "nskit-web"}
json.dump(c, open(sys.argv[1], "w"))
EOF
state=$work/runc-state
at_exit "runc --root $state delete -f twin-0000 2>/dev/null"
if runc --root "$state" run -d --bundle "$bundle" twin-0000 </dev/null >/dev/null 2>"$work/twin.err"; then
    expect "nskit-web in Podman and in nerdctl: an error that names both" --rc 1 \
        --err "'nskit-web' names 2 containers: nerdctl:nskit-web, podman:nskit-web: name one of them in full, as SOURCE:NAME" \
        -- "${enter[@]}" --state-dir "$state" nskit-web true
    expect "...podman:nskit-web is Podman's" --out web -- \
        "${enter[@]}" --state-dir "$state" podman:nskit-web sh -c 'echo $ROLE'
    expect "...nerdctl:nskit-web is the other" --out nerdctl -- \
        "${enter[@]}" --state-dir "$state" nerdctl:nskit-web sh -c 'echo $ROLE'
else
    fail "a runc container named by nerdctl" "$(cat "$work/twin.err")"
fi

# Rootless: the test user's own Podman, its state in its $XDG_RUNTIME_DIR.
. "$TOP/tests/tools/rootless.sh"
USER_NAME=nskit-test
rootless_user "$USER_NAME" 100000 || { fail "a user for rootless Podman" "useradd $USER_NAME failed"; exit 0; }
xdg=$rootless_xdg
rootless_podman
cp "$NSKIT" "$work/nskit" && chmod 755 "$work/nskit"
if "$as_user" "${podman_user[@]}" import -q --change 'ENV PATH=/bin' "$work/busybox.tar" localhost/nskit-busybox >/dev/null 2>&1 &&
   "$as_user" prlimit --nofile=1024:4096 "${podman_user[@]}" run -d --name nskit-rootless --network none -e ROLE=rootless localhost/nskit-busybox \
       sleep 1000 >/dev/null 2>"$work/rootless.err"; then
    expect "rootless: its user lists it, without root" --out-has "nskit-rootless" -- \
        "$as_user" "$work/nskit" docker-enter --list
    user_uid=$(id -u "$USER_NAME")
    rootless_pid=$("$as_user" "${podman_user[@]}" inspect -f '{{.State.Pid}}' nskit-rootless)
    rootless_id=$("$as_user" "${podman_user[@]}" inspect -f '{{.Id}}' nskit-rootless)
    # Everything podman exec sets, and the cgroups: both stay in their caller's,
    # as cgroup v1 gives a rootless user no cgroup of its own to put them in.
    rootless_probe='id -u; id -g; id -G; pwd; env | sort; grep -E "^(Cap|NoNewPrivs|Seccomp)" /proc/self/status; umask;
        cat /proc/self/cgroup /proc/self/oom_score_adj; for ns in user mnt net pid uts ipc; do readlink /proc/self/ns/$ns; done;
        cat /proc/self/limits'
    podman_gives=$("$as_user" "${podman_user[@]}" exec nskit-rootless sh -c "$rootless_probe" 2>&1)
    same "rootless: its owner enters it without root, with what podman exec gives: ids, groups, capabilities, seccomp, cwd, environment, namespaces, limits" \
        "$("$as_user" "$work/nskit" docker-enter -T podman:nskit-rootless sh -c "$rootless_probe" 2>&1)" "$podman_gives"
    same "rootless: root enters it with the same context, its owner's record's" \
        "$("${enter[@]}" --state-dir "$xdg/runc" podman:nskit-rootless sh -c "$rootless_probe" 2>&1)" "$podman_gives"
    # By its init's PID there is no record, and only root can read an init's filters.
    expect "rootless: its owner, by its init's PID, is told why not" --rc 1 \
        --err "cannot read the seccomp filters of PID $rootless_pid (only root can)" -- \
        "$as_user" "$work/nskit" docker-enter -T "pid:$rootless_pid" true
    expect "rootless: another user is refused, told who may enter it" --rc 1 \
        --err "cannot enter container pid:$rootless_pid as uid 65534: only root, or the user who owns its user namespace, can enter it" \
        -- setpriv --reuid=65534 --regid=65534 --clear-groups "$work/nskit" docker-enter -T "pid:$rootless_pid" true
    web_pid=$("${podman_root[@]}" inspect -f '{{.State.Pid}}' nskit-web)
    expect "rootless: its owner is refused a container of root's" --rc 1 \
        --err "cannot enter container pid:$web_pid as uid $user_uid: only root, or the user who owns its user namespace, can enter it" \
        -- "$as_user" "$work/nskit" docker-enter -T "pid:$web_pid" true
    # A cgroup of its own that its owner may write (delegated, as systemd
    # delegates a user's): its owner's command joins it, as runc puts an
    # exec's process in the container's. Here a v1 pids cgroup, the init moved in by root.
    delegated=
    if [ -w /sys/fs/cgroup/pids/tasks ] && grep -q "^cgroup /sys/fs/cgroup/pids " /proc/mounts; then
        delegated=/sys/fs/cgroup/pids/nskit-delegated-$$
        mkdir "$delegated" && chown "$USER_NAME" "$delegated" "$delegated/tasks" "$delegated/cgroup.procs" &&
            at_exit "echo $rootless_pid >/sys/fs/cgroup/pids/cgroup.procs; rmdir $delegated" && echo "$rootless_pid" >"$delegated/cgroup.procs" || delegated=
    fi
    if [ -n "$delegated" ]; then
        expect "rootless: its owner's command joins the container's cgroups it may write (a delegated one)" \
            --out "pids:/nskit-delegated-$$" -- \
            "$as_user" "$work/nskit" docker-enter -T podman:nskit-rootless sh -c 'grep -o "pids:.*" /proc/self/cgroup'
        echo "$rootless_pid" >/sys/fs/cgroup/pids/cgroup.procs
    elif [ -f /sys/fs/cgroup/cgroup.controllers ]; then
        # cgroup v2 alone (the host lab's guests): a subtree delegated to its
        # owner as systemd delegates user@UID.service, the owner's session in
        # one child and the container in another. A move within the subtree
        # needs only the owner's write on the subtree (their common
        # ancestor), as it is in a systemd user session.
        delegated=/sys/fs/cgroup/nskit-delegated-$$
        if mkdir -p "$delegated/session" "$delegated/container" &&
           chown -R "$USER_NAME" "$delegated" && echo "$rootless_pid" >"$delegated/container/cgroup.procs"; then
            at_exit "echo $rootless_pid >/sys/fs/cgroup/cgroup.procs; rmdir $delegated/session $delegated/container $delegated"
            in_session="echo \$\$ >$delegated/session/cgroup.procs && exec"
            expect "rootless: its owner's command joins the container's cgroup it may write (a delegated v2 subtree)" \
                --out "same cgroup as the init: 0::/nskit-delegated-$$/container" -- \
                sh -c "$in_session $as_user $work/nskit docker-enter -T podman:nskit-rootless sh -c \
                    '[ \"\$(cat /proc/self/cgroup)\" = \"\$(cat /proc/1/cgroup)\" ] && echo same cgroup as the init: \$(cat /proc/self/cgroup)'"
            echo "$rootless_pid" >/sys/fs/cgroup/cgroup.procs
        else
            fail "rootless: a delegated v2 subtree" "cannot make $delegated for $USER_NAME"
        fi
    else
        skip "rootless: its owner's command joins a delegated cgroup" "neither a cgroup v1 pids hierarchy nor cgroup v2 alone to delegate one in"
    fi

    # Attacks: the owner's forged record gives it nothing outside its own
    # user namespace. Its monitor (conmon, the owner's process, started
    # under a hard limit of 4096 open files) bounds what its processes may
    # hold: a limit above the owner's own, or a lower OOM score, is what
    # the owner cannot give itself and root could.
    conmon=$(awk '/^PPid:/ {print $2}' /proc/$rootless_pid/status)
    bound="$(awk '/^Max open files/ {print $4, $5}' /proc/$conmon/limits) $(cat /proc/$conmon/oom_score_adj)"
    userns=$(readlink /proc/$rootless_pid/ns/user)
    forged_probe='echo $(awk "/^Max open files/ {print \$4, \$5}" /proc/self/limits) $(cat /proc/self/oom_score_adj) $(readlink /proc/self/ns/user)'
    userdata=$rootless_home/containers/vfs-containers/$rootless_id/userdata
    forge='import json, sys
c = json.load(open(sys.argv[1]))
p = c["process"]
every = ["CAP_%s" % n for n in "CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE NET_RAW SYS_CHROOT SYS_ADMIN SYS_PTRACE SYS_MODULE SYS_RESOURCE MKNOD AUDIT_WRITE SETFCAP".split()]
p["capabilities"] = {k: every for k in ("bounding", "effective", "permitted", "inheritable")}
p["rlimits"] = [{"type": "RLIMIT_NOFILE", "hard": 65536, "soft": 65536}]
p["oomScoreAdj"] = -1000
p["apparmorProfile"] = "unconfined"
c["linux"].pop("seccomp", None)
json.dump(c, open(sys.argv[2], "w"))'
    cp "$userdata/config.json" "$work/config.json.real"
    "$as_user" python3 -c "$forge" "$userdata/config.json" "$userdata/config.json.forged" &&
        "$as_user" mv "$userdata/config.json.forged" "$userdata/config.json"
    expect "attack: a record its owner forged to grant more: no limit or OOM score beyond its owner's, nothing outside its user namespace" \
        --out "$bound $userns" -- "${enter[@]}" --state-dir "$xdg/runc" podman:nskit-rootless sh -c "$forged_probe"
    # The bundle conmon names, turned into a link to a record root wrote:
    # the owner named it, so it is still the owner's word.
    elsewhere=$work/root-bundle
    mkdir -p "$elsewhere" && python3 -c "$forge" "$work/config.json.real" "$elsewhere/config.json"
    "$as_user" mv "$userdata" "$userdata.real" && "$as_user" ln -s "$elsewhere" "$userdata"
    expect "attack: its bundle pointed at a record root wrote, outside its storage: the same bounds" \
        --out "$bound $userns" -- "${enter[@]}" --state-dir "$xdg/runc" podman:nskit-rootless sh -c "$forged_probe"
    "$as_user" rm "$userdata" && "$as_user" mv "$userdata.real" "$userdata"
    "$as_user" cp "$work/config.json.real" "$userdata/config.json"
    # A record whose filter cannot be compiled: refused, saying why, as for root's containers.
    "$as_user" python3 -c 'import json, sys
c = json.load(open(sys.argv[1]))
c["linux"]["seccomp"]["defaultAction"] = "SCMP_ACT_NOSUCH"
json.dump(c, open(sys.argv[1], "w"))' "$userdata/config.json"
    expect "rootless: a record whose filter cannot be compiled is refused, saying why" --rc 1 \
        --err "userdata/config.json: linux.seccomp.defaultAction: SCMP_ACT_NOSUCH: not an action nskit knows" -- \
        "$as_user" "$work/nskit" docker-enter -T podman:nskit-rootless id
    "$as_user" cp "$work/config.json.real" "$userdata/config.json"
    # runc's state file, a link to another: not followed, so not found by it.
    state_file=$xdg/runc/$rootless_id/state.json
    "$as_user" mv "$state_file" "$state_file.real" && "$as_user" ln -s "$state_file.real" "$state_file"
    expect "attack: a symlinked state file is not read" --rc 1 --err "no such container" -- \
        "${enter[@]}" --state-dir "$xdg/runc" podman:nskit-rootless true
    "$as_user" rm "$state_file" && "$as_user" mv "$state_file.real" "$state_file"
    expect "...and with it back, the container is found again" --out rootless -- \
        "${enter[@]}" --state-dir "$xdg/runc" podman:nskit-rootless sh -c 'echo $ROLE'
else
    skip "rootless Podman" "podman as $USER_NAME failed: $(head -c 300 "$work/rootless.err" 2>/dev/null)"
fi
