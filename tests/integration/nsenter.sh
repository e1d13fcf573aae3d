#!/usr/bin/env bash
# nsenter against real namespaces: targets made with util-linux's unshare,
# checked by namespace inode, hostname, interfaces, pid 1, credentials,
# cwd/root, environment, cgroups, exit codes and signals; differential cases
# side by side with the system's util-linux nsenter; every bad input.
. "$(dirname "$0")/../lib.sh"

need_root "nsenter suite" || exit 0

WORK=$(mktemp -d /tmp/nskit-nsenter.XXXXXX)
at_exit "rm -rf $WORK"
ln -s "$NSKIT" "$WORK/nsenter"
NSENTER=$WORK/nsenter

ns_kinds="mnt uts ipc net pid cgroup"
[ -e /proc/self/ns/time ] && ns_kinds="$ns_kinds time"
time_flag=; [ -e /proc/self/ns/time ] && time_flag=-T

# A target in new mnt, uts, ipc, net, pid, cgroup (and time) namespaces.
start_target -m -u -i -n -p -f --mount-proc -C $time_flag; T=$TARGET
"$NSENTER" -t "$T" -u hostname inner

echo "-- entering namespaces"
expect "-u sets the hostname of the target" --out inner -- "$NSENTER" -t "$T" -u hostname
expect "--uts long form" --out inner -- "$NSENTER" --target "$T" --uts hostname
expect "called as 'nskit nsenter'" --out inner -- "$NSKIT" nsenter -t "$T" -u hostname
expect "-n has only a loopback interface" --out 1 -- "$NSENTER" -t "$T" -n sh -c 'ip -o link | wc -l'
expect "-p -m: pid 1 is the target's init" --out sleep -- "$NSENTER" -t "$T" -p -m cat /proc/1/comm
expect "-a: the program is in the target's pid namespace" --out sh -- "$NSENTER" -t "$T" -a sh -c 'cat /proc/$$/comm'
for ns in $ns_kinds; do
    expect "-a enters $ns (inode)" --out "$(readlink /proc/$T/ns/$ns)" -- "$NSENTER" -t "$T" -a readlink /proc/self/ns/$ns
done
for ns in $ns_kinds; do
    case $ns in mnt) opt=-m ;; uts) opt=-u ;; ipc) opt=-i ;; net) opt=-n ;; pid) opt=-p ;; cgroup) opt=-C ;; time) opt=-T ;; esac
    expect "$opt=FILE enters $ns from a file" --out "$(readlink /proc/$T/ns/$ns)" -- \
        "$NSENTER" "$opt/proc/$T/ns/$ns" -m/proc/$T/ns/mnt -p/proc/$T/ns/pid readlink /proc/self/ns/$ns
done
expect "-a leaves the user namespace alone when it is ours" --out "$(readlink /proc/self/ns/user)" -- \
    "$NSENTER" -t "$T" -a readlink /proc/self/ns/user
expect "-F: no fork, the program is not in the pid namespace" \
    --out "$(readlink /proc/$T/ns/pid)" -- "$NSENTER" -t "$T" -p -F readlink /proc/self/ns/pid_for_children

# A bind mount of a namespace file, as `ip netns` makes them.
touch "$WORK/netns"
mount --bind "/proc/$T/ns/net" "$WORK/netns" && at_exit "umount $WORK/netns"
expect "--net=BINDMOUNT" --out "$(readlink /proc/$T/ns/net)" -- "$NSENTER" --net="$WORK/netns" readlink /proc/self/ns/net

if command -v python3 >/dev/null; then
    inode=$(python3 -c "import os,sys; print(os.fstat(os.pidfd_open($T)).st_ino)" 2>/dev/null)
    if [ -n "$inode" ] && [ "$inode" != 0 ]; then
        expect "-t PID:INODE with the right inode" --out inner -- "$NSENTER" -t "$T:$inode" -u hostname
        expect "-t PID:INODE with another inode" --rc 1 --err "a different process now has that PID" -- \
            "$NSENTER" -t "$T:$((inode + 1))" -u hostname
    else
        skip "-t PID:INODE" "no pidfs inodes on this kernel (Linux 6.9+)"
    fi
