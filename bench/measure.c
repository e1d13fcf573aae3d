/* bench/measure: runs each command many times, interleaved so that every
 * command sees the same machine state, and prints the median and spread of
 * its wall time and its peak RSS.
 *
 *   measure RUNS LABEL -- CMD ARGS... ;; LABEL -- CMD ARGS... ;; ...
 *
 * MEASURE_GAP_US=N waits N microseconds (untimed) before each run, so that a
 * daemon one command keeps busy (dockerd after `docker exec`) is idle again
 * when the next command starts.
 *
 * Output, one line per command: "LABEL median_us p10_us p90_us peak_rss_kib exit".
 *
 * Peak RSS is read in one extra, traced run: the command is stopped as it
 * exits (PTRACE_O_TRACEEXIT) and its VmHWM read from /proc/PID/status.
 * (ru_maxrss is no help here: recent kernels update the high-water mark
 * lazily and report 0 KiB for a short-lived static program.) It is the peak
 * of the process started, not of programs it forks; give a command that ends
 * without exec'ing another program (e.g. one that is not found) to see the
 * tool's own peak. A tool that re-executes itself (docker-enter, from its
 * private copy) is followed through that exec. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_COMMANDS 16
#define MAX_RUNS 10000

struct command {
    const char *label;
    char **argv;
    double times_us[MAX_RUNS];
    int count;
    long max_rss_kib; /* from the traced run */
    int last_status;
};

static struct command commands[MAX_COMMANDS];

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* In the forked child: the command with /dev/null for stdio, traced or not. */
static void exec_quietly(struct command *c, int traced)
{
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    if (traced)
        ptrace(PTRACE_TRACEME, 0, 0, 0);
    execvp(c->argv[0], c->argv);
    _exit(127);
}

static long gap_us;

static void run_once(struct command *c)
{
    if (gap_us > 0)
        usleep((useconds_t)gap_us);
    double start = now_us();
    pid_t pid = fork();
    if (pid == 0)
        exec_quietly(c, 0);
    int status = 0;
    waitpid(pid, &status, 0);
    c->times_us[c->count++] = now_us() - start;
    c->last_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* One traced run: VmHWM (KiB) of the process as it exits. */
static long peak_rss_kib(struct command *c)
{
    pid_t pid = fork();
    if (pid == 0)
        exec_quietly(c, 1);
    long peak = -1;
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status)) /* the stop after execve */
        return -1;
    /* TRACEEXEC: a later exec (a tool re-executing itself) stops with an
     * event, not with a SIGTRAP that would be passed on and kill it. */
    ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACEEXIT | PTRACE_O_TRACEEXEC);
    ptrace(PTRACE_CONT, pid, 0, 0);
    while (waitpid(pid, &status, 0) == pid) {
        if (WIFEXITED(status) || WIFSIGNALED(status))
            break;
        int signal = 0;
        if (WIFSTOPPED(status) && status >> 8 == (SIGTRAP | PTRACE_EVENT_EXIT << 8)) {
            char path[64], line[256];
            snprintf(path, sizeof path, "/proc/%d/status", pid);
            FILE *f = fopen(path, "r");
            while (f && fgets(line, sizeof line, f))
                if (strncmp(line, "VmHWM:", 6) == 0)
                    peak = atol(line + 6);
            if (f)
                fclose(f);
        } else if (WIFSTOPPED(status) && status >> 8 == (SIGTRAP | PTRACE_EVENT_EXEC << 8)) {
            signal = 0;
        } else if (WIFSTOPPED(status)) {
            signal = WSTOPSIG(status);
        }
        ptrace(PTRACE_CONT, pid, 0, signal);
    }
    return peak;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: measure RUNS LABEL -- CMD... [;; LABEL -- CMD...]\n");
        return 2;
    }
    int runs = atoi(argv[1]);
    if (getenv("MEASURE_GAP_US"))
        gap_us = atol(getenv("MEASURE_GAP_US"));
    if (runs < 1 || runs > MAX_RUNS)
        runs = 100;
    int n = 0;
    for (int i = 2; i < argc && n < MAX_COMMANDS;) {
        struct command *c = &commands[n++];
        c->label = argv[i++];
        if (i >= argc || strcmp(argv[i], "--") != 0) {
            fprintf(stderr, "measure: expected -- after %s\n", c->label);
            return 2;
        }
        c->argv = &argv[++i];
        while (i < argc && strcmp(argv[i], ";;") != 0)
            ++i;
        if (i < argc)
            argv[i++] = NULL;
    }
    for (int k = 0; k < n; ++k) { /* warm the page cache */
        run_once(&commands[k]);
        commands[k].count = 0;
    }
    for (int r = 0; r < runs; ++r)
        for (int k = 0; k < n; ++k)
            run_once(&commands[k]);
    for (int k = 0; k < n; ++k)
        commands[k].max_rss_kib = peak_rss_kib(&commands[k]);
    for (int k = 0; k < n; ++k) {
        struct command *c = &commands[k];
        qsort(c->times_us, c->count, sizeof(double), by_value);
        printf("%s %.0f %.0f %.0f %ld %d\n", c->label, c->times_us[c->count / 2], c->times_us[c->count / 10],
               c->times_us[c->count * 9 / 10], c->max_rss_kib, c->last_status);
    }
    return 0;
}
