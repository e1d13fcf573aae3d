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
 *   pretend-kernel no-clone3 PROGRAM [ARGS...]
 *       clone3 fails with ENOSYS, as before Linux 5.3 (and so no
 *       CLONE_INTO_CGROUP): docker-enter must move itself into the cgroup. */
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

int main(int argc, char **argv)
{
    struct sock_fprog program;
    if (argc >= 3 && strcmp(argv[1], "no-pidfd") == 0) {
        program.filter = no_pidfd;
        program.len = sizeof no_pidfd / sizeof no_pidfd[0];
    } else if (argc >= 3 && strcmp(argv[1], "no-setns-by-file") == 0) {
        program.filter = no_setns_by_file;
        program.len = sizeof no_setns_by_file / sizeof no_setns_by_file[0];
    } else if (argc >= 3 && strcmp(argv[1], "no-clone3") == 0) {
        program.filter = no_clone3;
        program.len = sizeof no_clone3 / sizeof no_clone3[0];
    } else {
        fprintf(stderr, "usage: pretend-kernel no-pidfd|no-setns-by-file|no-clone3 PROGRAM [ARGS...]\n");
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