else
    skip "-t PID:INODE" "needs python3 to read a pidfd inode"
fi

echo "-- exit status and signals"
expect "the child's exit code" --rc 7 -- "$NSENTER" -t "$T" -a sh -c 'exit 7'
expect "the child's exit code without fork" --rc 9 -- "$NSENTER" -t "$T" -u sh -c 'exit 9'
expect "a killing signal is re-raised (TERM)" --rc 143 -- "$NSENTER" -t "$T" -a sh -c 'kill -TERM $$'
expect "a killing signal is re-raised (KILL)" --rc 137 -- "$NSENTER" -t "$T" -a sh -c 'kill -KILL $$'
expect "a core-dumping signal is re-raised (SEGV)" --rc 139 -- "$NSENTER" -t "$T" -a sh -c 'ulimit -c 0; kill -SEGV $$'
expect "program not found: 127" --rc 127 --err "nsenter: failed to execute nosuchprogram: No such file or directory" -- \
    "$NSENTER" -t "$T" -a nosuchprogram
expect "program not executable: 126" --rc 126 --err "Permission denied" -- "$NSENTER" -t "$T" -u /etc/passwd
expect "default program is \$SHELL" --out-has "uid=0" -- env SHELL=/usr/bin/id "$NSENTER" -t "$T" -u

# stop/continue: the waiting parent stops when the program stops.
"$NSENTER" -t "$T" -a sh -c 'kill -STOP $$; echo resumed' >"$WORK/stop.out" 2>&1 &
parent=$!
stopped=
for _ in $(seq 100); do
    [ "$(awk '{print $3}' /proc/$parent/stat 2>/dev/null)" = T ] && { stopped=1; break; }
    sleep 0.05
done
if [ -n "$stopped" ]; then pass "a stopped program stops nsenter too"; else fail "a stopped program stops nsenter too" "parent state $(awk '{print $3}' /proc/$parent/stat)"; fi
kill -CONT "$parent"
wait "$parent"; rc=$?
same "a continued nsenter continues the program" "0 resumed" "$rc $(cat "$WORK/stop.out")"

# A signal sent to nsenter reaches the program.
"$NSENTER" -t "$T" -a sh -c 'trap "echo got TERM; exit 3" TERM; sleep 30 & wait' >"$WORK/term.out" 2>&1 &
parent=$!
sleep 0.5
kill -TERM "$parent"
wait "$parent"; rc=$?
same "SIGTERM to nsenter is forwarded to the program" "3 got TERM" "$rc $(cat "$WORK/term.out")"

echo "-- closed standard streams"
expect "works with stdin, stdout, stderr closed" --out inner -- \
    sh -c "\"$NSENTER\" -t $T -u sh -c 'hostname >$WORK/closed.out' <&- >&- 2>&-; cat $WORK/closed.out"
expect "an error with stderr closed still exits 1" --out 1 -- sh -c "\"$NSENTER\" -t 999999999 -u true 2>&-; echo \$?"

echo "-- credentials"
expect "-S -G set uid and gid" --out "1000 1000 1000" -- "$NSENTER" -t "$T" -n -S 1000 -G 1000 sh -c 'echo $(id -u) $(id -g) $(id -G)'
expect "-G drops supplementary groups" --out 0 -- "$NSENTER" -t "$T" -n -G 0 id -G
expect "-S abc is refused" --rc 1 --err "invalid uid 'abc'" -- "$NSENTER" -t "$T" -n -S abc true
expect "-G -1 is refused" --rc 1 --err "invalid gid '-1'" -- "$NSENTER" -t "$T" -n -G -1 true

