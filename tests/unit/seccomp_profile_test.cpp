#include <catch2/catch.hpp>

#include "mutate.h"

#include <random>
#include <string>

#include "seccomp_bpf.h"

using namespace seccomp_test;

namespace {

// The error of parsing `text` as linux.seccomp, "ok" when it parses.
std::string parse_error(const std::string& text)
{
    auto doc = json::parse(text);
    if (!doc.ok())
        return "bad JSON";
    auto profile = parse_profile(doc.value());
    return profile.ok() ? "ok" : error_text(profile.error());
}

}  // namespace

TEST_CASE("a profile read as runc reads it", "[seccomp]")
{
    auto doc = json::parse(R"({
      "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
      "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
      "flags": ["SECCOMP_FILTER_FLAG_LOG"], "listenerPath": "", "listenerMetadata": "",
      "syscalls": [
        {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
        {"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]},
        {"names": ["clone"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}], "errnoRet": null},
        {"names": ["\u0072eboot"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "args": null},
        {"names": [], "action": "SCMP_ACT_KILL"},
        {"names": ["set_mempolicy_home_node_but_longer_than_any_system_call_name"], "action": "SCMP_ACT_LOG"}
      ]})");
    REQUIRE(doc.ok());
    auto parsed = parse_profile(doc.value());
    REQUIRE(parsed.ok());
    const Profile& profile = parsed.value();
    CHECK(profile.filter);
    CHECK(profile.default_action == errno_ret(38));
    CHECK(profile.architectures == (arch_bit(Arch::x86_64) | arch_bit(Arch::x86) | arch_bit(Arch::x32)));
    CHECK(profile.flags_given);
    CHECK(profile.flags == flag_log);
    REQUIRE(profile.rules.size() == 6);
    CHECK(profile.name_of(profile.rules[0]) == "read");
    CHECK(profile.name_of(profile.rules[1]) == "write");
    CHECK(profile.rules[1].action == allow);
    CHECK(profile.name_of(profile.rules[2]) == "personality");
    REQUIRE(profile.conditions_of(profile.rules[2]).size() == 1);
    CHECK(profile.conditions_of(profile.rules[2])[0].value == 8);
    CHECK(profile.conditions_of(profile.rules[2])[0].op == Op::equal);
    const Condition& clone = profile.conditions_of(profile.rules[3])[0];
    CHECK(clone.op == Op::masked_equal);
    CHECK(clone.value == 2114060288);
    CHECK(clone.value_two == 0);
    CHECK(profile.name_of(profile.rules[4]) == "reboot");
    CHECK(profile.rules[4].action == errno_ret(13));
    CHECK(profile.conditions_of(profile.rules[4]).empty());
    CHECK_FALSE(profile.rules[5].name_fits);
    CHECK(profile.rules[5].action == log_action);
}

TEST_CASE("whatever the parser does not understand is an error naming the field", "[seccomp]")
{
    struct Case {
        const char* profile;
        const char* error;
    } cases[] = {
        {R"([])", "linux.seccomp: not an object"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "defaultErrno": "EPERM"})",
         "linux.seccomp.defaultErrno: not a field the runtime-spec defines here"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "comment": "x"}]})",
         "linux.seccomp.syscalls[0].comment: not a field the runtime-spec defines here"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ", "valueThree": 2}]}]})",
         "linux.seccomp.syscalls[0].args[0].valueThree: not a field the runtime-spec defines here"},
        {R"({"defaultAction": "SCMP_ACT_PERMIT"})", "linux.seccomp.defaultAction: SCMP_ACT_PERMIT: not an action nskit knows"},
        {R"({"defaultAction": 1})", "linux.seccomp.defaultAction: not a string"},
        {R"({"syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]})", "linux.seccomp.defaultAction: missing"},
        {R"({"defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": "/run/agent.sock"})",
         "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY needs a seccomp agent listening, and nskit has none to hand calls to"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_NOTIFY"}]})",
         "linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY needs a seccomp agent listening, and nskit has none to hand calls to"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"]}]})", "linux.seccomp.syscalls[0].action: missing"},
        {R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 4095})",
         "linux.seccomp.defaultErrnoRet: over 4094, which libseccomp refuses as an errno"},
        {R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": -1})", "linux.seccomp.defaultErrnoRet: not a number from 0 to 2^64-1"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_TRACE", "errnoRet": 65536}]})",
         "linux.seccomp.syscalls[0].errnoRet: over 65535, more than SECCOMP_RET_TRACE carries"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "errnoRet": "1"}]})",
         "linux.seccomp.syscalls[0].errnoRet: not a number from 0 to 2^64-1"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_PDP11"]})",
         "linux.seccomp.architectures: SCMP_ARCH_PDP11: not an architecture runc knows"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "architectures": "SCMP_ARCH_X86_64"})", "linux.seccomp.architectures: not a list"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_NEW_LISTENER"]})",
         "linux.seccomp.flags: SECCOMP_FILTER_FLAG_NEW_LISTENER: not a flag the runtime-spec defines"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": 7})", "linux.seccomp.listenerPath: not a string"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": {}})", "linux.seccomp.syscalls: not a list"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": "read", "action": "SCMP_ACT_ALLOW"}]})",
         "linux.seccomp.syscalls[0].names: not a list"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [3], "action": "SCMP_ACT_ALLOW"}]})",
         "linux.seccomp.syscalls[0].names: not a string"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [""], "action": "SCMP_ACT_ALLOW"}]})",
         "linux.seccomp.syscalls[0].names: an empty name, which runc refuses"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]})",
         "linux.seccomp.syscalls[0].args[0].index: over 5: a system call has six arguments"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"value": 1, "op": "SCMP_CMP_EQ"}]}]})",
         "linux.seccomp.syscalls[0].args[0].index: missing"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "op": "SCMP_CMP_EQ"}]}]})",
         "linux.seccomp.syscalls[0].args[0].value: missing"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1.5, "op": "SCMP_CMP_EQ"}]}]})",
         "linux.seccomp.syscalls[0].args[0].value: not a number from 0 to 2^64-1"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_BETWEEN"}]}]})",
         "linux.seccomp.syscalls[0].args[0].op: SCMP_CMP_BETWEEN: not a comparison runc knows"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1}]}]})",
         "linux.seccomp.syscalls[0].args[0].op: missing"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": {}}]})",
         "linux.seccomp.syscalls[0].args: not a list"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [[]]}]})",
         "linux.seccomp.syscalls[0].args[0]: not an object"},
    };
    for (const Case& c : cases) {
        INFO(c.profile);
        CHECK(parse_error(c.profile) == c.error);
    }
    CHECK(parse_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "errnoRet": 3}]})") ==
          "ok");  // runc ignores errnoRet for actions that carry none
}

