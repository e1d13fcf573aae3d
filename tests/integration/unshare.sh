#!/usr/bin/env bash
# unshare: every option checked from inside real namespaces, as root and as
# an unprivileged user, side by side with util-linux's unshare where both
# have the option, and every bad input checked to leave no mount behind.
. "$(dirname "$0")/../lib.sh"

U="$NSKIT unshare"
UL=/usr/bin/unshare
cd /tmp || exit 1

if ! need_root "unshare suite"; then exit 0; fi

# Persistent namespaces are entered with nskit's own nsenter.
NSENTER="$NSKIT nsenter"

# An unprivileged user with subordinate ids, for the cases meant for one.
USER_NAME=nskit-test
make_test_user "$USER_NAME" 100000
USER_ID=$(id -u "$USER_NAME" 2>/dev/null)
AS_USER="setpriv --reuid=$USER_NAME --regid=$USER_NAME --init-groups"
unprivileged_ok=
if [ -n "$USER_ID" ] && $AS_USER "$UL" -U true 2>/dev/null; then unprivileged_ok=1; fi
# Its subordinate ids as /etc/subuid and /etc/subgid give them: useradd's
# range, which is the next free one (100000 on a machine with no other).
SUB_UIDS=$(awk -F: -v u="$USER_NAME" '$1 == u {print $2, $3; exit}' /etc/subuid 2>/dev/null)
SUB_GIDS=$(awk -F: -v u="$USER_NAME" '$1 == u {print $2, $3; exit}' /etc/subgid 2>/dev/null)
SUB_UID_FIRST=${SUB_UIDS% *}
need_user() {
    [ -n "$unprivileged_ok" ] && return 0
    skip "$1" "unprivileged user namespaces are not available (user $USER_NAME, $UL -U)"; return 1
}

# A private directory for namespace files: persistent mount namespaces need
# a mount that is not shared.
WORK=$(mktemp -d /tmp/nskit-unshare.XXXXXX)
chmod 755 "$WORK"  # the unprivileged user enters namespaces persisted here
mount --bind "$WORK" "$WORK" && mount --make-private "$WORK"
at_exit "rm -rf $WORK"
at_exit "umount -l $WORK"
# And a shared one, for the propagation cases.
SHARED=$WORK/shared
mkdir -p "$SHARED" && mount -t tmpfs nskit-shared "$SHARED" && mount --make-shared "$SHARED"
at_exit "umount -l $SHARED"

mounts() { grep -c "$WORK" /proc/self/mountinfo; }

echo "-- options and help"
expect "help" --rc 0 --out-has "--map-users" -- $U --help
expect "version" --rc 0 --out-has "nskit" -- $U -V
expect "unknown long option" --rc 1 --err "unshare: --bogus: unrecognized option" -- $U --bogus
expect "unknown short option" --rc 1 --err "unshare: -Z: invalid option" -- $U -Z true

echo "-- each namespace kind is new"
for spec in "user -U" "cgroup -C" "ipc -i" "uts -u" "net -n" "mnt -m" "pid -fp" "time -fT"; do
    set -- $spec
    if ! need_ns "new $1 namespace" "$1"; then continue; fi
    outside=$(ns_inode self "$1")
    inside=$($U $2 stat -L -c %i "/proc/self/ns/$1" 2>&1)
    if [ -n "$inside" ] && [ "$inside" != "$outside" ]; then pass "new $1 namespace ($2)"; else fail "new $1 namespace ($2)" "inode '$inside' vs '$outside'"; fi
done
expect "long options as short ones" --rc 0 -- $U --user --uts --ipc --net --mount --cgroup true
# Short namespace options take no argument (util-linux: "+fhVmuinpCTUrR:w:S:G:c"), so they bundle.
for bundle in "-Ur id -u" "-Urm id -u" "-pf --mount-proc sh -c 'echo \$\$'" "-Ufp --mount-proc sh -c 'echo \$\$'" "-nr id -u" "-Cr id -u" "-mu true"; do
    a=$(eval "/usr/bin/unshare $bundle" 2>&1; echo "rc=$?")
    b=$(eval "$U $bundle" 2>&1; echo "rc=$?")
    same "bundled short options as util-linux: unshare $bundle" "$a" "$b"
