#include <catch2/catch.hpp>

#include <vector>

#include <fcntl.h>

#include <string>

#include "context/caps.h"

using namespace nskit;

TEST_CASE("capability sets from /proc/PID/status")
{
    constexpr std::string_view status =
        "Name:\tsleep\nUid:\t0\t0\t0\t0\n"
        "CapInh:\t0000000000000000\nCapPrm:\t00000000a80425fb\nCapEff:\t00000000a80425fb\n"
        "CapBnd:\t00000000a80435fb\nCapAmb:\t0000000000001000\nNoNewPrivs:\t1\nSeccomp:\t2\n";
    auto caps = parse_capability_status(status);
    REQUIRE(caps);
    CHECK(caps->inheritable == 0);
    CHECK(caps->permitted == 0xa80425fb);
    CHECK(caps->effective == 0xa80425fb);
    CHECK(caps->bounding == 0xa80435fb);
    CHECK(caps->ambient == 0x1000);
    CHECK(caps->no_new_privs);

    auto old_kernel = parse_capability_status("CapInh:\t0\nCapPrm:\t0\nCapEff:\t0\nCapBnd:\tff\nCapAmb:\t0\n");
    REQUIRE(old_kernel);
    CHECK_FALSE(old_kernel->no_new_privs);
    CHECK_FALSE(parse_capability_status("CapInh:\t0\nCapPrm:\t0\nCapEff:\t0\nCapBnd:\tff\n"));
    CHECK_FALSE(parse_capability_status("CapInh:\tzz\nCapPrm:\t0\nCapEff:\t0\nCapBnd:\tff\nCapAmb:\t0\n"));
    CHECK_FALSE(parse_capability_status(""));
}

TEST_CASE("capability masks for -v, as /proc shows them")
{
    CHECK(std::string(capability_mask(0).view()) == "0000000000000000");
    CHECK(std::string(capability_mask(0xa80425fb).view()) == "00000000a80425fb");
    CHECK(std::string(capability_mask(~std::uint64_t(0)).view()) == "ffffffffffffffff");
}

TEST_CASE("--privileged: every capability we hold, no_new_privs kept")
{
    CapabilityState container, ours;
    container.no_new_privs = true;
    ours.bounding = 0xff0f;
    ours.permitted = 0xf0ff;
    ours.inheritable = ours.ambient = 1;
    auto full = full_capabilities(container, ours);
    CHECK(full.bounding == 0xf00f);
    CHECK(full.bounding == full.permitted);
    CHECK(full.effective == full.permitted);
    CHECK(full.inheritable == 0);
    CHECK(full.ambient == 0);
    CHECK(full.no_new_privs);
}

TEST_CASE("our own capabilities as the kernel reports them agree with /proc/self/status")
{
    auto now = current_capabilities();
    REQUIRE(now.ok());
    char buffer[8192];
    FILE* f = fopen("/proc/self/status", "r");
    REQUIRE(f);
    std::size_t n = fread(buffer, 1, sizeof buffer, f);
    fclose(f);
    auto from_proc = parse_capability_status(std::string_view(buffer, n));
    REQUIRE(from_proc);
    CHECK(now.value() == *from_proc);
}

#include "context/seccomp.h"

TEST_CASE("seccomp mode from /proc/PID/status")
{
    CHECK(seccomp_mode("Seccomp:\t2\nSeccomp_filters:\t1\n") == 2);
    CHECK(seccomp_mode("NoNewPrivs:\t0\nSeccomp:\t0\n") == 0);
    CHECK_FALSE(seccomp_mode("Name:\tx\n"));
    CHECK_FALSE(seccomp_mode("Seccomp:\t7\n"));
    SeccompFilters none, strict;
    REQUIRE(read_seccomp_filters(getpid(), "Seccomp:\t0\n", none).ok());
    CHECK(none.count() == 0);
    CHECK(install_seccomp_filters(none).ok());
    CHECK_FALSE(read_seccomp_filters(getpid(), "Seccomp:\t1\n", strict).ok());
}

TEST_CASE("seccomp filters are kept oldest first, each with its flags")
{
    seccomp::Instruction allow[] = {{0x06, 0, 0, 0x7fff0000}};                      // ret ALLOW
    seccomp::Instruction two[] = {{0x20, 0, 0, 0}, {0x06, 0, 0, 0x7fff0000}};      // ld nr; ret ALLOW
    SeccompFilters filters, more;
    REQUIRE(filters.add(allow, 0).ok());
    REQUIRE(more.add(two, 4).ok());
    REQUIRE(filters.add(more).ok());
    CHECK(filters.count() == 2);
    CHECK(filters.instructions() == 3);
    std::vector<std::pair<std::size_t, std::uint32_t>> seen;
    filters.for_each([&](std::span<const seccomp::Instruction> program, std::uint32_t flags) {
        seen.emplace_back(program.size(), flags);
        CHECK(program.back().k == 0x7fff0000u);
    });
    CHECK(seen == std::vector<std::pair<std::size_t, std::uint32_t>>{{1, 0}, {2, 4}});
}

#include "context/limits.h"