echo "-- root and working directory"
mkdir -p "$WORK/root/bin" "$WORK/root/data" "$WORK/cwd"
cp "$(command -v busybox)" "$WORK/root/bin/busybox" 2>/dev/null || skip "root tests" "needs busybox-static"
cd "$WORK/cwd" && start_target -m; TC=$TARGET; cd "$TOP"
expect "-w takes the target's cwd" --out "$WORK/cwd" -- "$NSENTER" -t "$TC" -m -w pwd
expect "--wd=DIR" --out /usr -- "$NSENTER" -t "$TC" -m --wd=/usr pwd
expect "-W DIR, resolved inside" --out /etc -- "$NSENTER" -t "$TC" -m -W /etc pwd
expect "-w with -W is refused" --rc 1 --err "mutually exclusive" -- "$NSENTER" -t "$TC" -m -w -W /etc pwd
if [ -x "$WORK/root/bin/busybox" ]; then
    spawn chroot "$WORK/root" /bin/busybox sleep 1000; TR=$SPAWNED
    wait_for 100 eval 'test "$(readlink /proc/$TR/root)" = "$WORK/root"'
    expect "-r takes the target's root" --out "bin data" -- "$NSENTER" -t "$TR" -m -r /bin/busybox sh -c 'echo $(ls /)'
    expect "--root=DIR" --out "bin data" -- "$NSENTER" -t "$TC" -m --root="$WORK/root" /bin/busybox sh -c 'echo $(ls /)'
fi

# --wd=DIR is opened before entering, -W DIR after: a mount made outside the
# target's mount namespace is seen through the first and not through the second.
mkdir -p "$WORK/outside"
start_target -m; TO=$TARGET
mount -t tmpfs none "$WORK/outside" && at_exit "umount $WORK/outside"
touch "$WORK/outside/only-outside"
expect "--wd=DIR is opened before entering (a mount only outside is seen)" --out only-outside -- "$NSENTER" -t "$TO" -m --wd="$WORK/outside" ls
expect "-W DIR is resolved inside (the same path shows the empty directory)" --out "" -- "$NSENTER" -t "$TO" -m -W "$WORK/outside" ls
cp "$(command -v busybox)" "$WORK/outside/busybox" 2>/dev/null &&
    expect "--root=DIR is opened before entering" --out "busybox only-outside" -- "$NSENTER" -t "$TO" -m --root="$WORK/outside" /busybox sh -c 'echo $(/busybox ls /)'
start_target -u; TU=$TARGET
expect "-a in a target sharing our mount namespace moves to / (as util-linux)" --out / -- sh -c "cd /usr/share && '$NSENTER' -t $TU -a pwd"
same "-a cwd as util-linux" "$(cd /usr/share && /usr/bin/nsenter -t "$TU" -a pwd)" "$(cd /usr/share && "$NSENTER" -t "$TU" -a pwd)"
expect "the default shell runs as a login shell (argv[0] -sh)" --in 'echo $0' --out "-sh" -- env SHELL=/bin/sh "$NSENTER" -t "$T" -u
expect "-t ' +PID' is read as strtol reads it" --out inner -- "$NSENTER" -t " +$T" -u hostname

echo "-- -S follow, -G follow"
spawn unshare -n setpriv --reuid=1234 --regid=4321 --clear-groups sleep 1000; TF=$SPAWNED
wait_for 100 _is_sleeping_in "$TF"
expect "-S follow -G follow take the target's ids" --out "1234 4321" -- "$NSENTER" -t "$TF" -n -S follow -G follow sh -c 'echo $(id -u) $(id -g)'

echo "-- a thread as the target"
if command -v python3 >/dev/null; then
    spawn python3 -c 'import threading,time,os
t=threading.Thread(target=lambda: time.sleep(1000)); t.start()
open("/tmp/nskit-tid","w").write(str(t.native_id)); t.join()'
    TP=$SPAWNED; rm -f /tmp/nskit-tid; wait_for 200 test -s /tmp/nskit-tid; TID=$(cat /tmp/nskit-tid); rm -f /tmp/nskit-tid
    expect "-t TID of a thread that is not the leader" --out "$(readlink /proc/$TP/ns/net)" -- "$NSENTER" -t "$TID" -n readlink /proc/self/ns/net
else
    skip "-t TID of a thread" "needs python3 to make a thread"
fi

echo "-- a pid namespace whose init has exited"
touch "$WORK/pidns"
if unshare --pid="$WORK/pidns" --fork true 2>/dev/null; then
    at_exit "umount $WORK/pidns"
    expect "entering it says why fork fails" --rc 1 --err "cannot fork into the pid namespace: its init (pid 1) has exited" -- \
        "$NSENTER" --pid="$WORK/pidns" true