done

echo "-- hostname, pid 1 and /proc"
host_before=$(hostname)
expect "hostname isolated" --rc 0 --out "nskit-inner" -- $U -u sh -c 'hostname nskit-inner; hostname'
same "hostname outside untouched" "$host_before" "$(hostname)"
mounts_before=$(mounts)
expect "pid 1 with --fork --pid" --rc 0 --out "1" -- $U -fp --mount-proc sh -c 'echo $$'
expect "/proc shows the new pid namespace" --rc 0 --out "1" -- sh -c "$U -fp --mount-proc ps -e -o pid= | tr -d ' '"
expect "readlink /proc/self (man page example)" --rc 0 --out "1" -- $U --fork --pid --mount-proc readlink /proc/self
expect "--mount-proc=DIR" --rc 0 --out "1" -- $U -fp --mount-proc="$WORK" readlink "$WORK/self"
same "--mount-proc leaves no mount" "$mounts_before" "$(mounts)"

echo "-- mount propagation (from /proc/self/mountinfo)"
propagation() { awk -v m="$SHARED" '$5 == m { for (i = 7; $i != "-"; i++) printf "%s ", $i; print "" }' /proc/self/mountinfo | sed 's/:[0-9]*//g; s/ $//'; }
export -f propagation; export SHARED
expect "default is private" --rc 0 --out "" -- $U -m bash -c propagation
expect "--propagation private" --rc 0 --out "" -- $U -m --propagation private bash -c propagation
expect "--propagation slave" --rc 0 --out "master" -- $U -m --propagation slave bash -c propagation
expect "--propagation shared" --rc 0 --out "shared" -- $U -m --propagation shared bash -c propagation
expect "--propagation unchanged" --rc 0 --out "shared" -- $U -m --propagation unchanged bash -c propagation
same "util-linux agrees on slave" "$($U -m --propagation slave bash -c propagation)" "$($UL -m --propagation slave bash -c propagation)"

echo "-- user namespace maps (root)"
for args in "-r" "-c" "--map-user=7 --map-group=8" "--map-user=root --map-group=root" "-U" "-U --setgroups=allow"; do
    ours=$($U $args sh -c 'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups' 2>&1; echo "rc=$?")
    theirs=$($UL $args sh -c 'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups' 2>&1; echo "rc=$?")
    same "maps as util-linux: $args" "$ours" "$theirs"
done
expect "--map-users range" --rc 0 --out "0 100000 65536" -- $U --map-users=0:100000:65536 sh -c 'tr -s " " </proc/self/uid_map | sed "s/^ //"'
expect "--map-users old comma form" --rc 0 --out "0 100000 65536" -- $U --map-users=100000,0,65536 sh -c 'tr -s " " </proc/self/uid_map | sed "s/^ //"'
expect "--map-users twice" --rc 0 --out "0 100000 10|10 200000 5" -- $U --map-users=0:100000:10 --map-users=10:200000:5 sh -c 'tr -s " " </proc/self/uid_map | sed "s/^ //" | paste -sd"|"'
expect "--map-users=all with a hole for --map-user" --rc 0 --out "0 0 1|1 1 4294967294" -- $U --map-users=all --map-user=0 sh -c 'tr -s " " </proc/self/uid_map | sed "s/^ //" | paste -sd"|"'
expect "--map-groups range keeps setgroups" --rc 0 --out "0 100000 65536|allow" -- $U --map-groups=0:100000:65536 sh -c '(tr -s " " </proc/self/gid_map | sed "s/^ //"; cat /proc/self/setgroups) | paste -sd"|"'
expect "--map-auto as root without subuid" --rc 1 --err "cannot find subordinate ids of root in /etc/subuid" -- $U --map-auto true
expect "--keep-caps gives ambient capabilities" --rc 0 --out "yes" -- $U -r -S 0 --keep-caps sh -c 'grep -q "^CapAmb:[[:space:]]*0*[1-9a-f]" /proc/self/status && echo yes'
expect "no --keep-caps, no ambient capabilities" --rc 0 --out "no" -- $U -r sh -c 'grep -q "^CapAmb:[[:space:]]*0*$" /proc/self/status && echo no'

