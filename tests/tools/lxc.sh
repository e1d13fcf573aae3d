# LXC containers in an lxcpath of their own, for tests/integration/lxc.sh and
# tests/e2e/sources.sh. Source it after tests/lib.sh with $work set; every
# container it makes is stopped and destroyed at exit.
#
#   lxc_start NAME [LINE...]   a busybox container (Debian's template) with no
#                              network (lxc-net's bridge needs systemd), LXC's
#                              common.conf (capabilities dropped, its seccomp
#                              profile), two lxc.environment settings, written
#                              as LXC allows (blanks around '=' or none), and
#                              LINEs, more configuration after them; running.
#                              Sets lxc (the -P and -n options) and rootfs.
#   lxc_create NAME [LINE...]  the same, made but not started (files can go
#                              into $rootfs before its init runs);
#   lxc_run                    then starts it.

lxc_create() {
    local name=$1; shift
    lxc=(-P "$work" -n "$name")
    rootfs=$work/$name/rootfs
    at_exit "lxc-stop ${lxc[*]} -k >/dev/null 2>&1; lxc-destroy ${lxc[*]} >/dev/null 2>&1"
    printf '%s\n' 'lxc.net.0.type = empty' 'lxc.include = /usr/share/lxc/config/common.conf' \
        'lxc.environment = GREETING=hello, world' 'lxc.environment=SECOND=2' "$@" >"$work/$name.conf"
    lxc-create "${lxc[@]}" -t busybox -f "$work/$name.conf" >"$work/$name.log" 2>&1 ||
        { tail -5 "$work/$name.log" >&2; return 1; }
}

lxc_run() {
    local name=${lxc[3]}
    lxc-start "${lxc[@]}" -l DEBUG -o "$work/$name.start.log" && lxc-wait "${lxc[@]}" -s RUNNING -t 10 ||
        { tail -5 "$work/$name.start.log" >&2 2>/dev/null; return 1; }
}

lxc_start() {
    lxc_create "$@" && lxc_run
}
