/* tests/tools/seccomp-dump PID [INDEX]: prints seccomp filter INDEX (0, the
 * default, is the oldest) of process PID, one "code jt jf k" a line, as
 * `seccomp-load --dump` prints nskit's (tests/tools/seccomp-compare.py reads
 * both). It traces PID for the moment it takes (PTRACE_SEIZE, INTERRUPT,
 * PTRACE_SECCOMP_GET_FILTER, DETACH): root only. For tests/integration/lxc.sh,
 * which reads the filter liblxc gave a container's init. */
#define _GNU_SOURCE
#include <linux/filter.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#ifndef PTRACE_SECCOMP_GET_FILTER
#define PTRACE_SECCOMP_GET_FILTER 0x420c
#endif

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: seccomp-dump PID [INDEX]\n");
        return 2;
    }
    int pid = atoi(argv[1]), status;
    unsigned long index = argc == 3 ? strtoul(argv[2], NULL, 10) : 0;
    if (ptrace(PTRACE_SEIZE, pid, 0, 0) != 0 || ptrace(PTRACE_INTERRUPT, pid, 0, 0) != 0 ||
        waitpid(pid, &status, __WALL) != pid) {
        perror("seccomp-dump: cannot stop the process");
        return 1;
    }
    static struct sock_filter filter[BPF_MAXINSNS];
    long count = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, index, filter);
    ptrace(PTRACE_DETACH, pid, 0, 0);
    if (count <= 0) {
        perror("seccomp-dump: PTRACE_SECCOMP_GET_FILTER");
        return 1;
    }
    for (long i = 0; i < count; ++i)
        printf("%u %u %u %u\n", filter[i].code, filter[i].jt, filter[i].jf, filter[i].k);
    return 0;
}
