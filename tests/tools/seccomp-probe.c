/* tests/tools/seccomp-probe: makes a table of system calls and prints what
 * each returned, one line each: "name(args) = ok" or "= ERRNO-NAME". Run
 * once under runc with a profile and once under nskit's compiled program
 * (tests/tools/seccomp-load), identical output is the pass
 * (tests/integration/seccomp.sh). Built with gcc -static, x86_64.
 *
 * Every call is chosen so that, when the filter lets it through, the
 * kernel's answer does not depend on where it runs (host or container,
 * which capabilities): a bad descriptor, pointer or flag makes it fail
 * before any permission check, so only the filter can make a difference.
 * Nothing here changes anything outside this process. x32 calls
 * (__X32_SYSCALL_BIT) come from the same 64-bit process, and with --x86 x86
 * ones too (int $0x80), which a kernel without IA-32 emulation answers with
 * a fault: `seccomp-probe x86-works` tells whether to ask.
 *
 * With --lxc, the calls LXC's common.seccomp denies too, each failing
 * before it could do anything: kexec_load with an architecture no machine
 * has, open_by_handle_at with a handle it cannot read, init_module and
 * friends with bad pointers, umount2 of a path that does not exist, with
 * and without MNT_FORCE. Where capabilities decide their answers (CAP_SYS_BOOT
 * before a bad architecture), compare two processes of one container only
 * (tests/integration/lxc.sh: lxc-attach and nskit). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define X32 0x40000000UL
#define NOPTR ((unsigned long)-4096) /* an address the kernel refuses: EFAULT */

struct probe {
    const char *name;
    long nr;
    unsigned long args[6];
    int abi; /* 64: x86_64, 32: x86 through int $0x80, 0: x32 (nr has the bit) */
    int lxc; /* 1: only with --lxc */
};

/* socketcall(SYS_SOCKET, ...)'s arguments, where an x86 call can read them (a static binary's data is below 4 GiB). */
static uint32_t socket_args[3] = {2 /* AF_INET */, 1 /* SOCK_STREAM */, 0};

static long x86_call(long nr, unsigned long a, unsigned long b, unsigned long c)
{
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return ret;
}

static const char *outcome(long ret, int error)
{
    static char text[32];
    if (ret >= 0)
        return "ok";
    snprintf(text, sizeof text, "%s", strerrorname_np(error) ? strerrorname_np(error) : "?");
    if (!strerrorname_np(error))
        snprintf(text, sizeof text, "errno %d", error);
    return text;
}

static const char no_such_mount[] = "/nskit-no-such-mount";

