/* tests/tools/without-pidfd: runs a program as on a kernel older than 5.3,
 * where pidfd_open(2) does not exist: a seccomp filter makes it (and
 * pidfd_getfd, pidfd_send_signal) fail with ENOSYS. Lets the tests exercise
 * nsenter's /proc/PID/ns fallback for real.
 *   without-pidfd PROGRAM [ARGS...] */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define REFUSE(nr) \
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS)

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: without-pidfd PROGRAM [ARGS...]\n");
        return 2;
    }
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        REFUSE(__NR_pidfd_open),
        REFUSE(__NR_pidfd_getfd),
        REFUSE(__NR_pidfd_send_signal),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog program = {sizeof filter / sizeof filter[0], filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) {
        perror("without-pidfd: cannot install the seccomp filter");
        return 1;
    }
    execvp(argv[1], argv + 1);
    perror("without-pidfd: exec failed");
    return 127;
}