TEST_CASE("resource limits from /proc/PID/limits")
{
    constexpr std::string_view text =
        "Limit                     Soft Limit           Hard Limit           Units     \n"
        "Max cpu time              unlimited            unlimited            seconds   \n"
        "Max file size             unlimited            unlimited            bytes     \n"
        "Max data size             unlimited            unlimited            bytes     \n"
        "Max stack size            8388608              unlimited            bytes     \n"
        "Max core file size        0                    unlimited            bytes     \n"
        "Max resident set          unlimited            unlimited            bytes     \n"
        "Max processes             500                  600                  processes \n"
        "Max open files            1000                 2000                 files     \n"
        "Max locked memory         8388608              8388608              bytes     \n"
        "Max address space         unlimited            unlimited            bytes     \n"
        "Max file locks            unlimited            unlimited            locks     \n"
        "Max pending signals       15421                15421                signals   \n"
        "Max msgqueue size         819200               819200               bytes     \n"
        "Max nice priority         0                    0                    \n"
        "Max realtime priority     0                    0                    \n"
        "Max realtime timeout      unlimited            unlimited            us        \n";
    auto limits = parse_proc_limits(text);
    REQUIRE(limits);
    CHECK((*limits)[0]->soft == ~std::uint64_t(0));
    CHECK((*limits)[3]->soft == 8388608);
    CHECK((*limits)[6]->soft == 500);
    CHECK((*limits)[6]->hard == 600);
    CHECK((*limits)[7]->soft == 1000);
    CHECK((*limits)[13]->hard == 0);
    CHECK((*limits)[15]->hard == ~std::uint64_t(0));
    CHECK_FALSE(parse_proc_limits("garbage"));
    CHECK_FALSE(parse_proc_limits("Limit x\nMax cpu time              lots                 unlimited\n"));

    // Our own, read and applied back: nothing changes, nothing fails.
    int self = open("/proc/self", O_RDONLY | O_DIRECTORY);
    ProcessLimits ours;
    auto read = read_process_limits(self, ours);
    close(self);
    REQUIRE(read.ok());
    CHECK(apply_process_limits(ours).failed == 0);
}

TEST_CASE("limits clamped to what a process holding others could give itself")
{
    constexpr std::uint64_t unlimited = ~std::uint64_t(0);
    ProcessLimits wanted, bound;
    wanted.limits[7] = sys::Limit{1048576, 1048576};  // nofile: more than the bound's hard limit
    bound.limits[7] = sys::Limit{1024, 4096};
    wanted.limits[6] = sys::Limit{100, 200};  // nproc: less than the bound's
    bound.limits[6] = sys::Limit{unlimited, unlimited};
    wanted.limits[8] = sys::Limit{unlimited, unlimited};  // memlock: the bound says nothing
    bound.limits[3] = sys::Limit{8388608, unlimited};     // stack: wanted says nothing
    wanted.oom_score_adj = -1000;
    bound.oom_score_adj = 200;
    clamp_process_limits(wanted, bound);
    CHECK(wanted.limits[7]->soft == 4096);
    CHECK(wanted.limits[7]->hard == 4096);
    CHECK(wanted.limits[6]->soft == 100);
    CHECK(wanted.limits[6]->hard == 200);
    CHECK(wanted.limits[8]->hard == unlimited);
    CHECK(wanted.limits[3]->soft == 8388608);
    CHECK(wanted.oom_score_adj == 200);

    ProcessLimits lower;
    lower.oom_score_adj = 500;
    clamp_process_limits(lower, bound);
    CHECK(lower.oom_score_adj == 500);
}

TEST_CASE("open files as runc got them: a Go shim's raised soft limit lowered to the init's")
{
    ProcessLimits shim, init;
    shim.limits[7] = sys::Limit{4096, 4096};  // raised by Go 1.21+ at its start
    init.limits[7] = sys::Limit{1024, 4096};  // what it was started with, as runc passed it on
    shim.limits[3] = sys::Limit{8388608, 16777216};
    init.limits[3] = sys::Limit{4096, 16777216};  // only open files are lowered
    lower_open_files_to(shim, init);
    CHECK(shim.limits[7]->soft == 1024);
    CHECK(shim.limits[7]->hard == 4096);
    CHECK(shim.limits[3]->soft == 8388608);

    ProcessLimits raised;  // an init that raised its own: never above the shim's
    raised.limits[7] = sys::Limit{4096, 4096};
    ProcessLimits original;
    original.limits[7] = sys::Limit{1024, 4096};
    lower_open_files_to(original, raised);
    CHECK(original.limits[7]->soft == 1024);

    ProcessLimits none;  // the init's unreadable: nothing changes
    lower_open_files_to(shim, none);
    CHECK(shim.limits[7]->soft == 1024);
}

TEST_CASE("the most two processes hold")
{
    ProcessLimits monitor, init;
    monitor.limits[7] = sys::Limit{1024, 4096};
    init.limits[7] = sys::Limit{2048, 2048};
    init.limits[6] = sys::Limit{100, 8192};  // the monitor says nothing
    monitor.limits[3] = sys::Limit{8388608, 16777216};
    init.limits[3] = sys::Limit{8388608, 33554432};
    monitor.oom_score_adj = 1;
    init.oom_score_adj = 0;
    ProcessLimits most = most_of(monitor, init);
    CHECK(most.limits[7]->hard == 4096);
    CHECK(most.limits[6]->hard == 8192);
    CHECK(most.limits[3]->hard == 33554432);
    CHECK(most.oom_score_adj == 0);
}
