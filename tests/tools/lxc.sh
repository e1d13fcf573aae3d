# LXC containers in an lxcpath of their own, for tests/integration/lxc.sh and
# tests/e2e/sources.sh. Source it after tests/lib.sh with $work set; every
# container it starts is stopped and destroyed at exit.
#
#   lxc_start NAME         a busybox container (Debian's template) with no
#                          network (lxc-net's bridge needs systemd), LXC's
#                          common.conf (capabilities dropped, its seccomp
#                          profile) and two lxc.environment settings, written
#                          as LXC allows (blanks around '=' or none), running;
#                          sets lxc (the -P and -n options)

lxc_start() {
    lxc=(-P "$work" -n "$1")
    at_exit "lxc-stop ${lxc[*]} -k >/dev/null 2>&1; lxc-destroy ${lxc[*]} >/dev/null 2>&1"
    printf '%s\n' 'lxc.net.0.type = empty' 'lxc.include = /usr/share/lxc/config/common.conf' \
        'lxc.environment = GREETING=hello, world' 'lxc.environment=SECOND=2' >"$work/$1.conf"
    lxc-create "${lxc[@]}" -t busybox -f "$work/$1.conf" >"$work/$1.log" 2>&1 &&
        lxc-start "${lxc[@]}" -l DEBUG -o "$work/$1.start.log" && lxc-wait "${lxc[@]}" -s RUNNING -t 10 ||
        { tail -5 "$work/$1.log" "$work/$1.start.log" >&2 2>/dev/null; return 1; }
}
