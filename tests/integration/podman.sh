#!/usr/bin/env bash
# Podman's containers, found daemonless by name (src/runtime/sources/podman.cpp):
# containers/storage's containers.json names them, runc's state says where
# their bundles are. Real containers of Debian's podman, in a storage of
# their own here: rootful ones compared with `podman exec`, a rootless one
# found by its user without root and entered by root with its init's own
# context, and the same name in two sources.
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
   ! "${podman_run[@]}" --name nskit-app --user 1234:1234 --cap-drop all localhost/nskit-busybox sleep 1000 >/dev/null; then
    fail "Podman runs two containers" "podman failed (see above)"
    exit 0
fi
pass "Podman runs two containers (nskit-web, nskit-app) in a storage of its own"

enter=("$NSKIT" docker-enter -T)
# Groups are left out: podman exec gives the groups of the container's
# /etc/group, where its init (and nskit, from config.json) has additionalGids.
probe='id -u; id -g; pwd; env | sort; grep -E "^(Cap|NoNewPrivs|Seccomp)" /proc/self/status; cat /proc/self/cgroup; umask;
       for ns in mnt net pid uts ipc; do readlink /proc/self/ns/$ns; done; cat /proc/self/limits'
for name in nskit-web nskit-app; do
    same "podman:$name is what podman exec gives: user, cwd, environment, capabilities, seccomp, cgroups, namespaces, limits" \
        "$("${enter[@]}" podman:$name sh -c "$probe" 2>&1)" "$("${podman_root[@]}" exec $name sh -c "$probe" 2>&1)"
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
USER_NAME=nskit-test
id "$USER_NAME" >/dev/null 2>&1 || useradd -m -s /bin/sh "$USER_NAME" >/dev/null 2>&1
grep -q "^$USER_NAME:" /etc/subuid 2>/dev/null || echo "$USER_NAME:100000:65536" >>/etc/subuid
grep -q "^$USER_NAME:" /etc/subgid 2>/dev/null || echo "$USER_NAME:100000:65536" >>/etc/subgid
xdg=$work/xdg
install -d -m 700 -o "$USER_NAME" -g "$USER_NAME" "$xdg" "$work/rootless"
# as_user CMD...: CMD as the test user, in its session's environment (a script: expect runs it under timeout).
as_user=$work/as-user
cat >"$as_user" <<EOF
#!/bin/sh
cd / && exec setpriv --reuid=$USER_NAME --regid=$USER_NAME --init-groups \\
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=$work/rootless XDG_RUNTIME_DIR=$xdg "\$@"
EOF
chmod 755 "$as_user"
podman_user=(podman --root "$work/rootless/root" --runroot "$xdg/containers" --runtime runc --events-backend file
             --storage-driver vfs)
at_exit "kill -9 \$(cat $xdg/libpod/tmp/pause.pid 2>/dev/null) 2>/dev/null"
at_exit "$as_user ${podman_user[*]} rm -f -t 0 -a >/dev/null 2>&1"
cp "$NSKIT" "$work/nskit" && chmod 755 "$work/nskit"
if "$as_user" "${podman_user[@]}" import -q --change 'ENV PATH=/bin' "$work/busybox.tar" localhost/nskit-busybox >/dev/null 2>&1 &&
   "$as_user" "${podman_user[@]}" run -d --name nskit-rootless --network none -e ROLE=rootless localhost/nskit-busybox \
       sleep 1000 >/dev/null 2>"$work/rootless.err"; then
    expect "rootless: its user lists it, without root" --out-has "nskit-rootless" -- \
        "$as_user" "$work/nskit" docker-enter --list
    expect "rootless: its user is refused with the reason" --rc 1 \
        --err "cannot enter container podman:nskit-rootless as uid $(id -u "$USER_NAME"): entering needs root" \
        -- "$as_user" "$work/nskit" docker-enter podman:nskit-rootless true
    expect "rootless: root enters it with its init's own context, saying so" --out "rootless 0 2 1" \
        --err "or only its rootless user's: its context is taken from its init" -- \
        "${enter[@]}" --state-dir "$xdg/runc" podman:nskit-rootless \
        sh -c 'echo $ROLE $(id -u) $(grep -E "^Seccomp:" /proc/self/status | cut -f2) $(grep NoNewPrivs /proc/self/status | cut -f2)'
    same "rootless: ...in the container's user, mount and PID namespaces" \
        "$("${enter[@]}" --state-dir "$xdg/runc" podman:nskit-rootless sh -c 'for ns in user mnt pid; do readlink /proc/self/ns/$ns; done' 2>/dev/null)" \
        "$("$as_user" "${podman_user[@]}" exec nskit-rootless sh -c 'for ns in user mnt pid; do readlink /proc/self/ns/$ns; done')"
else
    skip "rootless Podman" "podman as $USER_NAME failed: $(head -c 300 "$work/rootless.err" 2>/dev/null)"
fi
