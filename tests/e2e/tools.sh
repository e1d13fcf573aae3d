#!/usr/bin/env bash
# docker-enter --tools against a private Docker engine: a toolbox from the
# host in containers that have no shell, and the containers left untouched.
#   containers  FROM scratch with one static program (tests/tools/scratch-app.c);
#               the same image distroless-like (a non-root user, --read-only);
#               busybox. In each: ls /, ps (the container's processes only),
#               cat of its file, its port on localhost, the toolbox's shell.
#   untouched   the container's mount table (its init's mountinfo, and a
#               process of its own through docker exec), its root's listing
#               and `docker diff`: identical before, during and after a
#               session; nothing left mounted or running after it; the view
#               read-only to the container's root through /proc/PID/root
#   refusals    no shell without --tools (the message names --tools), a
#               missing toolbox, one closed to other users (the container's
#               users, mapped or not, could not reach it), a dynamically linked tool, a script for /bin/sh,
#               a link out of the toolbox, a kernel without the mount API
#               (tests/tools/pretend-kernel no-mount-api): each a clear error
#               that leaves nothing behind
#   nsenter     nsenter -a --tools and `nskit enter pid:N --tools`
# The toolbox is the host's busybox-static (the package the nskit:tools image
# ships; tests/e2e/install.sh installs that image).
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/lib.sh"
. "$TOP/tests/e2e/docker.sh"

need_cmd "docker-enter --tools" gcc || exit 0
need_cmd "docker-enter --tools" busybox || exit 0
docker_start "docker-enter --tools" || exit 0
WORK=$(mktemp -d /tmp/nskit-tools.XXXXXX)
at_exit "rm -rf $WORK"

# The toolbox: busybox-static and a link per applet, as nskit:tools has it.
TOOLBOX=$WORK/toolbox
mkdir "$TOOLBOX"
cp /bin/busybox "$TOOLBOX/busybox"
for applet in $(busybox --list); do
    [ "$applet" = busybox ] || ln -s busybox "$TOOLBOX/$applet"
done
TOOLBOX_SUM=$(sha256sum <"$TOOLBOX/busybox")

# The FROM scratch image: one static program and one file of configuration.
mkdir -p "$WORK/scratch/etc"
if ! gcc -static -O2 -o "$WORK/scratch/app" "$TOP/tests/tools/scratch-app.c" 2>"$WORK/cc.err"; then
    fail "the scratch program builds" "$(head -c 300 "$WORK/cc.err")"
    exit 0
fi
echo "app: true" >"$WORK/scratch/etc/config.yaml"
printf 'FROM scratch\nCOPY app /app\nCOPY etc /etc\nENTRYPOINT ["/app"]\n' >"$WORK/scratch/Dockerfile"
docker_build -q -t nskit-test/scratch "$WORK/scratch" >/dev/null 2>&1 || { fail "scratch image" "docker build failed"; exit 0; }
make_busybox_image nskit-test/busybox || { fail "busybox image" "docker import failed"; exit 0; }

docker run -d --network none --name scratch nskit-test/scratch 8080 >/dev/null
docker run -d --network none --name distroless --user 65532:65532 --read-only nskit-test/scratch 8081 >/dev/null
docker run -d --network none --name busybox nskit-test/busybox sh -c \
    'mkdir -p /srv && echo "app: busybox" >/srv/config.yaml && echo "hello from busybox" >/srv/index.html &&
     exec httpd -f -p 127.0.0.1:8082 -h /srv' >/dev/null
pid_of() { docker inspect -f '{{.State.Pid}}' "$1"; }
DE=("$NSKIT" docker-enter)
TOOLS=("$NSKIT" docker-enter --tools="$TOOLBOX")

