#include <catch2/catch.hpp>

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

TEST_CASE("capability names for -v")
{
    CHECK(std::string(capability_names(0).view()) == "none");
    CHECK(std::string(capability_names(1 << 12 | 1).view()) == "cap_chown,cap_net_admin");
    CHECK(std::string(capability_names(std::uint64_t(1) << 40).view()) == "cap_checkpoint_restore");
    CHECK(std::string(capability_names(std::uint64_t(1) << 50).view()) == "50");
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
    auto none = read_seccomp_filters(getpid(), "Seccomp:\t0\n");
    REQUIRE(none.ok());
    CHECK(none.value().count == 0);
    CHECK(install_seccomp_filters(none.value()).ok());
    CHECK_FALSE(read_seccomp_filters(getpid(), "Seccomp:\t1\n").ok());
}
