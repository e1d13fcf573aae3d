#include <catch2/catch.hpp>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "context/in_root.h"

using namespace nskit;

namespace {

// A container root next to a file that must never be reached from inside:
//   outside-secret
//   root/etc/passwd, root/etc/absolute -> /etc/passwd, root/etc/climbing -> ../../../../etc/passwd,
//   root/escape -> ../outside-secret, root/etc-link -> /etc, root/a -> b, root/b -> a,
//   root/dir/, root/fifo
struct Root {
    std::string top;
    Fd root;

    Root()
    {
        char name[] = "/tmp/nskit-in-root.XXXXXX";
        REQUIRE(mkdtemp(name));
        top = name;
        mkdir((top + "/root").c_str(), 0755);
        mkdir((top + "/root/etc").c_str(), 0755);
        mkdir((top + "/root/dir").c_str(), 0755);
        std::ofstream(top + "/outside-secret") << "secret\n";
        std::ofstream(top + "/root/etc/passwd") << "root:x:0:0::/:/bin/sh\n";
        REQUIRE(symlink("/etc/passwd", (top + "/root/etc/absolute").c_str()) == 0);
        REQUIRE(symlink("../../../../etc/passwd", (top + "/root/etc/climbing").c_str()) == 0);
        REQUIRE(symlink("../outside-secret", (top + "/root/escape").c_str()) == 0);
        REQUIRE(symlink("/etc", (top + "/root/etc-link").c_str()) == 0);
        REQUIRE(symlink("b", (top + "/root/a").c_str()) == 0);
        REQUIRE(symlink("a", (top + "/root/b").c_str()) == 0);
        REQUIRE(mkfifo((top + "/root/fifo").c_str(), 0644) == 0);
        root = Fd(open((top + "/root").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        REQUIRE(root);
    }
    ~Root() { (void)!system(("rm -rf '" + top + "'").c_str()); }

    ino_t inode(const std::string& relative) const
    {
        struct stat st;
        REQUIRE(stat((top + "/root/" + relative).c_str(), &st) == 0);
        return st.st_ino;
    }
};

ino_t inode_of(const Fd& fd)
{
    struct stat st;
    REQUIRE(fstat(fd.get(), &st) == 0);
    return st.st_ino;
}

// "ok:INODE" or "errno:N"
std::string find(const Root& r, const char* path, bool by_walking)
{
    auto found = by_walking ? find_in_root_by_walking(r.root.get(), path) : find_in_root(r.root.get(), path);
    if (!found.ok())
        return "errno:" + std::to_string(found.error().code);
    return "ok:" + std::to_string(inode_of(found.value()));
}

}  // namespace

TEST_CASE("Paths resolve inside the root, with openat2 and by walking alike")
{
    Root r;
    std::string passwd = "ok:" + std::to_string(r.inode("etc/passwd"));
    struct Case {
        const char* path;
        std::string expected;
    } cases[] = {
        {"etc/passwd", passwd},
        {"/etc/passwd", passwd},
        {"etc/absolute", passwd},           // an absolute symlink starts again at the root
        {"etc/climbing", passwd},           // ".." stops at the root
        {"../../../../etc/passwd", passwd},
        {"etc-link/../etc/passwd", passwd},  // ".." after a symlink goes back from where it led
        {"dir/", "ok:" + std::to_string(r.inode("dir"))},
        {"/", "ok:" + std::to_string(r.inode("."))},
        {"escape", "errno:" + std::to_string(ENOENT)},  // never the file beside the root
        {"a", "errno:" + std::to_string(ELOOP)},
        {"etc/passwd/x", "errno:" + std::to_string(ENOTDIR)},
        {"missing", "errno:" + std::to_string(ENOENT)},
    };
    for (const Case& c : cases) {
        INFO(c.path);
        CHECK(find(r, c.path, false) == c.expected);
        CHECK(find(r, c.path, true) == c.expected);
    }
}

TEST_CASE("A magic link is never followed, with openat2 and by walking alike")
{
    // /proc/self/fd/N leads to whatever N is: here a file outside any root.
    Fd outside(open("/etc/hostname", O_RDONLY | O_CLOEXEC));
    REQUIRE(outside);
    Fd host_root(open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    std::string path = "/proc/self/fd/" + std::to_string(outside.get());
    for (bool by_walking : {false, true}) {
        INFO(by_walking);
        auto found = by_walking ? find_in_root_by_walking(host_root.get(), path.c_str())
                                : find_in_root(host_root.get(), path.c_str());
        REQUIRE_FALSE(found.ok());
        CHECK(found.error().code == ELOOP);
    }
}

TEST_CASE("Only a regular file of the container is read, and a FIFO is never opened")
{
    Root r;
    Fd proc_self_fd(open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC));
    ContainerRoot where{r.root.get(), proc_self_fd.get()};
    auto passwd = read_container_file(where, "/etc/absolute", 1024);
    REQUIRE(passwd.ok());
    CHECK(passwd.value().view() == "root:x:0:0::/:/bin/sh\n");
    // Opening a FIFO for reading would wait for a writer: it is refused from its type alone.
    auto fifo = read_container_file(where, "/fifo", 1024);
    REQUIRE_FALSE(fifo.ok());
    CHECK(std::string(fifo.error().why()) == "not a regular file");
    auto dir = read_container_file(where, "/dir", 1024);
    CHECK_FALSE(dir.ok());
    auto missing = read_container_file(where, "/missing", 1024);
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == ENOENT);
}
