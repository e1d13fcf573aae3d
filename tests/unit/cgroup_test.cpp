#include <catch2/catch.hpp>

#include <string>

#include "context/cgroup.h"

using namespace nskit;

namespace {
// A hybrid host: v1 controllers, one co-mounted pair, a named hierarchy, v2,
// and a cgroup file system mounted from a sub-directory (as inside a container).
constexpr std::string_view mountinfo =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
    "50 31 0:40 /docker/abc /mnt/my\\040pids rw - cgroup cgroup rw,pids\n"
    "garbage\n";

std::string locate(std::string_view line)
{
    auto m = parse_cgroup_line(line);
    if (!m)
        return "unparsable";
    CgroupPath dir;
    if (!locate_cgroup(mountinfo, *m, dir))
        return "not mounted";
    return std::string(dir.view());
}
}  // namespace

TEST_CASE("lines of /proc/PID/cgroup")
{
    auto v1 = parse_cgroup_line("4:cpu,cpuacct:/docker/abc");
    REQUIRE(v1);
    CHECK(v1->hierarchy == "4");
    CHECK(v1->controllers == "cpu,cpuacct");
    CHECK(v1->path == "/docker/abc");
    CHECK_FALSE(v1->unified());
    auto v2 = parse_cgroup_line("0::/a:b");
    REQUIRE(v2);
    CHECK(v2->unified());
    CHECK(v2->path == "/a:b");
    for (auto bad : {"", "0:", "0::", "x::/", "1:cpu", "1:cpu:relative", ":::"}) {
        INFO(bad);
        CHECK_FALSE(parse_cgroup_line(bad));
    }
}

TEST_CASE("lines of /proc/self/mountinfo")
{
    auto m = parse_mountinfo_line("32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime shared:9 master:2 - cgroup cgroup rw,cpu");
    REQUIRE(m);
    CHECK(m->root == "/");
    CHECK(m->mount_point == "/sys/fs/cgroup/cpu");
    CHECK(m->fs_type == "cgroup");
    CHECK(m->super_options == "rw,cpu");
    for (auto bad : {"", "1 2 3", "1 2 3 / /x rw", "1 2 3 / /x rw shared:1", "1 2 3 / /x rw -"}) {
        INFO(bad);
        CHECK_FALSE(parse_mountinfo_line(bad));
    }
    Text<64> out;
    append_unescaped(out, "/a\\040b\\011c\\134d\\04");
    CHECK(out.view() == "/a b\tc\\d\\04");
}

TEST_CASE("cgroup directories are found through the mounts")
{
    CHECK(locate("4:cpu,cpuacct:/docker/abc") == "/sys/fs/cgroup/cpu,cpuacct/docker/abc");
    CHECK(locate("5:cpuacct,cpu:/x") == "/sys/fs/cgroup/cpu,cpuacct/x");
    CHECK(locate("3:memory:/") == "/sys/fs/cgroup/memory");
    CHECK(locate("9:name=systemd:/system.slice/docker.service") ==
          "/sys/fs/cgroup/systemd/system.slice/docker.service");
    CHECK(locate("0::/docker/abc") == "/sys/fs/cgroup/unified/docker/abc");
    CHECK(locate("6:pids:/docker/abc/sub") == "/mnt/my pids/sub");
    CHECK(locate("6:pids:/docker/abc") == "/mnt/my pids");
    CHECK(locate("6:pids:/docker/abcd") == "not mounted");  // a sibling, not inside the mounted root
    CHECK(locate("6:pids:/other") == "not mounted");
    CHECK(locate("7:blkio:/x") == "not mounted");
    CHECK(locate("8:cpu:/../escape") == "not mounted");
    CHECK(locate("2:name=elogind:/") == "not mounted");
}

TEST_CASE("planning a join with our own process as the target needs no write")
{
    auto plan = plan_cgroup_join(getpid());
    REQUIRE(plan.ok());
    CHECK(plan.value().size() == 0);
    CHECK(plan.value().join(getpid()).ok());
    auto missing = plan_cgroup_join(999999999);
    REQUIRE_FALSE(missing.ok());
    CHECK(std::string(missing.error().what.view()) == "cannot open /proc/999999999/cgroup");
}