echo "-- credentials, root and working directory"
expect "-S -G" --rc 0 --out "1000 1000 1000" -- $U -S 1000 -G 1000 sh -c 'echo $(id -u) $(id -g) $(id -G)'
same "-S -G as util-linux" "$($U -S 1000 -G 1000 id)" "$($UL -S 1000 -G 1000 id)"
expect "-R and -w" --rc 0 --out "/tmp" -- $U -R / -w /tmp pwd
mkdir -p "$WORK/root/sub" && cp /bin/busybox "$WORK/root/busybox"
expect "-R and -w inside it" --rc 0 --out "/sub" -- $U -R "$WORK/root" -w /sub /busybox pwd
expect "-R with --mount-proc inside the new root" --rc 0 --out "1" -- sh -c "mkdir -p $WORK/root/proc && $U -fp -R $WORK/root --mount-proc /busybox readlink /proc/self"
rm -rf "$WORK/root"

echo "-- time namespace offsets"
if need_ns "time offsets" time; then
    expect "--monotonic --boottime" --rc 0 --out "monotonic -5 0|boottime 7 0" -- $U -fT --monotonic=-5 --boottime 7 sh -c 'tr -s " " </proc/self/timens_offsets | paste -sd"|"'
    same "offsets as util-linux" "$($U -fT --monotonic 300 cat /proc/self/timens_offsets)" "$($UL -fT --monotonic 300 cat /proc/self/timens_offsets)"
    expect "boottime moves uptime" --rc 0 --out "yes" -- $U -fT --boottime 100000000 sh -c 'up=$(cut -d. -f1 /proc/uptime); [ "$up" -ge 100000000 ] && echo yes'
fi

echo "-- exit status"
expect "child's exit code (no fork)" --rc 7 -- $U -u sh -c 'exit 7'
expect "child's exit code (fork)" --rc 7 -- $U -f sh -c 'exit 7'
expect "killing signal re-raised" --rc 143 -- $U -f sh -c 'kill -TERM $$'
# util-linux 2.38 exits 1 here ("child kill failed"): SIGKILL cannot be re-raised
# through signal(2), but kill(2) can, so nskit dies of it like the child.
expect "SIGKILL re-raised" --rc 137 -- $U -f sh -c 'kill -KILL $$'
# util-linux 2.38 writes setgroups after gid_map and fails with EPERM.
expect "-r --setgroups=deny" --rc 0 --out "0 0 1|0 0 1|deny" -- $U -r --setgroups=deny sh -c 'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups | tr -s " " | sed "s/^ //" | paste -sd"|"'
expect "not found" --rc 127 --err "unshare: failed to execute nskit-no-such-program" -- $U nskit-no-such-program
expect "not executable" --rc 126 --err "unshare: failed to execute /etc/passwd" -- $U /etc/passwd
for cmd in "-f sh -c 'exit 3'" "-f sh -c 'kill -INT \$\$'" "nskit-no-such-program" "/etc/passwd" "-u sh -c 'exit 250'"; do
    eval "$U $cmd" >/dev/null 2>&1; ours=$?
    eval "$UL $cmd" >/dev/null 2>&1; theirs=$?
    same "exit status as util-linux: $cmd" "$ours" "$theirs"
done
expect "default program is a login shell" --rc 0 --out "-sh" --in 'echo "$0"' -- env SHELL=/bin/sh $U -u

echo "-- persistent namespaces"
for kind in uts ipc net cgroup; do
    file=$WORK/$kind; touch "$file"
    expect "persist $kind" --rc 0 -- $U --$kind="$file" true
    same "persisted $kind is a bind mount" "$(grep -c " $file " /proc/self/mountinfo)" 1
done
expect "enter persisted uts" --rc 0 --out "persisted" -- sh -c "$NSENTER --uts=$WORK/uts hostname persisted && $NSENTER --uts=$WORK/uts hostname"
expect "enter persisted net" --rc 0 --out-has "lo" -- $NSENTER --net="$WORK/net" ip -o link
for kind in uts ipc net cgroup; do
    expect "umount persisted $kind" --rc 0 -- umount "$WORK/$kind"