echo "-- in each container"
#          name       port  a file of its own  expected content  its program  uid
for row in "scratch    8080  /etc/config.yaml   app:true          /app         0" \
           "distroless 8081  /etc/config.yaml   app:true          /app         65532" \
           "busybox    8082  /srv/config.yaml   app:busybox       httpd        0"; do
    read -r name port file content program uid <<<"$row"
    expect "$name: ls / shows its root and the toolbox" --out-has "/.nskit" \
        -- "${TOOLS[@]}" "$name" sh -c 'ls -a / | sed "s|^|/|"'
    expect "$name: ls / shows its own files" --out-has "etc" -- "${TOOLS[@]}" "$name" ls /
    expect "$name: cat of its file" --out "${content/:/: }" -- "${TOOLS[@]}" "$name" cat "$file"
    expect "$name: its port on localhost" --out "hello from $([ "$name" = busybox ] && echo busybox || echo scratch)" \
        -- "${TOOLS[@]}" "$name" wget -qO- "http://127.0.0.1:$port/"
    expect "$name: the container's user (uid $uid), as docker exec gives it" --out "$uid" \
        -- "${TOOLS[@]}" "$name" id -u
    # ps: its init, ps itself, the sh that runs it; nothing of the host.
    ps_out=$("${TOOLS[@]}" "$name" sh -c 'ps -o pid,args' 2>&1)
    if echo "$ps_out" | grep -q " $program" && ! echo "$ps_out" | grep -q -e dockerd -e containerd &&
       [ "$(echo "$ps_out" | wc -l)" -le 5 ]; then
        pass "$name: ps lists the container's processes only"
    else
        fail "$name: ps lists the container's processes only" "$(echo "$ps_out" | head -8 | tr '\n' '|')"
    fi
    expect "$name: with no command, the toolbox's shell" --rc 3 --out "shell /.nskit/tools/sh" \
        --in 'echo shell $0; exit 3' -- "${TOOLS[@]}" "$name"
    expect "$name: the command's exit status" --rc 7 -- "${TOOLS[@]}" "$name" sh -c 'exit 7'
    expect "$name: a command killed by a signal" --rc 137 -- "${TOOLS[@]}" "$name" sh -c 'kill -KILL $$'
done
expect "scratch: without --tools the error names --tools" --rc 127 \
    --err "docker-enter: no /bin/sh in container scratch (distroless?): try docker-enter --tools scratch" \
    -- "${DE[@]}" scratch
expect "distroless: the root is read-only, as the container has it" --rc 1 --err "Read-only file system" \
    -- "${TOOLS[@]}" distroless touch /etc/new
expect "busybox: the container's own programs come first on PATH" --out "/bin/ls" -- "${TOOLS[@]}" busybox which ls

echo "-- the container is untouched"
# What the container sees of itself: its init's mount table and root, its diff.
view_of() {
    local init
    init=$(pid_of "$1")
    cat "/proc/$init/mountinfo"
    # Each entry of its root (but /proc, whose link count is the number of
    # processes: the session's show there, as docker exec's do).
    find "/proc/$init/root/" -mindepth 1 -maxdepth 1 ! -name proc -printf '%f %y %m %U:%G %s %T@\n' | sort
    docker diff "$1" | sort
    [ "$1" = busybox ] && docker exec busybox sh -c 'cat /proc/self/mountinfo; ls -a /'
}
same_view() {  # NAME BEFORE LATER: what differs, when something does
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "$(diff <(echo "$2") <(echo "$3") | head -6 | tr '\n' '|')"; fi
}
untouched() {  # NAME
    local name=$1 before during after session=0 cmd ns
    before=$(view_of "$name")
    "${TOOLS[@]}" "$name" sh -c 'echo ready; exec sleep 4242' >"$WORK/session.out" 2>&1 &
    session=$!
    for _ in $(seq 1 100); do grep -q ready "$WORK/session.out" && break; sleep 0.1; done
    cmd=$(pgrep -f '^sleep 4242$' | head -1)
    during=$(view_of "$name")
    ns=$(readlink "/proc/$cmd/ns/mnt")
    if [ -n "$cmd" ] && [ "$ns" != "$(readlink "/proc/$(pid_of "$name")/ns/mnt")" ]; then
        pass "$name: the session has a mount namespace of its own"
    else
        fail "$name: the session has a mount namespace of its own" "command '$cmd' in $ns"
    fi
    if [ "$name" = busybox ]; then
        # Container root reaches the session's view through /proc/PID/root: it can read it, not change it.
        local inside
        local p
        p=$(awk '/^NSpid:/ {print $NF}' "/proc/$cmd/status")  # its PID in the container
        inside=$(docker exec busybox sh -c "cat /proc/$p/root/.nskit/tools/busybox >/dev/null && echo readable;
            echo x >/proc/$p/root/.nskit/tools/busybox 2>&1; touch /proc/$p/root/new 2>&1;
            mkdir /proc/$p/root/.nskit/x 2>&1" 2>&1)
        if [ "$(echo "$inside" | grep -c 'Read-only file system')" = 3 ] && echo "$inside" | grep -qx readable &&
           [ "$(sha256sum <"$TOOLBOX/busybox")" = "$TOOLBOX_SUM" ]; then
            pass "busybox: the view is read-only to the container's root (/proc/PID/root)"
        else
            fail "busybox: the view is read-only to the container's root (/proc/PID/root)" "$(echo "$inside" | tr '\n' '|')"
        fi
    fi
    kill "$session"
    wait "$session" 2>/dev/null
    after=$(view_of "$name")
    same_view "$name: its mount table, root and diff: the same during the session" "$before" "$during"
    same_view "$name: ... and after it" "$before" "$after"
    local left
    left=$(for p in /proc/[0-9]*; do [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$ns" ] && echo "${p#/proc/}"; done)
    same "$name: nothing runs in the session's mount namespace after it (so nothing stays mounted)" "" "$left"
}
untouched scratch
untouched distroless
untouched busybox

echo "-- refusals leave nothing behind"
refused() {  # NAME EXPECTED-ERROR TOOLBOX [RUNNER...]
    local name=$1 error=$2 box=$3 before after
    shift 3
    before=$(view_of scratch; pgrep -c -f "docker-enter --tools")
    expect "$name" --rc 1 --err "$error" -- "$@" "$NSKIT" docker-enter --tools="$box" scratch true
    after=$(view_of scratch; pgrep -c -f "docker-enter --tools")
    same_view "$name: nothing left behind" "$before" "$after"
}
refused "a missing toolbox" "docker-enter: cannot open the toolbox $WORK/none: No such file or directory" "$WORK/none"
closed=$WORK/box-closed
cp -a "$TOOLBOX" "$closed" && chmod 700 "$closed"
refused "a toolbox closed to other users" \
    "docker-enter: toolbox $closed is not open to all users: the container's users could not reach its programs" "$closed"
for bad in dynamic script link-out dangling; do
    box=$WORK/box-$bad
    cp -a "$TOOLBOX" "$box"
    case $bad in
        dynamic) cp /bin/true "$box/true-dyn"; error="$box/true-dyn is dynamically linked: the container does not have the host's libraries" ;;
        script) printf '#!/bin/sh\necho hi\n' >"$box/hello"; chmod +x "$box/hello"; error="$box/hello is a script for /bin/sh: its interpreter must be in the toolbox too" ;;
        link-out) ln -s /usr/bin/env "$box/env2"; error="$box/env2 is a link out of the toolbox (to /usr/bin/env)" ;;
        dangling) ln -s missing "$box/dangling"; error="$box/dangling is a dangling link" ;;
    esac
    refused "a toolbox with a $bad entry" "docker-enter: toolbox entry $error" "$box"
