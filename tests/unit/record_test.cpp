#include <catch2/catch.hpp>

#include <string>

#include "runtime/oci.h"
#include "runtime/record.h"

using namespace nskit;
using namespace std::literals;

namespace {
constexpr std::uint64_t bit(int cap) { return std::uint64_t(1) << cap; }
}  // namespace

TEST_CASE("An OCI config.json's process context is read as runc applies it")
{
    auto parsed = parse_oci_process(R"({
        "ociVersion": "1.0.2",
        "process": {
            "user": {"uid": 1000, "gid": 1001, "additionalGids": [1001, 4242], "umask": 23},
            "args": ["sleep"], "cwd": "/",
            "capabilities": {
                "bounding": ["CAP_CHOWN", "CAP_NET_ADMIN", "CAP_NOT_IN_THIS_KERNEL"],
                "effective": ["CAP_CHOWN"], "permitted": ["CAP_CHOWN", "CAP_NET_ADMIN"],
                "inheritable": [], "ambient": ["CAP_NET_ADMIN"]
            },
            "noNewPrivileges": true,
            "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 2000, "soft": 1000},
                        {"type": "RLIMIT_CORE", "hard": 18446744073709551615, "soft": 18446744073709551615}],
            "oomScoreAdj": -300,
            "apparmorProfile": "docker-default",
            "selinuxLabel": "system_u:system_r:container_t:s0:c1,c2"
        },
        "linux": {"seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": []}}
    })");
    REQUIRE(parsed.ok());
    const OciProcess& p = parsed.value();
    CHECK(p.has_capabilities);
    CHECK(p.caps.bounding == (bit(0) | bit(12)));
    CHECK(p.caps.effective == bit(0));
    CHECK(p.caps.permitted == (bit(0) | bit(12)));
    CHECK(p.caps.inheritable == 0);
    CHECK(p.caps.ambient == 0);  // NET_ADMIN is not inheritable: the kernel would keep it out, so do we
    CHECK(p.caps.no_new_privs);
    CHECK(p.uid == 1000);
    CHECK(p.gid == 1001);
    REQUIRE(p.additional().size() == 2);
    CHECK(p.additional()[1] == 4242);
    CHECK(p.umask == std::optional<mode_t>(027));  // JSON says 23, in decimal
    REQUIRE(p.rlimits[7]);
    CHECK(p.rlimits[7]->soft == 1000);
    CHECK(p.rlimits[7]->hard == 2000);
    REQUIRE(p.rlimits[4]);
    CHECK(p.rlimits[4]->soft == ~std::uint64_t(0));
    CHECK_FALSE(p.rlimits[0]);
    CHECK(p.oom_score_adj == std::optional<int>(-300));
    CHECK(p.apparmor_profile.view() == "docker-default");
    CHECK(p.selinux_label.view() == "system_u:system_r:container_t:s0:c1,c2");
}

TEST_CASE("Ambient capabilities are those the kernel keeps: permitted and inheritable")
{
    auto parsed = parse_oci_process(R"({"process": {"capabilities": {
        "bounding": ["CAP_KILL", "CAP_CHOWN", "CAP_NET_ADMIN"], "permitted": ["CAP_KILL", "CAP_CHOWN"],
        "effective": ["CAP_KILL"], "inheritable": ["CAP_KILL", "CAP_NET_ADMIN"],
        "ambient": ["CAP_KILL", "CAP_CHOWN", "CAP_NET_ADMIN"]}}})");
    REQUIRE(parsed.ok());
    CHECK(parsed.value().caps.ambient == bit(5));  // CHOWN is not inheritable, NET_ADMIN not permitted
}

TEST_CASE("A config.json that is only half understood is refused, not half applied")
{
    const char* bad[] = {
        R"({"process": {"capabilities": {"bounding": "CAP_CHOWN"}}})",
        R"({"process": {"capabilities": {"bounding": [7]}}})",
        R"({"process": {"user": {"uid": -1, "gid": 0}}})",
        R"({"process": {"user": {"uid": 4294967296, "gid": 0}}})",
        R"({"process": {"noNewPrivileges": "yes"}})",
        R"({"process": {"rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1, "soft": 2}]}})",
        R"({"process": {"rlimits": [{"type": "RLIMIT_WHATEVER", "hard": 1, "soft": 1}]}})",
        R"({"process": {"oomScoreAdj": 5000}})",
        R"({"process": {"user": {"uid": 0, "gid": 0, "umask": 512}}, "x": 1})",
        R"({"process": 5})",
        R"({"process": {)",
    };
    for (const char* text : bad) {
        INFO(text);
        CHECK_FALSE(parse_oci_process(text).ok());
    }
    auto none = parse_oci_process(R"({"process": {"user": {"uid": 0, "gid": 0}}, "linux": {"seccomp": null}})");
    REQUIRE(none.ok());
    CHECK_FALSE(none.value().has_capabilities);
}