done
touch "$WORK/mnt" "$WORK/user" "$WORK/pid" "$WORK/time"
expect "persist mnt, user, pid and time at once" --rc 0 -- $U --mount="$WORK/mnt" --user="$WORK/user" -r --pid="$WORK/pid" --time="$WORK/time" --monotonic 42 -f sh -c "mount -t tmpfs inner /mnt"
expect "enter persisted user" --rc 0 --out "0 $(id -u) 1" -- sh -c "$NSENTER --user=$WORK/user sh -c 'tr -s \" \" </proc/self/uid_map | sed \"s/^ //\"'"
expect "enter persisted mnt" --rc 0 --out "inner" -- $NSENTER --mount="$WORK/mnt" findmnt -n -o SOURCE --mountpoint /mnt
expect "enter persisted time" --rc 0 --out-has "monotonic 42 0" -- sh -c "$NSENTER --time=$WORK/time cat /proc/self/timens_offsets | tr -s ' '"
for kind in mnt user pid time; do
    expect "umount persisted $kind" --rc 0 -- umount "$WORK/$kind"
done
same "nothing left mounted" "$(mounts)" "2"

echo "-- bad input: clear error, no mount or file left behind"
before=$(mounts)
touch "$WORK/uts"
expect "persist file missing" --rc 1 --err "unshare: cannot persist the UTS namespace (hostname etc) at $WORK/missing: No such file or directory" -- $U --uts="$WORK/missing" true
[ ! -e "$WORK/missing" ] && pass "missing persist file not created" || fail "missing persist file not created" "it exists"
touch "$SHARED/mnt"
expect "persist mnt on a shared mount" --rc 1 --err "is on a shared mount" -- $U --mount="$SHARED/mnt" true
expect "persist pid without --fork" --rc 1 --err "add --fork" -- $U --pid="$WORK/uts" true
expect "--mount-proc cannot mount (no fork)" --rc 1 --err "unshare: cannot mount proc on $WORK/nodir" -- $U --uts="$WORK/uts" --mount-proc="$WORK/nodir" true
expect "--mount-proc cannot mount (fork)" --rc 1 --err "unshare: cannot mount proc on $WORK/nodir" -- $U -f --uts="$WORK/uts" --mount-proc="$WORK/nodir" true
expect "bad -R after persist" --rc 1 --err "cannot change root directory" -- $U --uts="$WORK/uts" -R "$WORK/nodir" true
expect "invalid map" --rc 1 --err "unshare: invalid --map-users '1,2': expected inner:outer:count" -- $U --uts="$WORK/uts" --map-users=1,2 true
expect "empty map range" --rc 1 --err "invalid --map-users '0:1000:0'" -- $U --map-users=0:1000:0 true
expect "map past the last id" --rc 1 --err "goes past the last id" -- $U --map-users=4294967290:0:10 true
expect "overlapping map inside" --rc 1 --err "unshare: invalid --map-users '5:2000:10': it overlaps another range" -- $U --uts="$WORK/uts" --map-users=0:1000:10 --map-users=5:2000:10 true
expect "overlapping map outside" --rc 1 --err "overlaps another range" -- $U --map-groups=0:1000:10 --map-groups=100:1005:10 true
expect "--setgroups allow with a gid map" --rc 1 --err "options --setgroups=allow and --map-group: they are mutually exclusive" -- $U --uts="$WORK/uts" -r --setgroups=allow true
expect "--setgroups without a user namespace" --rc 1 --err "option --setgroups: it needs a new user namespace (-U)" -- $U --setgroups deny true
expect "--setgroups bad value" --rc 1 --err "invalid --setgroups 'maybe'" -- $U --setgroups=maybe true
expect "--propagation bad value" --rc 1 --err "invalid --propagation 'sideways'" -- $U -m --propagation sideways true
expect "--kill-child bad signal" --rc 1 --err "invalid --kill-child 'NOPE': unknown signal" -- $U --kill-child=NOPE true
expect "--monotonic without -T" --rc 1 --err "require unsharing a time namespace" -- $U --monotonic 5 true
expect "--monotonic not a number" --rc 1 --err "invalid --monotonic '1.5'" -- $U -T --monotonic 1.5 true
expect "--map-user unknown name" --rc 1 --err "invalid --map-user 'nskit-no-such-user': no such user" -- $U --map-user=nskit-no-such-user true
expect "--owner malformed" --rc 1 --err "invalid --owner '1000'" -- $U --owner 1000 true
expect "unknown option with persist" --rc 1 --err "unrecognized option" -- $U --uts="$WORK/uts" --nope true
if [ -e /proc/self/ns/time ]; then
    skip "time namespace missing from the kernel" "this kernel has time namespaces, so the refusal cannot be seen here"