TEST_CASE("linux.seccomp from a whole config.json", "[seccomp]")
{
    auto none = parse_config_profile(R"({"ociVersion": "1.0.2", "linux": {"namespaces": []}})");
    REQUIRE(none.ok());
    CHECK_FALSE(none.value().filter);
    auto null = parse_config_profile(R"({"linux": {"seccomp": null}})");
    REQUIRE(null.ok());
    CHECK_FALSE(null.value().filter);
    auto some = parse_config_profile(R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}}})");
    REQUIRE(some.ok());
    CHECK(some.value().filter);
    CHECK(some.value().rules.size() == 1);
    CHECK_FALSE(parse_config_profile(R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "extra": 1}}})").ok());
}

TEST_CASE("every truncation and many mutations of Docker's profile: an error or a program, never a crash", "[seccomp]")
{
    const std::string docker = fixture("seccomp-docker-default.json");
    for (std::size_t n = 0; n < docker.size(); n += 7)
        (void)compile_error(docker.substr(0, n));
    std::mt19937 random(4321);
    constexpr std::string_view alphabet = "{}[]\",:\\u0123456789.eE-+ tfnrlSCMP_ACTERNOWLQMASKEDXG\x01\xff";
    int compiled = 0, refused = 0;
    for (int round = 0; round < 3000; ++round) {
        std::string text = mutate(docker, random, alphabet, 4);
        auto doc = json::parse(text);
        if (!doc.ok())
            continue;
        auto profile = parse_profile(doc.value());
        if (!profile.ok()) {
            ++refused;
            continue;
        }
        for (Family family : {Family::x86_64, Family::aarch64, Family::s390x}) {
            auto program = compile(profile.value(), family);
            if (program.ok() && program.value().count > 0) {
                ++compiled;
                // Every program runs to a return for a few calls.
                for (std::uint32_t nr : {0u, 1u, 59u, 102u, 1000u, 0x40000000u, 0xffffffffu})
                    (void)run(program.value(), call(audit_x86_64, nr, {1, 2, 3}), family == Family::s390x);
            }
        }
    }
    CHECK(compiled > 0);
    CHECK(refused > 0);
}