else
    skip "a pid namespace whose init has exited" "util-linux unshare cannot persist a pid namespace here"
fi

echo "-- environment (-e)"
spawn env -i FOO=bar PATH=/usr/bin:/bin sleep 1000; TE=$SPAWNED
wait_for 100 _is_sleeping_in "$TE"
expect "-e takes the target's environment" --out "FOO=bar PATH=/usr/bin:/bin" -- \
    "$NSENTER" -t "$TE" -n -e sh -c 'env | grep -v "^PWD=\|^SHLVL=\|^_=" | sort | tr "\n" " " | sed "s/ $//"'
spawn env -i /bin/sleep 1000; TZ0=$SPAWNED
wait_for 100 _is_sleeping_in "$TZ0"
expect "-e with an empty environment is refused" --rc 1 --err "cannot use the environment of PID $TZ0: it is empty" -- \
    "$NSENTER" -t "$TZ0" -n -e true

echo "-- cgroups (-c)"
if [ -d /sys/fs/cgroup/pids ] || [ -f /sys/fs/cgroup/cgroup.controllers ] || [ -d /sys/fs/cgroup/unified ]; then
    start_target -n; TG=$TARGET
    made=
    for dir in /sys/fs/cgroup/pids /sys/fs/cgroup/memory /sys/fs/cgroup/unified /sys/fs/cgroup; do
        if [ -f "$dir/cgroup.procs" ] && mkdir "$dir/nskit-test-$$" 2>/dev/null; then
            echo "$TG" >"$dir/nskit-test-$$/cgroup.procs" && made="$made $dir/nskit-test-$$"
        fi
    done
    # The target must be gone before its cgroups can be: at_exit runs last in, first out.
    at_exit "kill -9 $TG; for d in $made; do for i in 1 2 3 4 5 6 7 8 9 10; do rmdir \$d && break; sleep 0.1; done; done"
    expect "-c joins every cgroup of the target (v1 and v2)" --out "$(cat /proc/$TG/cgroup)" -- "$NSENTER" -t "$TG" -n -c cat /proc/self/cgroup
else
    skip "-c joins cgroups" "no cgroup file system mounted"
fi

echo "-- user namespaces"
# root entering a container whose user namespace maps 0 to 100000
spawn unshare -U -u -n -m -p -f sh -c 'while [ ! -s /proc/self/uid_map ]; do sleep 0.02; done; exec sleep 1000'
wait_for 100 eval 'test -n "$(pgrep -P $SPAWNED)"'; UT=$(pgrep -P $SPAWNED); at_exit "kill -9 $UT"
echo "0 100000 65536" >/proc/$UT/uid_map && echo "0 100000 65536" >/proc/$UT/gid_map
expect "-a as root enters the user namespace too" --out "$(readlink /proc/$UT/ns/user)" -- "$NSENTER" -t "$UT" -a readlink /proc/self/ns/user
expect "-U makes us root inside (default uid/gid 0)" --out "0 0 0" -- "$NSENTER" -t "$UT" -a sh -c 'echo $(id -u) $(id -g) $(id -G)'
mkdir -p "$WORK/shared"; chmod 755 "$WORK"; chmod 1777 "$WORK/shared"
"$NSENTER" -t "$UT" -a touch "$WORK/shared/made-in-userns"
expect "-U as uid 0 is uid 100000 outside" --out "100000 100000" -- stat -c "%u %g" "$WORK/shared/made-in-userns"
expect "-U -S 1000 -G 1000" --out "1000 1000" -- "$NSENTER" -t "$UT" -a -S 1000 -G 1000 sh -c 'echo $(id -u) $(id -g)'
expect "--preserve-credentials keeps our (unmapped) ids" --out 65534 -- "$NSENTER" -t "$UT" -U --preserve-credentials id -u
all_caps=$(printf '%016x' $(( (1 << ($(cat /proc/sys/kernel/cap_last_cap) + 1)) - 1 )))
expect "--keep-caps puts the caps in the ambient set" --out "$all_caps" -- \
    "$NSENTER" -t "$UT" -U --keep-caps sh -c 'grep CapAmb /proc/self/status | cut -f2'