else
    expect "time namespace missing from the kernel" --rc 1 --err "time namespace" -- $U -T true
fi
same "no mount left by bad input" "$(mounts)" "$before"

echo "-- --kill-child and --forward-signals, with real signals"
wait_gone() { local i; for i in $(seq 1 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done; return 1; }
# wait_status PID: its exit status once it ends; after 10 s it and its
# children are killed and the status is 255, so a broken case fails, not hangs.
wait_status() {
    local i
    for i in $(seq 1 200); do
        if [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" = Z ] || ! kill -0 "$1" 2>/dev/null; then
            wait "$1"; return $?
        fi
        sleep 0.05
    done
    pkill -KILL -P "$1"; kill -KILL "$1"; wait "$1" 2>/dev/null; return 255
}
child_of() { local i c; for i in $(seq 1 100); do c=$(pgrep -P "$1" | head -1); [ -n "$c" ] && { echo "$c"; return; }; sleep 0.05; done; }

$U -fp --kill-child sleep 1000 &
holder=$!; child=$(child_of $holder)
kill -KILL $holder; wait $holder 2>/dev/null
if [ -n "$child" ] && wait_gone "$child"; then pass "--kill-child: SIGKILL reaches the child when unshare dies"; else fail "--kill-child" "child '$child' survived"; kill -9 "$child" 2>/dev/null; fi
wait $holder 2>/dev/null

mark=$WORK/usr1
$U --kill-child=SIGUSR1 sh -c "trap 'echo got > $mark; exit 0' USR1; while :; do sleep 0.05; done" &
holder=$!; child=$(child_of $holder); sleep 0.2
kill -KILL $holder; wait $holder 2>/dev/null; wait_gone "$child"
expect "--kill-child=SIGUSR1 delivers USR1" --rc 0 --out "got" -- cat "$mark"
rm -f "$mark"

$U --forward-signals sh -c 'trap "exit 42" TERM; while :; do sleep 0.05; done' &
holder=$!; child_of $holder >/dev/null; sleep 0.2
kill -TERM $holder; wait_status $holder; same "--forward-signals: TERM reaches the child, its status is ours" "$?" 42

# A background job starts with SIGINT ignored, and a shell cannot trap a signal
# ignored at its start: give the whole chain the default disposition back.
env --default-signal=INT $U --forward-signals sh -c 'trap "exit 43" INT; while :; do sleep 0.05; done' &
holder=$!; child_of $holder >/dev/null; sleep 0.2
kill -INT $holder; wait_status $holder; same "--forward-signals: INT reaches the child" "$?" 43

$U -f sh -c 'trap "exit 44" TERM; while :; do sleep 0.05; done' &
holder=$!; child=$(child_of $holder); sleep 0.2
kill -TERM $holder; sleep 0.2
if kill -0 $holder 2>/dev/null; then pass "without --forward-signals unshare ignores TERM"; else fail "without --forward-signals unshare ignores TERM" "it died"; fi
kill -TERM "$child"; wait_status $holder; same "the child's own TERM status comes back" "$?" 44

echo "-- --owner (root creates a namespace for a user)"
touch "$WORK/owned" "$WORK/notowned"
if [ -n "$USER_ID" ]; then
    expect "--owner with maps and persist" --rc 0 -- $U --owner "$USER_ID:$USER_ID" --user="$WORK/owned" --map-users=0:100000:65536 --map-groups=0:100000:65536 true
    expect "the owner may enter it" --rc 0 --out "0 100000 65536" -- $AS_USER $NSENTER --user="$WORK/owned" sh -c 'tr -s " " </proc/self/uid_map | sed "s/^ //"'
    expect "without --owner" --rc 0 -- $U --user="$WORK/notowned" --map-users=0:100000:65536 true
    expect "another user may not enter it" --rc 1 -- $AS_USER $NSENTER --user="$WORK/notowned" true
    umount "$WORK/owned" "$WORK/notowned"
else
    skip "--owner" "no unprivileged user"
fi

echo "-- as an unprivileged user"
if need_user "unprivileged cases"; then
    for args in "-r" "-c" "--map-user=5 --map-group=6" "-U" "-r -m -u -i -n"; do
        ours=$($AS_USER $U $args sh -c 'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups' 2>&1; echo "rc=$?")
        theirs=$($AS_USER $UL $args sh -c 'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups' 2>&1; echo "rc=$?")
        same "unprivileged maps as util-linux: $args" "$ours" "$theirs"
    done
    expect "unprivileged -r is root inside" --rc 0 --out "0 0" -- $AS_USER $U -r sh -c 'echo $(id -u) $(id -g)'
    expect "unprivileged --map-auto via newuidmap" --rc 0 --out "0 $SUB_UIDS|0 $SUB_GIDS" -- $AS_USER $U --map-auto sh -c 'cat /proc/self/uid_map /proc/self/gid_map | tr -s " " | sed "s/^ //" | paste -sd"|"'
    expect "unprivileged --map-auto -r punches the hole" --rc 0 --out "0 $USER_ID 1|1 $SUB_UID_FIRST $((${SUB_UIDS#* } - 1))" -- $AS_USER $U --map-auto -r sh -c 'tr -s " " </proc/self/uid_map | sed "s/^ //" | paste -sd"|"'
    expect "unprivileged --map-users=subids" --rc 0 --out "$SUB_UID_FIRST $SUB_UIDS" -- $AS_USER $U --map-users=subids sh -c 'tr -s " " </proc/self/uid_map | sed "s/^ //"'
    same "unprivileged -c --map-auto as util-linux" "$($AS_USER $U -c --map-auto cat /proc/self/uid_map /proc/self/gid_map)" "$($AS_USER $UL -c --map-auto cat /proc/self/uid_map /proc/self/gid_map)"
    same "unprivileged --map-auto -r as util-linux" "$($AS_USER $U --map-auto -r cat /proc/self/uid_map /proc/self/gid_map)" "$($AS_USER $UL --map-auto -r cat /proc/self/uid_map /proc/self/gid_map)"
    expect "unprivileged --map-users outside the subuid range" --rc 1 --err "newuidmap" -- $AS_USER $U --map-users=0:500000:10 true
    expect "unprivileged pid namespace and /proc" --rc 0 --out "1" -- $AS_USER $U -rfp --mount-proc sh -c 'echo $$'
    expect "unprivileged hostname" --rc 0 --out "nskit-user" -- $AS_USER $U -ru sh -c 'hostname nskit-user; hostname'
    expect "unprivileged --keep-caps" --rc 0 --out "yes" -- $AS_USER $U -r --keep-caps sh -c 'grep -q "^CapAmb:[[:space:]]*0*[1-9a-f]" /proc/self/status && echo yes'
    expect "unprivileged time offsets" --rc 0 --out-has "monotonic          -5" -- $AS_USER $U -rfT --monotonic -5 cat /proc/self/timens_offsets
    expect "unprivileged without a user namespace" --rc 1 --err "unshare failed: Operation not permitted" -- $AS_USER $U -m true
    expect "unprivileged --mount-proc without a pid namespace" --rc 1 --err "cannot mount proc on /proc: Operation not permitted" -- $AS_USER $U -r --mount-proc true
    touch "$WORK/userfile"; chmod 666 "$WORK/userfile"
    before=$(mounts)
    expect "unprivileged persist is refused cleanly" --rc 1 --err "cannot persist the user namespace" -- $AS_USER $U -r --user="$WORK/userfile" true
    same "unprivileged refusal leaves no mount" "$(mounts)" "$before"
    expect "unprivileged --kill-child and --fork" --rc 5 -- $AS_USER $U -rfp --kill-child sh -c 'exit 5'
fi
