/* tests/tools/pretend-kernel: runs a program under a seccomp filter that
 * makes the kernel look older or narrower than it is, so the tests can take
 * nsenter's other paths for real.
 *
 *   pretend-kernel no-pidfd PROGRAM [ARGS...]
 *       pidfd_open, pidfd_getfd and pidfd_send_signal fail with ENOSYS, as
 *       before Linux 5.3: nsenter must fall back to /proc/PID/ns files.
 *   pretend-kernel no-setns-by-file PROGRAM [ARGS...]
 *       setns with a single CLONE_NEW* flag (how a namespace file is entered)
 *       fails with EPERM: only setns(pidfd, mask) with two or more flags
 *       works, so a success proves that path was taken.
 *   pretend-kernel no-memfd PROGRAM [ARGS...]
 *       memfd_create fails with EACCES, as under vm.memfd_noexec = 2:
 *       docker-enter must run from a read-only clone of its binary instead.
 *   pretend-kernel no-memfd-no-mount-api PROGRAM [ARGS...]
 *       The same, and open_tree fails with ENOSYS, as before Linux 5.2:
 *       docker-enter must run from an unlinked copy.
 *   pretend-kernel no-mount-api PROGRAM [ARGS...]
 *       open_tree, move_mount, fsopen and fsmount fail with ENOSYS, as before
 *       Linux 5.2: --tools must say that it needs 5.2.
 *   pretend-kernel no-private-copy PROGRAM [ARGS...]
 *       The same, and no O_TMPFILE file can be made (EOPNOTSUPP): docker-enter
 *       must refuse, since it would run from the host's own file.
 *   pretend-kernel no-clone3 PROGRAM [ARGS...]
 *       clone3 fails with ENOSYS, as before Linux 5.3: docker-enter's placer
 *       cannot be born in the container's v2 cgroup and must move there. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ALLOW BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
#define FAIL(err) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err))
#define LOAD_NR BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))
#define LOAD_ARG1 BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1]))
#define IF_EQ(k, skip_if_false) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), 0, (skip_if_false))

static struct sock_filter no_pidfd[] = {
    LOAD_NR,
    IF_EQ(__NR_pidfd_open, 1), FAIL(ENOSYS),
    IF_EQ(__NR_pidfd_getfd, 1), FAIL(ENOSYS),
    IF_EQ(__NR_pidfd_send_signal, 1), FAIL(ENOSYS),
    ALLOW,
};

#define LOAD_ARG2 BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2]))
#define O_TMPFILE_BITS 020000000 /* __O_TMPFILE, without O_DIRECTORY */

static struct sock_filter no_memfd[] = {
    LOAD_NR,
    IF_EQ(__NR_memfd_create, 1), FAIL(EACCES),
    ALLOW,
};

static struct sock_filter no_memfd_no_mount_api[] = {
    LOAD_NR,
    IF_EQ(__NR_memfd_create, 1), FAIL(EACCES),
    IF_EQ(__NR_open_tree, 1), FAIL(ENOSYS),
    ALLOW,
};

static struct sock_filter no_mount_api[] = {
    LOAD_NR,
    IF_EQ(__NR_open_tree, 1), FAIL(ENOSYS),
    IF_EQ(__NR_move_mount, 1), FAIL(ENOSYS),
    IF_EQ(__NR_fsopen, 1), FAIL(ENOSYS),
    IF_EQ(__NR_fsmount, 1), FAIL(ENOSYS),
    ALLOW,
};

static struct sock_filter no_private_copy[] = {
    /* 0 */ LOAD_NR,
    /* 1 */ IF_EQ(__NR_memfd_create, 1), FAIL(EACCES),
    /* 3 */ IF_EQ(__NR_open_tree, 1), FAIL(ENOSYS),
    /* 5 */ IF_EQ(__NR_open, 2),             /* open(path, flags): the flags are args[1] */
    /* 6 */ LOAD_ARG1,
    /* 7 */ BPF_STMT(BPF_JMP | BPF_JA, 2),   /* to 10 */
    /* 8 */ IF_EQ(__NR_openat, 3),           /* openat(dir, path, flags): args[2]; else to 12 */
    /* 9 */ LOAD_ARG2,
    /* 10 */ BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, O_TMPFILE_BITS, 0, 1),
    /* 11 */ FAIL(EOPNOTSUPP),
    /* 12 */ ALLOW,
};

#ifndef __NR_clone3
#define __NR_clone3 435
#endif
static struct sock_filter no_clone3[] = {
    LOAD_NR,
    IF_EQ(__NR_clone3, 1), FAIL(ENOSYS),
    ALLOW,
};

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x80
#endif
static struct sock_filter no_setns_by_file[] = {
    LOAD_NR,
    IF_EQ(__NR_setns, 17), /* not setns: on to ALLOW */
    LOAD_ARG1,
    IF_EQ(CLONE_NEWNS, 1), FAIL(EPERM),
    IF_EQ(CLONE_NEWUTS, 1), FAIL(EPERM),
    IF_EQ(CLONE_NEWIPC, 1), FAIL(EPERM),
    IF_EQ(CLONE_NEWNET, 1), FAIL(EPERM),
    IF_EQ(CLONE_NEWPID, 1), FAIL(EPERM),
    IF_EQ(CLONE_NEWUSER, 1), FAIL(EPERM),
    IF_EQ(CLONE_NEWCGROUP, 1), FAIL(EPERM),
    IF_EQ(CLONE_NEWTIME, 1), FAIL(EPERM),
    ALLOW,
};

#define MODE(name, filter) {name, filter, sizeof filter / sizeof filter[0]}
static const struct {
    const char *name;
    struct sock_filter *filter;
    unsigned short length;
} modes[] = {
    MODE("no-pidfd", no_pidfd),
    MODE("no-setns-by-file", no_setns_by_file),
    MODE("no-memfd", no_memfd),
    MODE("no-memfd-no-mount-api", no_memfd_no_mount_api),
    MODE("no-mount-api", no_mount_api),
    MODE("no-private-copy", no_private_copy),
    MODE("no-clone3", no_clone3),
};

int main(int argc, char **argv)
{
    struct sock_fprog program = {0, NULL};
    for (size_t i = 0; argc >= 3 && i < sizeof modes / sizeof modes[0]; ++i)
        if (strcmp(argv[1], modes[i].name) == 0) {
            program.filter = modes[i].filter;
            program.len = modes[i].length;
        }
    if (!program.filter) {
        fprintf(stderr, "usage: pretend-kernel MODE PROGRAM [ARGS...]; MODE is one of:");
        for (size_t i = 0; i < sizeof modes / sizeof modes[0]; ++i)
            fprintf(stderr, " %s", modes[i].name);
        fprintf(stderr, "\n");
        return 2;
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) {
        perror("pretend-kernel: cannot install the seccomp filter");
        return 1;
    }
    execvp(argv[2], argv + 2);
    perror("pretend-kernel: exec failed");
    return 127;
}