expect "without --keep-caps the ambient set is empty" --out 0000000000000000 -- \
    "$NSENTER" -t "$UT" -U sh -c 'grep CapAmb /proc/self/status | cut -f2'
expect "--user-parent from the user namespace gives ours, which setns refuses" --rc 1 --err "user namespace" -- \
    "$NSENTER" -t "$UT" -U --user-parent true
# nested: the parent of the inner user namespace is the holder's
spawn unshare -U -r sh -c 'unshare -U -r sleep 1000'; OUTER=$SPAWNED
wait_for 100 eval 'test -n "$(pgrep -P $OUTER)"'; NT=$(pgrep -P $OUTER); at_exit "kill -9 $NT"
wait_for 100 _is_sleeping_in "$NT"
expect "--user-parent enters the parent user namespace" --out "$(readlink /proc/$OUTER/ns/user)" -- \
    "$NSENTER" -t "$NT" -U --user-parent readlink /proc/self/ns/user
expect "-S follow in a user namespace that does not map the target's uid" --rc 1 --err "not mapped" -- \
    "$NSENTER" -t "$UT" -U -S follow true

# an unprivileged user entering the user namespace it made itself
if make_test_user nskit-test 100000; then
    mkdir -p "$WORK/unpriv"; cp "$NSKIT" "$WORK/unpriv/nskit"; chmod 755 "$WORK" "$WORK/unpriv" "$WORK/unpriv/nskit"
    ln -s nskit "$WORK/unpriv/nsenter"
    spawn su nskit-test -s /bin/sh -c "exec unshare -U -r -u -n sh -c 'hostname userns; exec sleep 1000'"
    wait_for 100 eval 'test -n "$(pgrep -P $SPAWNED)"'; UP=$(pgrep -P $SPAWNED); at_exit "kill -9 $UP"
    wait_for 100 _is_sleeping_in "$UP"
    if [ "$(readlink /proc/$UP/ns/user)" != "$(readlink /proc/self/ns/user)" ]; then
        expect "unprivileged: -U -u into its own user namespace" --out "0 userns" -- \
            su nskit-test -s /bin/sh -c "$WORK/unpriv/nsenter -t $UP -U -u sh -c 'echo \$(id -u) \$(hostname)'"
        expect "unprivileged: -a into its own user namespace" --out "0 userns" -- \
            su nskit-test -s /bin/sh -c "$WORK/unpriv/nsenter -t $UP -a sh -c 'echo \$(id -u) \$(hostname)'"
        expect "unprivileged: -u without -U is refused by the kernel" --rc 1 --err "Operation not permitted" -- \
            su nskit-test -s /bin/sh -c "$WORK/unpriv/nsenter -t $UP -u hostname"
        expect "unprivileged: cannot read root's environment" --rc 1 --err "environment" -- \
            su nskit-test -s /bin/sh -c "$WORK/unpriv/nsenter -t $TE -e true"
    else
        skip "unprivileged user namespace cases" "unprivileged users cannot create user namespaces here"
    fi
else
    skip "unprivileged user namespace cases" "cannot create the user nskit-test"
fi

echo "-- net socket (-N)"
if command -v python3 >/dev/null; then
    spawn unshare -n python3 -c 'import socket,os,time; s=socket.socket(); os.dup2(s.fileno(), 7); open("/tmp/nskit-sock-ready","w"); time.sleep(1000)'
    NS_T=$SPAWNED; rm -f /tmp/nskit-sock-ready
    wait_for 200 test -e /tmp/nskit-sock-ready; rm -f /tmp/nskit-sock-ready
    expect "-N FD enters the network namespace of the target's socket" --out "$(readlink /proc/$NS_T/ns/net)" -- \
        "$NSENTER" -t "$NS_T" -N 7 readlink /proc/self/ns/net
    expect "-N on a descriptor that is not a socket" --rc 1 --err "network namespace of socket 1" -- \
        "$NSENTER" -t "$NS_T" -N 1 true
