/* bench/cgroup-move: what it costs to put a new process into a cgroup, by
 * each way the kernel offers. docker-enter puts its command into the
 * container's cgroups from outside (issue 24): a write of the command's pid
 * to each hierarchy's "tasks" (v1) or "cgroup.procs" (v2). Writing a pid
 * takes the kernel's global threadgroup lock, and taking it for writing
 * waits for an RCU grace period unless it was taken moments before; a
 * process that moves itself into a v1 cgroup ("0" to tasks) skips that
 * lock, and one created in its v2 cgroup (clone3 CLONE_INTO_CGROUP) moves
 * nothing at all.
 *
 *   cgroup-move TRIES GAP_MS V1_DIR V2_DIR     (either directory may be "-")
 *
 * Each try forks a child that waits on a pipe, puts it into the cgroup one
 * way, times that step alone, and lets it end. The ways take turns, and
 * GAP_MS milliseconds pass between tries, as between docker-enter's runs in
 * make bench (an RCU grace period started by one try is long over by the
 * next). Output, one line per way: "LABEL median_us p10_us p90_us".
 *   v1-itself      the child writes "0" to V1_DIR/tasks
 *   v1-from-outside the parent writes the child's pid to V1_DIR/tasks
 *   v2-from-outside the parent writes the child's pid to V2_DIR/cgroup.procs
 *   v2-born-there  clone3 with CLONE_INTO_CGROUP into V2_DIR, less a plain
 *                  fork of the same round (the child is born there: nothing
 *                  moves)
 * The cgroups are the caller's to make and remove. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_TRIES 1000
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

enum way { V1_ITSELF, V1_FROM_OUTSIDE, V2_FROM_OUTSIDE, V2_BORN_THERE, PLAIN_FORK, WAYS };
static const char *const labels[WAYS] = {"v1-itself", "v1-from-outside", "v2-from-outside", "v2-born-there",
                                         "plain-fork"};

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void fail(const char *what)
{
    perror(what);
    exit(1);
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* A child that waits for a byte on `hold`, after writing "0" to `tasks`
 * and sending the time that took on `report` when `tasks` is open. */
static void child(int hold, int tasks, int report)
{
    if (tasks >= 0) {
        double start = now_us();
        if (write(tasks, "0", 1) != 1)
            _exit(1);
        double took = now_us() - start;
        if (write(report, &took, sizeof took) != sizeof took)
            _exit(1);
    }
    char byte;
    (void)!read(hold, &byte, 1);
    _exit(0);
}

/* One try of `way`: the microseconds its step took. */
static double try_way(enum way way, int v1_tasks, int v2_procs, int v2_dir)
{
    int hold[2], report[2];
    if (pipe(hold) < 0 || pipe(report) < 0)
        fail("pipe");
    double start = now_us(), took = -1;
    pid_t pid;
    if (way == V2_BORN_THERE || way == PLAIN_FORK) {
        struct {
            uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
                set_tid_size, cgroup;
        } args = {0};
        args.exit_signal = SIGCHLD;
        if (way == V2_BORN_THERE) {
            args.flags = CLONE_INTO_CGROUP;
            args.cgroup = (uint64_t)v2_dir;
        }
        pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
        if (pid == 0)
            child(hold[0], -1, -1);
        took = now_us() - start;
    } else {
        pid = fork();
        if (pid == 0)
            child(hold[0], way == V1_ITSELF ? v1_tasks : -1, report[1]);
    }
    if (pid < 0)
        fail(labels[way]);
    if (way == V1_ITSELF) {
        if (read(report[0], &took, sizeof took) != sizeof took)
            fail("the child's report");
    } else if (way == V1_FROM_OUTSIDE || way == V2_FROM_OUTSIDE) {
        char text[24];
        int length = snprintf(text, sizeof text, "%d", pid);
        start = now_us();
        if (write(way == V1_FROM_OUTSIDE ? v1_tasks : v2_procs, text, length) != length)
            fail(labels[way]);
        took = now_us() - start;
    }
    (void)!write(hold[1], "x", 1);
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("the child");
    close(hold[0]), close(hold[1]), close(report[0]), close(report[1]);
    return took;
}

static int open_in(const char *dir, const char *name, int flags)
{
    if (strcmp(dir, "-") == 0)
        return -1;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        fail(path);
    return fd;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: cgroup-move TRIES GAP_MS V1_DIR V2_DIR (either directory may be -)\n");
        return 2;
    }
    int tries = atoi(argv[1]), gap_ms = atoi(argv[2]);
    if (tries < 1 || tries > MAX_TRIES)
        tries = MAX_TRIES;
    int v1_tasks = open_in(argv[3], "tasks", O_WRONLY);
    int v2_procs = open_in(argv[4], "cgroup.procs", O_WRONLY);
    int v2_dir = open_in(argv[4], ".", O_RDONLY | O_DIRECTORY);
    int available[WAYS] = {v1_tasks >= 0, v1_tasks >= 0, v2_procs >= 0, v2_dir >= 0, v2_dir >= 0};
    static double times[WAYS][MAX_TRIES];
    for (int t = 0; t < tries; ++t) {
        for (int way = 0; way < WAYS; ++way) {
            if (!available[way])
                continue;
            struct timespec gap = {gap_ms / 1000, (gap_ms % 1000) * 1000000L};
            nanosleep(&gap, NULL);
            times[way][t] = try_way(way, v1_tasks, v2_procs, v2_dir);
        }
        if (available[V2_BORN_THERE])
            times[V2_BORN_THERE][t] -= times[PLAIN_FORK][t];
    }
    for (int way = 0; way < PLAIN_FORK; ++way) {
        if (!available[way])
            continue;
        qsort(times[way], tries, sizeof times[way][0], compare);
        printf("%s %.0f %.0f %.0f\n", labels[way], times[way][tries / 2], times[way][tries / 10],
               times[way][tries * 9 / 10]);
    }
    return 0;
}