int main(int argc, char **argv)
{
    int with_x86 = 0, with_lxc = 0;
    for (int i = 1; i < argc; ++i) {
        with_x86 = with_x86 || strcmp(argv[i], "--x86") == 0;
        with_lxc = with_lxc || strcmp(argv[i], "--lxc") == 0;
    }
    if (argc > 1 && strcmp(argv[1], "x86-works") == 0)
        return x86_call(20, 0, 0, 0) > 0 ? 0 : 1; /* getpid, or a fault */
    const unsigned long high = 0x100000000UL;
    struct probe probes[] = {
        {"read", SYS_read, {-1UL, 0, 0}, 64},
        {"write", SYS_write, {-1UL, 0, 0}, 64},
        {"close", SYS_close, {-1UL}, 64},
        /* Descriptors: the kernel sees the low 32 bits, kept >= 1000 (none open) so
         * that only the high word varies what the filter compares. */
        {"dup", SYS_dup, {1000}, 64},
        {"dup high+1000", SYS_dup, {high + 1000}, 64},
        {"dup 2*high+1000", SYS_dup, {2 * high + 1000}, 64},
        {"dup2 ne", SYS_dup2, {1000, 1001}, 64},
        {"dup2 ne equal", SYS_dup2, {1000, high + 1001}, 64},
        {"fchdir lt", SYS_fchdir, {high + 999}, 64},
        {"fchdir lt equal", SYS_fchdir, {high + 1000}, 64},
        {"fchdir lt high word below", SYS_fchdir, {1000}, 64},
        {"fchdir lt high word above", SYS_fchdir, {2 * high + 1000}, 64},
        {"fsync le", SYS_fsync, {high + 1000}, 64},
        {"fsync le above", SYS_fsync, {high + 1001}, 64},
        {"fsync le low word above", SYS_fsync, {0xffffffff}, 64},
        {"fdatasync gt", SYS_fdatasync, {high + 1001}, 64},
        {"fdatasync gt equal", SYS_fdatasync, {high + 1000}, 64},
        {"fdatasync gt low word", SYS_fdatasync, {0xffffffff}, 64},
        {"fdatasync gt high word", SYS_fdatasync, {2 * high + 1000}, 64},
        {"syncfs ge", SYS_syncfs, {0xffffffff00001000UL}, 64},
        {"syncfs ge below", SYS_syncfs, {0xffffffff00000fffUL}, 64},
        {"fchmod masked", SYS_fchmod, {1000, 0x12ab000000000345UL}, 64},
        {"fchmod masked other", SYS_fchmod, {1000, 0x13ab000000000345UL}, 64},
        {"fchown and", SYS_fchown, {1000, 7, 9}, 64},
        {"fchown and not", SYS_fchown, {1000, 7, 8}, 64},
        {"ioctl", SYS_ioctl, {-1UL, 0}, 64},
        {"ioctl cmd 998", SYS_ioctl, {-1UL, 998}, 64},
        {"ioctl cmd 999", SYS_ioctl, {-1UL, 999}, 64},
        {"ioctl cmd 1998", SYS_ioctl, {-1UL, 1998}, 64},
        {"ioctl cmd 2000", SYS_ioctl, {-1UL, 2000}, 64},
        {"ioctl cmd high+98", SYS_ioctl, {-1UL, high + 98}, 64},
        {"ioctl cmd high+998", SYS_ioctl, {-1UL, high + 998}, 64},
        {"mount", SYS_mount, {0, 0, 0, 0, 0}, 64},
        {"setns", SYS_setns, {-1UL, 0}, 64},
        {"personality query", SYS_personality, {0xffffffff}, 64},
        {"personality 0", SYS_personality, {0}, 64},
        {"socket AF_INET", SYS_socket, {2, 1, 0}, 64},
        {"socket AF_VSOCK", SYS_socket, {40, 1, 0}, 64},
        {"socket AF_ALG", SYS_socket, {38, 5, 0}, 64},
        {"socket bad family", SYS_socket, {1000, 1, 0}, 64},
        {"clone CLONE_NEWUSER+CLONE_FS", SYS_clone, {0x10000200}, 64},
        {"clone CLONE_THREAD alone", SYS_clone, {0x10000}, 64},
        {"clone3", SYS_clone3, {0, 0}, 64},
        {"unshare bad flag", SYS_unshare, {1}, 64},
        {"perf_event_open", SYS_perf_event_open, {NOPTR, 0, -1UL, -1UL, 0}, 64},
        {"add_key", SYS_add_key, {NOPTR, 0, 0, 0, 0}, 64},
        {"io_uring_setup", SYS_io_uring_setup, {0, NOPTR}, 64},
        {"futex_waitv", 449, {0, 0, 0, 0, 0}, 64},
        /* Calls of Linux 6.5-6.13, each refused by the kernel on its first check
         * (a bad descriptor or flag) where the kernel has it, ENOSYS where not. */
        {"cachestat bad fd", 451, {-1UL, NOPTR, NOPTR, 0}, 64},
        {"fchmodat2 bad flags", 452, {-1UL, NOPTR, 0, -1UL}, 64},
        {"futex_wake bad flags", 454, {0, 0, 0, -1UL}, 64},
        {"listmount bad flags", 458, {NOPTR, NOPTR, 1, 0x80000000}, 64},
        {"lsm_list_modules bad flags", 461, {NOPTR, NOPTR, 1}, 64},
        {"mseal bad flags", 462, {0, 0, 1}, 64},
        {"syscall 463 (setxattrat)", 463, {-1UL, NOPTR, 0, NOPTR, NOPTR, 0}, 64},
        {"syscall 1000", 1000, {0}, 64},
        {"x86 getpid", 20, {0}, 32},
        {"x86 read", 3, {-1UL, 0, 0}, 32},
        {"x86 socketcall SYS_SOCKET", 102, {1, (unsigned long)socket_args}, 32},
        {"x86 socketcall SYS_BIND", 102, {2, NOPTR & 0xffffffff}, 32},
        {"x86 waitpid", 7, {-1UL, 0, 1 /* WNOHANG */}, 32},
        {"x86 syscall 1000", 1000, {0}, 32},
        {"x32 read", X32 | 0, {-1UL, 0, 0}, 0},
        {"x32 ioctl cmd 998", X32 | 16, {-1UL, 998}, 0},
        {"x32 map_shadow_stack", X32 | 453, {0, 0, -1UL}, 0},
        {"x32 mseal", X32 | 462, {0, 0, 1}, 0},
        {"x32 syscall 1000", X32 | 1000, {0}, 0},
        {"kexec_load", SYS_kexec_load, {0, 0, 0, 0xfffe0000 /* KEXEC_ARCH 0xfffe */}, 64, 1},
        {"open_by_handle_at", SYS_open_by_handle_at, {-1UL, NOPTR, 0}, 64, 1},
        {"init_module", SYS_init_module, {NOPTR, 0, NOPTR}, 64, 1},
        {"finit_module", SYS_finit_module, {-1UL, NOPTR, 0}, 64, 1},
        {"delete_module", SYS_delete_module, {NOPTR, 0}, 64, 1},
        {"umount2 MNT_FORCE", SYS_umount2, {(unsigned long)no_such_mount, 1 /* MNT_FORCE */}, 64, 1},
        {"umount2 MNT_DETACH", SYS_umount2, {(unsigned long)no_such_mount, 2 /* MNT_DETACH */}, 64, 1},
    };
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; ++i) {
        struct probe *p = &probes[i];
        if ((p->abi == 32 && !with_x86) || (p->lxc && !with_lxc))
            continue;
        long ret;
        int error = 0;
        if (p->abi == 32) {
            ret = x86_call(p->nr, p->args[0], p->args[1], p->args[2]);
            if (ret < 0 && ret > -4096) {
                error = (int)-ret;
                ret = -1;
            }
        } else {
            errno = 0;
            ret = syscall(p->nr, p->args[0], p->args[1], p->args[2], p->args[3], p->args[4], p->args[5]);
            error = errno;
        }
        if (ret >= 0 && (strncmp(p->name, "socket", 6) == 0 || strncmp(p->name, "x86 socketcall", 14) == 0))
            close((int)ret);
        printf("%s = %s\n", p->name, outcome(ret, error));
    }
    return 0;
}