else
    skip "-N FD" "needs python3 to hold a socket"
fi

echo "-- security context (-Z)"
if grep -qE 'selinux|apparmor|smack' /sys/kernel/security/lsm 2>/dev/null; then
    expect "-Z follows the target's label" --out "$(tr -d '\0' </proc/$T/attr/current)" -- "$NSENTER" -t "$T" -Z -u cat /proc/self/attr/current
else
    expect "-Z without a labelling LSM says so" --rc 1 --err "no security module that labels processes" -- "$NSENTER" -t "$T" -Z -u true
fi

echo "-- without pidfd (as on Linux < 5.3): the /proc/PID/ns fallback"
if gcc -O2 -o "$WORK/pretend-kernel" "$TOP/tests/tools/pretend-kernel.c" 2>"$WORK/cc.err"; then
    OLD="$WORK/pretend-kernel no-pidfd"
    expect "with pidfd: all namespaces entered with one setns(pidfd, mask) (setns by file refused)" --out inner -- \
        "$WORK/pretend-kernel" no-setns-by-file "$NSENTER" -t "$T" -a hostname
    expect "with pidfd: setns by file is refused under that filter (the check above can fail)" --rc 1 --err "Operation not permitted" -- \
        "$WORK/pretend-kernel" no-setns-by-file "$NSENTER" --uts=/proc/$T/ns/uts hostname
    for ns in $ns_kinds; do
        expect "fallback: -a enters $ns (inode)" --out "$(readlink /proc/$T/ns/$ns)" -- $OLD "$NSENTER" -t "$T" -a readlink /proc/self/ns/$ns
    done
    expect "fallback: -u hostname" --out inner -- $OLD "$NSENTER" -t "$T" -u hostname
    expect "fallback: exit code" --rc 5 -- $OLD "$NSENTER" -t "$T" -a sh -c 'exit 5'
    expect "fallback: root enters a user namespace it does not own (user ns last)" --out "0 $(readlink /proc/$UT/ns/user)" -- \
        $OLD "$NSENTER" -t "$UT" -a sh -c 'echo $(id -u) $(readlink /proc/self/ns/user)'
    if [ -n "${UP:-}" ]; then
        cp "$WORK/pretend-kernel" "$WORK/unpriv/pretend-kernel"; chmod 755 "$WORK/unpriv/pretend-kernel"
        expect "fallback: unprivileged user into its own user namespace (user ns first)" --out "0 userns" -- \
            su nskit-test -s /bin/sh -c "$WORK/unpriv/pretend-kernel no-pidfd $WORK/unpriv/nsenter -t $UP -U -u sh -c 'echo \$(id -u) \$(hostname)'"
    fi
    expect "fallback: -t PID:INODE needs a pidfd" --rc 1 --err "no pidfd" -- $OLD "$NSENTER" -t "$T:1" -u true
    expect "fallback: a missing target" --rc 1 --err "no such process" -- $OLD "$NSENTER" -t 4194303 -u true
else
    fail "without pidfd" "cannot build tests/tools/pretend-kernel.c: $(head -c 200 "$WORK/cc.err")"
fi

echo "-- bad input"
spawn sh -c '(exit 0) & exec sleep 1000'; ZP=$SPAWNED
wait_for 100 eval 'test -n "$(pgrep -P $ZP)"'
Z=$(pgrep -P "$ZP" | head -1)
wait_for 100 eval 'test "$(awk "{print \$3}" /proc/$Z/stat 2>/dev/null)" = Z' 
expect "-t abc" --rc 1 --err "nsenter: invalid target 'abc'" -- "$NSENTER" -t abc -n true
expect "-t 0" --rc 1 --err "invalid target '0'" -- "$NSENTER" -t 0 -n true
expect "-t -5" --rc 1 --err "invalid target '-5'" -- "$NSENTER" -t -5 -n true
expect "-t 99999999999" --rc 1 --err "invalid target '99999999999'" -- "$NSENTER" -t 99999999999 -n true
expect "a PID that does not exist" --rc 1 --err "target PID 4194303: no such process" -- "$NSENTER" -t 4194303 -n true
expect "a kernel thread" --rc 1 --err "kernel thread" -- "$NSENTER" -t 2 -m true
if [ -n "$Z" ] && [ "$(awk '{print $3}' /proc/$Z/stat)" = Z ]; then
    expect "a zombie" --rc 1 --err "zombie" -- "$NSENTER" -t "$Z" -n true