TEST_CASE("Capability names number as linux/capability.h does")
{
    CHECK(capability_number("CAP_CHOWN") == std::optional<int>(0));
    CHECK(capability_number("CAP_SYS_ADMIN") == std::optional<int>(21));
    CHECK(capability_number("CAP_AUDIT_WRITE") == std::optional<int>(29));
    CHECK(capability_number("CAP_CHECKPOINT_RESTORE") == std::optional<int>(40));
    CHECK_FALSE(capability_number("CHOWN"));
    CHECK_FALSE(capability_number("CAP_"));
    CHECK_FALSE(capability_number("CAP_chown"));
}

TEST_CASE("The runtime's monitor is recognised by its command line, for that container only")
{
    using namespace std::string_literals;
    std::string shim = "/usr/bin/containerd-shim-runc-v2\0-namespace\0moby\0-id\0abc123\0-address\0/run/x.sock\0"s;
    CHECK(monitor_bundle(shim, "abc123") == std::optional<std::string_view>(""sv));
    CHECK_FALSE(monitor_bundle(shim, "abc"));
    CHECK_FALSE(monitor_bundle(shim, ""));
    std::string conmon = "/usr/bin/conmon\0--api-version\0001\0-c\0def456\0-u\0def456\0-b\0/var/lib/c/def456/userdata\0"s;
    CHECK(monitor_bundle(conmon, "def456") == std::optional<std::string_view>("/var/lib/c/def456/userdata"sv));
    std::string long_form = "conmon\0--cid=def456\0--bundle=/b\0"s;
    CHECK(monitor_bundle(long_form, "def456") == std::optional<std::string_view>("/b"sv));
    std::string relative = "conmon\0-c\0def456\0-b\0userdata\0"s;
    CHECK_FALSE(monitor_bundle(relative, "def456"));  // only an absolute bundle path
    std::string other = "/sbin/init\0splash\0"s;
    CHECK_FALSE(monitor_bundle(other, "abc123"));
}

TEST_CASE("PPid and Umask of /proc/PID/status")
{
    std::string status = "Name:\tsleep\nUmask:\t0027\nState:\tS (sleeping)\nPPid:\t4242\n";
    CHECK(parent_pid(status) == std::optional<pid_t>(4242));
    CHECK(status_umask(status) == std::optional<mode_t>(027));
    CHECK_FALSE(status_umask("Umask:\t0999\n"));
    CHECK_FALSE(parent_pid("Name:\tx\n"));
}

TEST_CASE("A record's seccomp profile that cannot be used is refused with the reason whole, however long its path")
{
    std::string notify = R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}}})";
    std::string too_large = R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [)";
    // Over 4096 instructions on every ABI: a 32-bit one compares the low words
    // alone, and a run of equalities on one argument takes one instruction each.
    for (int i = 0; i < 5000; ++i)
        too_large += std::string(i ? "," : "") + R"({"names": ["ioctl"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 1, "value": )" +
                     std::to_string((std::uint64_t(i) << 32) | i) + R"(, "op": "SCMP_CMP_EQ"}]})";
    too_large += "]}}}";
    std::string id(64, 'a');
    std::string short_path = "/run/containerd/io.containerd.runtime.v2.task/moby/" + id + "/config.json";
    std::string long_path = "/tmp/nskd.P2l2gW/x/containerd/daemon/io.containerd.runtime.v2.task/nskit-nskd.P2l2gW/" + id +
                            "/config.json";
    auto message = [](const std::string& config, const std::string& path) {
        auto doc = json::parse(config);
        REQUIRE(doc.ok());
        auto program = compile_seccomp(doc.value(), path);
        REQUIRE_FALSE(program.ok());
        return std::string(program.error().what.view()) + ": " + program.error().why();
    };
    const std::string refused = "SCMP_ACT_NOTIFY needs a seccomp agent listening, and nskit has none to hand calls to";
    CHECK(message(notify, short_path) ==
          "cannot use the seccomp profile of " + short_path + ": linux.seccomp.syscalls[0].action: " + refused);
    std::string cut = message(notify, long_path);
    INFO(cut);
    CHECK(cut.find("cannot use the seccomp profile of /tmp/nskd.") == 0);
    CHECK(cut.find("...") != std::string::npos);
    CHECK(cut.find(id.substr(0, 40) + "/config.json: linux.seccomp.syscalls[0].action: " + refused) != std::string::npos);
    std::string large = message(too_large, long_path);
    INFO(large);
    CHECK(large.find("/config.json: the seccomp profile compiles to ") != std::string::npos);
    CHECK(large.find(" instructions: over the kernel's limit of 4096 (BPF_MAXINSNS)") != std::string::npos);
}
