# The cases an architecture lab guest runs (tests/arch-lab.sh): what qemu-user
# cannot run, on that architecture's own kernel. busybox sh; nskit is /nskit.
N=/nskit
arch=$(sed -n 's/.*nskit\.arch=\([^ ]*\).*/\1/p' /proc/cmdline)

result() { echo "RESULT $*"; }
# check NAME EXPECTED COMMAND...: the command's output (stdout and stderr, then
# its exit status) must be EXPECTED.
check() {
    name=$1 expected=$2; shift 2
    actual=$("$@" 2>&1; echo "rc=$?")
    if [ "$actual" = "$expected" ]; then result pass "$name"
    else result fail "$name: got '$(echo "$actual" | tr '\n' '|' | cut -c1-300)'"; fi
}

case $($N --version) in
    *"static $arch musl"*) result pass "$arch: --version on the $(uname -m) kernel $(uname -r)" ;;
    *) result fail "$arch: --version: $($N --version 2>&1)" ;;
esac

# unshare: user, mount, PID namespaces of its own.
check "$arch: unshare -r: root in a new user namespace" "0
rc=0" $N unshare -r id -u
check "$arch: unshare -r -m -p -f --mount-proc: PID 1 with its own /proc" "1
rc=0" $N unshare -r -m -p -f --mount-proc sh -c 'echo $$'
check "$arch: unshare as an unprivileged user (nsenter -S 1000 first)" "0 0
rc=0" $N nsenter -t 1 -u -S 1000 -G 1000 $N unshare -r sh -c 'echo $(id -u) $(id -g)'
# IDs past 16 bits: 32-bit arm's plain setresuid takes 16-bit IDs (100000 would be 34464).
check "$arch: nsenter -S/-G with IDs past 16 bits" "100000 100001
rc=0" $N nsenter -t 1 -u -S 100000 -G 100001 sh -c 'echo $(id -u) $(id -g)'
check "$arch: unshare --map-user/--map-group with IDs past 16 bits" "70000 70001
rc=0" $N unshare --map-user=70000 --map-group=70001 sh -c 'echo $(id -u) $(id -g)'

# A target with every namespace of its own, in a user namespace nested in another.
$N unshare -U -r sh -c "readlink /proc/self/ns/user >/tmp/outer-user
    exec $N unshare -U -r -m -u -i -n -p -f --mount-proc sh -c 'hostname lab-target; exec sleep 600'" </dev/null >/tmp/target.log 2>&1 &
target=
for _ in $(seq 1 100); do
    # (busybox's pgrep does not see into the target's user namespace)
    for process in /proc/[0-9]*; do
        [ "$(tr '\0' ' ' <"$process/cmdline" 2>/dev/null)" = "sleep 600 " ] && target=${process#/proc/}
    done
    [ -n "$target" ] && break
    sleep 0.1
done
if [ -z "$target" ]; then
    result fail "$arch: a target in namespaces of its own: unshare did not start it: $(tr '\n' ' ' </tmp/target.log)"
else
    check "$arch: nsenter -a: the target's hostname" "lab-target
rc=0" $N nsenter -t "$target" -a hostname
    for ns in user mnt uts ipc net pid cgroup; do
        want=$(readlink /proc/$target/ns/$ns)
        check "$arch: nsenter -a: the target's $ns namespace" "$want
rc=0" $N nsenter -t "$target" -a readlink /proc/self/ns/$ns
    done
    check "$arch: nsenter -a: the command's exit status" "rc=9" $N nsenter -t "$target" -a sh -c 'exit 9'
    check "$arch: nsenter --user-parent -n: the user namespace owning the target's network (NS_GET_USERNS)" "$(readlink /proc/$target/ns/user)
rc=0" $N nsenter --user-parent -t "$target" -n readlink /proc/self/ns/user
    check "$arch: nsenter --user-parent -U: the parent of the target's user namespace (NS_GET_PARENT)" "$(cat /tmp/outer-user)
rc=0" $N nsenter --user-parent -t "$target" -U readlink /proc/self/ns/user
    check "$arch: nsenter --relay=pipes: the command's output through the relay" "relayed
rc=0" $N nsenter --relay=pipes -t "$target" -a echo relayed
    # The docker-enter path without an engine: a private copy of nskit
    # (memfd, execveat), a worker in our cgroups, the target's capabilities
    # and seccomp filters (ptrace), then the command, placed in the target's cgroups.
    check "$arch: enter pid:N: the target's user, namespaces, and a private copy of nskit" "0 lab-target $(readlink /proc/$target/ns/mnt)
rc=0" $N enter -T pid:$target sh -c 'echo $(id -u) $(hostname) $(readlink /proc/self/ns/mnt)'
    check "$arch: enter pid:N: the exit status" "rc=3" $N enter -T pid:$target sh -c 'exit 3'
    kill "$target"
fi