else
    fail "a zombie" "could not make a zombie process"
fi
expect "--net=/etc/passwd" --rc 1 --err "cannot use /etc/passwd: not a namespace file" -- "$NSENTER" --net=/etc/passwd true
expect "--net=a uts namespace file" --rc 1 --err "wrong kind of namespace" -- "$NSENTER" --net=/proc/$T/ns/uts true
expect "a missing namespace file" --rc 1 --err "cannot open /nonexistent: No such file or directory" -- "$NSENTER" --net=/nonexistent true
expect "no namespace selected" --rc 1 --err "no namespace selected" -- "$NSENTER" -t "$T"
expect "-n without a target or file" --rc 1 --err "neither a file nor --target" -- "$NSENTER" -n true
expect "an unknown option" --rc 1 --err "nsenter: --bogus: unrecognized option" -- "$NSENTER" --bogus
expect "an unknown short option" --rc 1 --err "nsenter: -y: invalid option" -- "$NSENTER" -y
expect "-t without its argument" --rc 1 --err "option requires an argument" -- "$NSENTER" -t
# A target that exits while we enter: targets that die at once, entered in a
# loop; each attempt either enters or says the target is gone, never worse.
bad=
for i in $(seq 1 30); do
    unshare -u -n -i sh -c 'exit 0' & short=$!
    out=$("$NSENTER" -t "$short" -a true 2>&1); rc=$?
    case "$rc:$out" in
        0:|1:*"no such process"*|1:*"exited"*|1:*zombie*) ;;
        *) bad="$rc: $out" ;;
    esac
    wait $short 2>/dev/null
done
same "a target exiting while we enter fails cleanly" "" "$bad"

missing=
for kind in cgroup time; do [ -e /proc/self/ns/$kind ] || missing=$kind; done
if [ -n "$missing" ]; then
    opt=-C; [ "$missing" = time ] && opt=-T
    expect "a namespace kind this kernel lacks is named" --rc 1 --err "this kernel has no such namespace" -- "$NSENTER" -t "$T" $opt true
    expect "-a leaves out what this kernel lacks" --out inner -- "$NSENTER" -t "$T" -a hostname
else
    skip "a namespace kind this kernel lacks" "this kernel has every kind (cgroup, time), so the message cannot be seen here"
fi

echo "-- help and version"
expect "--help lists every option" --out-has "--join-cgroup" -- "$NSENTER" --help
expect "-V" --out-has "nskit" -- "$NSENTER" -V

echo "-- differential: util-linux nsenter and nskit nsenter agree"
if command -v /usr/bin/nsenter >/dev/null; then
    for args in "-u hostname" "-n sh -c 'ls /sys/class/net'" "-p -m cat /proc/1/comm" "-a sh -c 'exit 3'" \
        "-m -S 1234 -G 4321 id" "-a sh -c 'kill -INT \$\$'" "-i readlink /proc/self/ns/ipc" "-m -w pwd"; do
        a=$(eval "/usr/bin/nsenter -t $T $args" 2>&1; echo "rc=$?")
        b=$(eval "\"$NSENTER\" -t $T $args" 2>&1; echo "rc=$?")
        same "same as util-linux: nsenter -t T $args" "$a" "$b"
    done
else
    skip "differential cases" "util-linux nsenter is not installed"
fi

echo "-- a static binary: runs in an empty root"
mkdir -p "$WORK/empty/proc"
cp "$NSKIT" "$WORK/empty/nskit"
mount --bind /proc "$WORK/empty/proc" && at_exit "umount -l $WORK/empty/proc"
expect "nskit --version in a root with no libc" --out-has "nskit" -- chroot "$WORK/empty" /nskit --version
expect "nsenter in a root with no libc" --rc 127 --err "failed to execute" -- chroot "$WORK/empty" /nskit nsenter -t "$T" -u nothing-here