done
printf '#!/.nskit/tools/sh\necho script ran\n' >"$TOOLBOX/hello"
chmod +x "$TOOLBOX/hello"
expect "a script whose interpreter is in the toolbox runs" --out "script ran" -- "${TOOLS[@]}" scratch hello
rm "$TOOLBOX/hello"
if gcc -O2 -o "$WORK/pretend" "$TOP/tests/tools/pretend-kernel.c" 2>/dev/null; then
    refused "a kernel without the mount API (before 5.2)" \
        "docker-enter: cannot clone the toolbox $TOOLBOX: this kernel has no open_tree (Linux 5.2 or later needed)" \
        "$TOOLBOX" "$WORK/pretend" no-mount-api
else
    fail "a kernel without the mount API (before 5.2)" "cannot build tests/tools/pretend-kernel.c"
fi
# The default toolbox, /usr/local/lib/nskit/tools, in a mount namespace of
# the test's own (the host's directory is not touched).
expect "the default toolbox, /usr/local/lib/nskit/tools" --out "app: true" -- unshare -m --propagation private sh -c \
    "mount -t tmpfs tmpfs /usr/local/lib && mkdir /usr/local/lib/nskit && ln -s '$TOOLBOX' /usr/local/lib/nskit/tools &&
     '$NSKIT' docker-enter --tools scratch cat /etc/config.yaml"
expect "no default toolbox: the error says how to install it" --rc 1 \
    --err "docker-enter: no toolbox at /usr/local/lib/nskit/tools: install it with docker run --rm -v /usr/local/lib/nskit:/target nskit:tools" \
    -- unshare -m --propagation private sh -c "mount -t tmpfs tmpfs /usr/local/lib && '$NSKIT' docker-enter --tools scratch true"

echo "-- nsenter --tools and enter pid:N --tools"
SCRATCH_PID=$(pid_of scratch)
expect "nsenter -a --tools: the container's processes" --out-has "/app" \
    -- "$NSKIT" nsenter -t "$SCRATCH_PID" -a --tools="$TOOLBOX" ps -o args
expect "nsenter -a --tools -W: a directory of the container" --out "app: true" \
    -- "$NSKIT" nsenter -t "$SCRATCH_PID" -a --tools="$TOOLBOX" -W /etc cat config.yaml
expect "nsenter --tools without -m is refused" --rc 1 --err "nsenter: cannot use --tools: it is shown in the entered mount namespace: add -m or --all" \
    -- "$NSKIT" nsenter -t "$SCRATCH_PID" -n --tools="$TOOLBOX" true
expect "enter pid:N --tools" --out "app: true" -- "$NSKIT" enter --tools="$TOOLBOX" "pid:$SCRATCH_PID" cat /etc/config.yaml
