#include <catch2/catch.hpp>

#include <sys/syscall.h>

#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "context/seccomp/syscall_tables.h"
#include "seccomp_bpf.h"

using namespace seccomp_test;

namespace {

// x86_64 call `name` with `args`.
SyscallData x64(const char* name, std::initializer_list<std::uint64_t> args = {})
{
    return call(audit_x86_64, syscall_nr(name), args);
}
SyscallData x86(const char* name, std::initializer_list<std::uint64_t> args = {})
{
    return call(audit_i386, syscall_nr(name, Abi::x86), args);
}
SyscallData x32(const char* name, std::initializer_list<std::uint64_t> args = {})
{
    return call(audit_x86_64, syscall_nr(name, Abi::x32), args);
}

}  // namespace

TEST_CASE("the syscall tables are the kernel's", "[seccomp]")
{
    // This test is built against its target's own headers: that target's column must agree.
#if defined(__x86_64__)
    constexpr Abi native = Abi::x86_64;
    CHECK(syscall_nr("arch_prctl", native) == SYS_arch_prctl);
#elif defined(__aarch64__)
    constexpr Abi native = Abi::aarch64;
#elif defined(__arm__)
    constexpr Abi native = Abi::arm;
#elif defined(__powerpc64__)
    constexpr Abi native = Abi::ppc64le;
#elif defined(__s390x__)
    constexpr Abi native = Abi::s390x;
#endif
    CHECK(syscall_nr("read", native) == SYS_read);
    CHECK(syscall_nr("openat2", native) == SYS_openat2);
    CHECK(syscall_nr("clone3", native) == SYS_clone3);
    CHECK(syscall_nr("read", Abi::x86) == 3);
    CHECK(syscall_nr("socketcall", Abi::x86) == 102);
    CHECK(syscall_nr("read", Abi::x32) == (x32_bit | 0));
    CHECK(syscall_nr("rt_sigaction", Abi::x32) == (x32_bit | 512));
    CHECK(syscall_nr("read", Abi::aarch64) == 63);
    CHECK(syscall_nr("breakpoint", Abi::arm) == 0xf0001);
    CHECK(syscall_nr("set_tls", Abi::arm) == 0xf0005);
    CHECK(syscall_nr("socket", Abi::ppc64le) == 326);
    CHECK(syscall_nr("s390_runtime_instr", Abi::s390x) == 342);
    CHECK_FALSE(syscall_number("waitpid", Abi::x86_64));
    CHECK_FALSE(syscall_number("no_such_call", Abi::x86_64));
    CHECK_FALSE(syscall_number("syscalls", Abi::aarch64));  // asm-generic's count, not a call
    // Linux 6.12's headers: the calls up to mseal on every ABI, uretprobe on x86_64 and x32 alone.
    for (std::size_t abi = 0; abi < abi_count; ++abi) {
        INFO(abi_name(static_cast<Abi>(abi)));
        std::uint32_t base = static_cast<Abi>(abi) == Abi::x32 ? x32_bit : 0;
        CHECK(syscall_nr("cachestat", static_cast<Abi>(abi)) == (base | 451));
        CHECK(syscall_nr("futex_requeue", static_cast<Abi>(abi)) == (base | 456));
        CHECK(syscall_nr("statmount", static_cast<Abi>(abi)) == (base | 457));
        CHECK(syscall_nr("mseal", static_cast<Abi>(abi)) == (base | 462));
    }
    CHECK(syscall_nr("uretprobe") == 335);
    CHECK(syscall_nr("uretprobe", Abi::x32) == (x32_bit | 335));
    CHECK_FALSE(syscall_number("uretprobe", Abi::aarch64));
    CHECK(syscall_nr("map_shadow_stack", Abi::x32) == (x32_bit | 453));
    CHECK_FALSE(syscall_number("setxattrat", Abi::x86_64));  // Linux 6.13
    // Names are compared whole, a NUL or a prefix no different from any other character.
    CHECK_FALSE(syscall_number(std::string_view("read\0x", 6), Abi::x86_64));
    CHECK_FALSE(syscall_number(std::string_view("read\0", 5), Abi::x86_64));
    CHECK_FALSE(syscall_number("rea", Abi::x86_64));
    CHECK_FALSE(syscall_number("readx", Abi::x86_64));
    CHECK_FALSE(syscall_number(std::string(40, 'r'), Abi::x86_64));
    CHECK_FALSE(multiplexed(std::string_view("socket\0", 7)));
    for (std::size_t i = 0; i < syscall_row_count; ++i)
        CHECK(find_syscall(syscall_rows[i].name) == &syscall_rows[i]);
    for (std::size_t i = 1; i < syscall_row_count; ++i)
        CHECK(std::string_view(syscall_rows[i - 1].name) < std::string_view(syscall_rows[i].name));
    auto socket = multiplexed("socket");
    REQUIRE(socket);
    CHECK(std::string(socket->multiplexer) == "socketcall");
    CHECK(socket->call == 1);
    CHECK(multiplexed("sendmmsg")->call == 20);
    CHECK(std::string(multiplexed("shmctl")->multiplexer) == "ipc");
    CHECK(multiplexed("shmctl")->call == 24);
    CHECK_FALSE(multiplexed("read"));
}

TEST_CASE("every action's SECCOMP_RET_* value, and errnoRet", "[seccomp]")
{
    Program program = compile_text(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
        {"names": ["read"], "action": "SCMP_ACT_KILL"},
        {"names": ["write"], "action": "SCMP_ACT_KILL_THREAD"},
        {"names": ["getpid"], "action": "SCMP_ACT_KILL_PROCESS"},
        {"names": ["getppid"], "action": "SCMP_ACT_TRAP"},
        {"names": ["gettid"], "action": "SCMP_ACT_ERRNO"},
        {"names": ["getuid", "getgid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
        {"names": ["geteuid"], "action": "SCMP_ACT_TRACE"},
        {"names": ["getegid"], "action": "SCMP_ACT_TRACE", "errnoRet": 5},
        {"names": ["getpgrp"], "action": "SCMP_ACT_LOG"},
        {"names": ["getsid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 0},
        {"names": ["uname"], "action": "SCMP_ACT_ALLOW"}
    ]})");
    check_cases(program, {
        {"SCMP_ACT_KILL is KILL_THREAD, as runc gives it", x64("read"), kill_thread},
        {"KILL_THREAD", x64("write"), kill_thread},
        {"KILL_PROCESS", x64("getpid"), kill_process},
        {"TRAP", x64("getppid"), trap},
        {"ERRNO without errnoRet is EPERM", x64("gettid"), errno_ret(1)},
        {"ERRNO with errnoRet", x64("getuid"), errno_ret(13)},
        {"every name of an entry", x64("getgid"), errno_ret(13)},
        {"TRACE without errnoRet carries EPERM", x64("geteuid"), trace(1)},
        {"TRACE with errnoRet", x64("getegid"), trace(5)},
        {"LOG", x64("getpgrp"), log_action},
        {"errnoRet 0", x64("getsid"), errno_ret(0)},
        {"a rule with the default action", x64("uname"), allow},
        {"the default action", x64("close"), allow},
        {"no ENOSYS stub under a permissive default", call(audit_x86_64, 1000), allow},
    });
}

TEST_CASE("the default action and defaultErrnoRet", "[seccomp]")
{
    const char* rules = R"(, "architectures": ["SCMP_ARCH_X86_64"], "syscalls": [{"names": ["read", "openat2"], "action": "SCMP_ACT_ALLOW"}]})";
    check_cases(compile_text(std::string(R"({"defaultAction": "SCMP_ACT_ERRNO")") + rules), {
        {"ERRNO is EPERM by default", x64("write"), errno_ret(1)},
        {"a rule", x64("read"), allow},
    });
    check_cases(compile_text(std::string(R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 95)") + rules), {
        {"defaultErrnoRet", x64("write"), errno_ret(95)},
    });
    check_cases(compile_text(std::string(R"({"defaultAction": "SCMP_ACT_KILL_PROCESS")") + rules), {
        {"KILL_PROCESS by default", x64("write"), kill_process},
    });
    check_cases(compile_text(std::string(R"({"defaultAction": "SCMP_ACT_LOG")") + rules), {
        {"LOG by default", x64("write"), log_action},
        {"LOG is permissive: no ENOSYS stub", call(audit_x86_64, 1000), log_action},
    });
    check_cases(compile_text(std::string(R"({"defaultAction": "SCMP_ACT_TRACE", "defaultErrnoRet": 7)") + rules), {
        {"TRACE by default", x64("write"), trace(7)},
        {"TRACE is permissive: no ENOSYS stub", call(audit_x86_64, 1000), trace(7)},
    });
}

TEST_CASE("argument comparisons: all seven operators, 64 bits on x86_64, the low 32 on x86", "[seccomp]")
{
    Program program = compile_text(R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
      "syscalls": [
        {"names": ["dup"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 4294967301, "op": "SCMP_CMP_EQ"}]},
        {"names": ["dup2"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 1, "value": 4294967301, "op": "SCMP_CMP_NE"}]},
        {"names": ["close"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 4294967296, "op": "SCMP_CMP_LT"}]},
        {"names": ["fsync"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 4294967296, "op": "SCMP_CMP_LE"}]},
        {"names": ["fchdir"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 4294967296, "op": "SCMP_CMP_GT"}]},
        {"names": ["umask"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 18446744069414584320, "op": "SCMP_CMP_GE"}]},
        {"names": ["kill"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 5, "value": 18374686479671627520, "valueTwo": 1297036692682703616, "op": "SCMP_CMP_MASKED_EQ"}]},
        {"names": ["tkill"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 2, "value": 240, "valueTwo": 255, "op": "SCMP_CMP_MASKED_EQ"}]},
        {"names": ["tgkill"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 18374686479671623680, "valueTwo": 1297036692682702848, "op": "SCMP_CMP_MASKED_EQ"}]},
        {"names": ["openat2"], "action": "SCMP_ACT_ALLOW"}
      ]})");
    constexpr std::uint64_t high = 0x100000000;
    check_cases(program, {
        {"EQ", x64("dup", {high + 5}), allow},
        {"EQ: the high word differs", x64("dup", {5}), errno_ret(1)},
        {"EQ: the low word differs", x64("dup", {high + 6}), errno_ret(1)},
        {"NE: equal", x64("dup2", {0, high + 5}), errno_ret(1)},
        {"NE: the high word differs", x64("dup2", {0, 5}), allow},
        {"NE: the low word differs", x64("dup2", {0, high + 4}), allow},
        {"LT: below", x64("close", {high - 1}), allow},
        {"LT: equal", x64("close", {high}), errno_ret(1)},
        {"LT: above in the high word only", x64("close", {2 * high}), errno_ret(1)},
        {"LE: equal", x64("fsync", {high}), allow},
        {"LE: one above", x64("fsync", {high + 1}), errno_ret(1)},
        {"LE: a low word bigger, a high word smaller", x64("fsync", {0xffffffff}), allow},
        {"GT: one above", x64("fchdir", {high + 1}), allow},
        {"GT: equal", x64("fchdir", {high}), errno_ret(1)},
        {"GT: a bigger low word alone is not above", x64("fchdir", {0xffffffff}), errno_ret(1)},
        {"GT: by the high word", x64("fchdir", {2 * high}), allow},
        {"GE: equal", x64("umask", {0xffffffff00000000}), allow},
        {"GE: just below", x64("umask", {0xfffffffeffffffff}), errno_ret(1)},
        {"GE: the top", x64("umask", {~std::uint64_t(0)}), allow},
        {"MASKED_EQ: masked high byte matches", x64("kill", {0, 0, 0, 0, 0, 0x12ab000000000345}), allow},
        {"MASKED_EQ: masked high byte differs", x64("kill", {0, 0, 0, 0, 0, 0x13ab000000000345}), errno_ret(1)},
        {"MASKED_EQ: valueTwo's bits outside the mask are ignored", x64("tkill", {0, 0, 0xf3}), allow},
        {"MASKED_EQ: inside the mask they count", x64("tkill", {0, 0, 0xe0}), errno_ret(1)},
        // x86: only the low 32 bits of the argument and of the value.
        {"x86 EQ compares the low words", x86("dup", {5}), allow},
        {"x86 NE compares the low words", x86("dup2", {0, 5}), errno_ret(1)},
        {"x86 LT against a low word of 0: never", x86("close", {0}), errno_ret(1)},
        {"x86 LE against a low word of 0", x86("fsync", {0}), allow},
        {"x86 GT against a low word of 0", x86("fchdir", {1}), allow},
        {"x86 GE against a low word of 0", x86("umask", {0}), allow},
        {"x86 MASKED_EQ compares the low word of the mask", x86("kill", {0, 0, 0, 0, 0, 0x345}), allow},
        {"x86 MASKED_EQ compares the low word of the mask, differing", x86("kill", {0, 0, 0, 0, 0, 7}), errno_ret(1)},
        {"x86_64 MASKED_EQ on the high byte", x64("tgkill", {0x1234000000000000}), allow},
        {"x86_64 MASKED_EQ on the high byte, differing", x64("tgkill", {0x1334000000000000}), errno_ret(1)},
        {"x86 MASKED_EQ whose low mask is 0 compares nothing", x86("tgkill", {7}), allow},
    });
}

TEST_CASE("conditions of one rule are ANDed, rules are ORed, runc splits a rule that repeats an argument", "[seccomp]")
{
    Program program = compile_text(R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "syscalls": [
        {"names": ["mmap"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 2, "op": "SCMP_CMP_EQ"}]},
        {"names": ["munmap"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]},
        {"names": ["munmap"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}]},
        {"names": ["mprotect"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 7, "op": "SCMP_CMP_EQ"}]},
        {"names": ["brk"], "action": "SCMP_ACT_ERRNO", "errnoRet": 12, "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]},
        {"names": ["brk"], "action": "SCMP_ACT_ALLOW"},
        {"names": ["sched_yield"], "action": "SCMP_ACT_ERRNO", "errnoRet": 11},
        {"names": ["sched_yield"], "action": "SCMP_ACT_ALLOW"},
        {"names": ["uname"], "action": "SCMP_ACT_ERRNO"},
        {"names": ["uname"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]},
        {"names": ["fchmod"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 1, "value": 0, "op": "SCMP_CMP_MASKED_EQ"}]},
        {"names": ["fchmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "args": [{"index": 1, "value": 7, "op": "SCMP_CMP_EQ"}]},
        {"names": ["kill"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 5, "op": "SCMP_CMP_LT"}]},
        {"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 3, "args": [{"index": 0, "value": 5, "op": "SCMP_CMP_GE"}, {"index": 1, "value": 9, "op": "SCMP_CMP_EQ"}]},
        {"names": ["openat2"], "action": "SCMP_ACT_ALLOW"}
    ]})");
    check_cases(program, {
        {"AND: both hold", x64("mmap", {1, 2}), allow},
        {"AND: the second fails", x64("mmap", {1, 3}), errno_ret(1)},
        {"AND: the first fails", x64("mmap", {0, 2}), errno_ret(1)},
        {"OR: the first rule", x64("munmap", {1}), allow},
        {"OR: the second rule", x64("munmap", {2}), allow},
        {"OR: neither", x64("munmap", {3}), errno_ret(1)},
        {"split: arg0 == 1 alone", x64("mprotect", {1, 0}), allow},
        {"split: arg0 == 2 alone", x64("mprotect", {2, 0}), allow},
        {"split: arg1 == 7 alone", x64("mprotect", {9, 7}), allow},
        {"split: none", x64("mprotect", {9, 8}), errno_ret(1)},
        {"a rule without conditions wins over a conditional one", x64("brk", {1}), allow},
        {"the first of two rules without conditions wins", x64("sched_yield"), errno_ret(11)},
        {"a rule with the default action is skipped, so it does not win", x64("uname", {0}), allow},
        {"... and the default applies otherwise", x64("uname", {1}), errno_ret(1)},
        {"a MASKED_EQ with mask 0 is no condition: the rule wins", x64("fchmod", {0, 7}), allow},
        {"disjoint rules with different actions: the first", x64("kill", {4, 9}), allow},
        {"disjoint rules with different actions: the second", x64("kill", {5, 9}), errno_ret(3)},
        {"disjoint rules with different actions: neither", x64("kill", {5, 8}), errno_ret(1)},
    });
}

TEST_CASE("conditional rules with different actions that can both hold are refused", "[seccomp]")
{
    auto profile = [](const char* a, const char* b) {
        return std::string(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ALLOW", "args": [)") + a +
               R"(]}, {"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 3, "args": [)" + b + "]}]}";
    };
    struct Pair {
        const char* a;
        const char* b;
        bool refused;
    } pairs[] = {
        {R"({"index": 0, "value": 1, "op": "SCMP_CMP_EQ"})", R"({"index": 1, "value": 2, "op": "SCMP_CMP_EQ"})", true},
        {R"({"index": 0, "value": 1, "op": "SCMP_CMP_EQ"})", R"({"index": 0, "value": 2, "op": "SCMP_CMP_EQ"})", false},
        {R"({"index": 0, "value": 1, "op": "SCMP_CMP_EQ"})", R"({"index": 0, "value": 1, "op": "SCMP_CMP_EQ"})", true},
        {R"({"index": 0, "value": 10, "op": "SCMP_CMP_LE"})", R"({"index": 0, "value": 10, "op": "SCMP_CMP_GE"})", true},
        {R"({"index": 0, "value": 10, "op": "SCMP_CMP_LT"})", R"({"index": 0, "value": 10, "op": "SCMP_CMP_GE"})", false},
        {R"({"index": 0, "value": 10, "op": "SCMP_CMP_NE"})", R"({"index": 0, "value": 10, "op": "SCMP_CMP_EQ"})", false},
        {R"({"index": 0, "value": 10, "op": "SCMP_CMP_NE"})", R"({"index": 0, "value": 11, "op": "SCMP_CMP_NE"})", true},
        {R"({"index": 0, "value": 10, "op": "SCMP_CMP_NE"})", R"({"index": 0, "value": 10, "op": "SCMP_CMP_LE"})", true},
        {R"({"index": 0, "value": 15, "valueTwo": 3, "op": "SCMP_CMP_MASKED_EQ"})", R"({"index": 0, "value": 15, "valueTwo": 4, "op": "SCMP_CMP_MASKED_EQ"})", false},
        {R"({"index": 0, "value": 15, "valueTwo": 3, "op": "SCMP_CMP_MASKED_EQ"})", R"({"index": 0, "value": 240, "valueTwo": 16, "op": "SCMP_CMP_MASKED_EQ"})", true},
        {R"({"index": 0, "value": 255, "valueTwo": 16, "op": "SCMP_CMP_MASKED_EQ"})", R"({"index": 0, "value": 15, "op": "SCMP_CMP_LT"})", false},
        {R"({"index": 0, "value": 255, "valueTwo": 16, "op": "SCMP_CMP_MASKED_EQ"})", R"({"index": 0, "value": 16, "op": "SCMP_CMP_LE"})", true},
        {R"({"index": 0, "value": 255, "valueTwo": 16, "op": "SCMP_CMP_MASKED_EQ"})", R"({"index": 0, "value": 17, "op": "SCMP_CMP_GE"})", true},
        {R"({"index": 0, "value": 18446744073709551615, "valueTwo": 16, "op": "SCMP_CMP_MASKED_EQ"})", R"({"index": 0, "value": 16, "op": "SCMP_CMP_NE"})", false},
        {R"({"index": 0, "value": 0, "op": "SCMP_CMP_LT"})", R"({"index": 1, "value": 2, "op": "SCMP_CMP_EQ"})", false},
    };
    for (const Pair& pair : pairs) {
        INFO(pair.a << " and " << pair.b);
        std::string error = compile_error(profile(pair.a, pair.b));
        if (pair.refused)
            CHECK(error.find("cannot compile the seccomp rules for kill on x86_64: two of its rules") == 0);
        else
            CHECK(error == "ok");
    }
}

TEST_CASE("names unknown to an ABI are skipped there; x32 and x86 calls on x86_64; foreign architectures", "[seccomp]")
{
    const char* rules = R"("syscalls": [
        {"names": ["no_such_call", "read", "openat2"], "action": "SCMP_ACT_ALLOW"},
        {"names": ["waitpid"], "action": "SCMP_ACT_ALLOW"},
        {"names": ["breakpoint"], "action": "SCMP_ACT_ALLOW"},
        {"names": ["write"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 4294967298, "op": "SCMP_CMP_EQ"}]}]})";
    Program native_only = compile_text(std::string(R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"], )") + rules);
    check_cases(native_only, {
        {"read", x64("read"), allow},
        {"waitpid is x86's: x86_64's 7 (poll) keeps the default", call(audit_x86_64, 7), errno_ret(1)},
        {"x86 calls: bad architecture (KILL_THREAD)", x86("read"), kill_thread},
        {"x32 calls: bad architecture", x32("read"), kill_thread},
        {"nr -1 (a tracer's skip) on x86_64: the default action", call(audit_x86_64, 0xffffffff), errno_ret(1)},
        {"bit 30 clear above it: the stub's ENOSYS (runc's stub tells x32 by the bit alone)", call(audit_x86_64, 0x80000001), enosys},
        {"bit 30 set above the x32 range: bad architecture", call(audit_x86_64, 0xc0000001), kill_thread},
        {"aarch64 calls: bad architecture", call(audit_aarch64, 63), kill_thread},
    });
    Program all = compile_text(std::string(R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64"], )") + rules);
    check_cases(all, {
        {"x86 read", x86("read"), allow},
        {"x86 waitpid", x86("waitpid"), allow},
        {"x32 read", x32("read"), allow},
        {"x32 write: only the low word compared", x32("write", {2}), allow},
        {"x86_64 write: all 64 bits", x64("write", {2}), errno_ret(1)},
        {"x86_64 write: all 64 bits, equal", x64("write", {0x100000002}), allow},
        {"x32's nr -1: above x32's highest, so ENOSYS", call(audit_x86_64, 0xffffffff), enosys},
        {"aarch64 is not an ABI of this machine: bad architecture", call(audit_aarch64, 63), kill_thread},
    });
    CHECK(compile_error(std::string(R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_S390X"], )") + rules) ==
          "cannot compile linux.seccomp.architectures: libseccomp does not put ABIs of both byte orders in one filter");
}

TEST_CASE("runc's ENOSYS stub: calls above the profile's highest get ENOSYS", "[seccomp]")
{
    Program program = compile_text(R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
        "syscalls": [{"names": ["read", "getpid"], "action": "SCMP_ACT_ALLOW"},
                     {"names": ["getppid"], "action": "SCMP_ACT_ERRNO"},
                     {"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}]}]})");
    // x86_64: getppid (110) is the highest named, though its rule is the default action.
    check_cases(program, {
        {"x86_64 below the highest: the default", call(audit_x86_64, 100), errno_ret(1)},
        {"x86_64 the highest", x64("getppid"), errno_ret(1)},
        {"x86_64 above", call(audit_x86_64, 111), enosys},
        {"x86_64 far above", call(audit_x86_64, 0x3fffffff), enosys},
        {"x32 counts apart: below its highest", call(audit_x86_64, x32_bit | 50), errno_ret(1)},
        {"x32 above its highest", call(audit_x86_64, x32_bit | 111), enosys},
        {"x32 read", x32("read"), allow},
        // x86: socket is multiplexed there, so it does not count: getppid (64) is the highest.
        {"x86 above its highest", call(audit_i386, 65), enosys},
        {"x86 socketcall too, though socket's rule names it", call(audit_i386, 102, {1}), enosys},
        {"x86 getpid", x86("getpid"), allow},
    });
    Program unlisted = compile_text(R"({"defaultAction": "SCMP_ACT_KILL_PROCESS", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}, {"names": ["getpid"], "action": "SCMP_ACT_ALLOW"}]})");
    check_cases(unlisted, {
        {"with no architectures the native one still gets the stub (runc 1.2)", call(audit_x86_64, 40), enosys},
        {"below: the default", call(audit_x86_64, 38), kill_process},
        {"x86 is not in the filter", call(audit_i386, 3), kill_thread},
    });
    Program only_read = compile_text(R"({"defaultAction": "SCMP_ACT_KILL_PROCESS", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]})");
    check_cases(only_read, {
        {"a highest of 0 (read) is no stub at all", call(audit_x86_64, 40), kill_process},
    });
}

TEST_CASE("socketcall and ipc stand in for the calls they multiplex on x86", "[seccomp]")
{
    Program program = compile_text(R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86"],
        "syscalls": [{"names": ["openat2"], "action": "SCMP_ACT_ALLOW"},
                     {"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}, {"index": 2, "value": 6, "op": "SCMP_CMP_EQ"}]},
                     {"names": ["accept"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22},
                     {"names": ["semop", "semget"], "action": "SCMP_ACT_ALLOW"}]})");
    check_cases(program, {
        {"socket itself: both conditions", x86("socket", {2, 1, 6}), allow},
        {"socket itself: argument 0 differs", x86("socket", {10, 1, 6}), errno_ret(1)},
        {"socketcall(SYS_SOCKET): argument 0 selects, argument 2 still compared", call(audit_i386, 102, {1, 0, 6}), allow},
        {"socketcall(SYS_SOCKET): argument 2 differs", call(audit_i386, 102, {1, 0, 7}), errno_ret(1)},
        {"socketcall(SYS_ACCEPT): accept has no call of its own on x86", call(audit_i386, 102, {5}), errno_ret(22)},
        {"socketcall(SYS_BIND): not named", call(audit_i386, 102, {2}), errno_ret(1)},
        {"ipc(SEMOP)", call(audit_i386, 117, {1}), allow},
        {"ipc(SEMGET)", call(audit_i386, 117, {2}), allow},
        {"ipc(SEMCTL): not named", call(audit_i386, 117, {3}), errno_ret(1)},
        {"semget itself (x86 has no semop of its own)", x86("semget"), allow},
        {"x86_64 socket: no multiplexing, both conditions", x64("socket", {2, 1, 6}), allow},
        {"x86_64 accept", x64("accept"), errno_ret(22)},
    });
}

TEST_CASE("other architectures: arm64 with arm, s390x (big-endian) with s390, ppc64le", "[seccomp]")
{
    const std::string profile = R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_S390X", "SCMP_ARCH_S390", "SCMP_ARCH_PPC64LE"],
        "syscalls": [{"names": ["read", "openat2"], "action": "SCMP_ACT_ALLOW"},
                     {"names": ["write"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 1, "value": 4294967298, "op": "SCMP_CMP_GE"}]},
                     {"names": ["socket"], "action": "SCMP_ACT_ALLOW"},
                     {"names": ["cacheflush"], "action": "SCMP_ACT_ALLOW"}]})";
    std::string little = profile;
    const std::string_view s390 = R"(, "SCMP_ARCH_S390X", "SCMP_ARCH_S390")";
    little.replace(little.find(s390), s390.size(), "");
    std::string big = R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_S390X", "SCMP_ARCH_S390"],)" + profile.substr(profile.find("\"syscalls\""));
    check_cases(compile_text(little, Family::aarch64), {
        {"aarch64 read", call(audit_aarch64, 63), allow},
        {"aarch64 write, 64-bit GE", call(audit_aarch64, 64, {0, 0x100000002}), allow},
        {"aarch64 write below", call(audit_aarch64, 64, {0, 2}), errno_ret(1)},
        {"arm write, the low word", call(audit_arm, 4, {0, 2}), allow},
        {"arm cacheflush (0xf0002) is the highest there", call(audit_arm, 0xf0002), allow},
        {"arm 0xf0003: above it", call(audit_arm, 0xf0003), enosys},
        {"aarch64 above openat2", call(audit_aarch64, 438), enosys},
        {"x86_64 here: bad architecture", call(audit_x86_64, 0), kill_thread},
    });
    Program s390x = compile_text(big, Family::s390x);
    check_cases(s390x, {
        {"s390x read", call(audit_s390x, 3), allow},
        {"s390x write, 64-bit GE, big-endian words", call(audit_s390x, 4, {0, 0x100000002}), allow},
        {"s390x write below", call(audit_s390x, 4, {0, 0x100000001}), errno_ret(1)},
        {"s390 write, the low word at +4", call(audit_s390, 4, {0, 2}), allow},
        {"s390 write, the low word below", call(audit_s390, 4, {0, 1}), errno_ret(1)},
        {"s390x call 0 is ENOSYS (the multiplexer of large numbers)", call(audit_s390x, 0), enosys},
        {"s390 call 0 too", call(audit_s390, 0), enosys},
        {"s390x socketcall(SYS_SOCKET)", call(audit_s390x, 102, {1}), allow},
        {"s390x above openat2", call(audit_s390x, 438), enosys},
    }, true);
    std::string ppc = R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_PPC64LE"],)" + profile.substr(profile.find("\"syscalls\""));
    check_cases(compile_text(ppc, Family::ppc64le), {
        {"ppc64le read", call(audit_ppc64le, 3), allow},
        {"ppc64le socket", call(audit_ppc64le, 326), allow},
        {"ppc64le socketcall(SYS_SOCKET)", call(audit_ppc64le, 102, {1}), allow},
        {"ppc64le socketcall(SYS_BIND)", call(audit_ppc64le, 102, {2}), errno_ret(1)},
        {"ppc64le write 64-bit GE", call(audit_ppc64le, 4, {0, 0x100000002}), allow},
    });
}

TEST_CASE("flags for seccomp(2)", "[seccomp]")
{
    auto flags_of = [](const char* flags) {
        return compile_text(std::string(R"({"defaultAction": "SCMP_ACT_ALLOW")") + flags + "}").flags;
    };
    CHECK(flags_of("") == flag_spec_allow);  // runc 1.2's choice when the profile names none
    CHECK(flags_of(R"(, "flags": [])") == 0);
    CHECK(flags_of(R"(, "flags": null)") == flag_spec_allow);
    CHECK(flags_of(R"(, "flags": ["SECCOMP_FILTER_FLAG_LOG"])") == flag_log);
    CHECK(flags_of(R"(, "flags": ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"])") == (flag_tsync | flag_spec_allow));
    CHECK(compile_error(R"({"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]})").find(
              "cannot use SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0);
}

TEST_CASE("no filter at all, as runc: no defaultAction and no syscalls", "[seccomp]")
{
    auto doc = json::parse("{}");
    REQUIRE(doc.ok());
    auto profile = parse_profile(doc.value());
    REQUIRE(profile.ok());
    auto program = compile(profile.value());
    REQUIRE(program.ok());
    CHECK(program.value().count == 0);
}

TEST_CASE("far jumps: hundreds of rules for one call", "[seccomp]")
{
    // Each value with its own high word: no two rules share a test, five instructions each.
    auto value = [](std::uint64_t i) { return (i << 32) | (i * 3); };
    std::string profile = R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["openat2", "read"], "action": "SCMP_ACT_ALLOW"})";
    for (int i = 0; i < 600; ++i)
        profile += R"(, {"names": ["ioctl"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 1, "value": )" + std::to_string(value(i)) + R"(, "op": "SCMP_CMP_EQ"}]})";
    profile += "]}";
    Program program = compile_text(profile);
    CHECK(program.count > 2400);
    check_cases(program, {
        {"the first rule", x64("ioctl", {0, 0}), allow},
        {"between rules", x64("ioctl", {0, 1}), errno_ret(1)},
        {"the last rule, past many far jumps", x64("ioctl", {0, value(599)}), allow},
        {"the last rule's low word alone", x64("ioctl", {0, 599 * 3}), errno_ret(1)},
        {"after the last", x64("ioctl", {0, value(600)}), errno_ret(1)},
        {"a call after ioctl in the search", x64("read"), allow},
        {"x86 is not in the filter", x86("read"), kill_thread},
    });
}

TEST_CASE("many equality rules on one argument share their high word's test: about one instruction a rule, as libseccomp",
          "[seccomp]")
{
    // 1500 values under one high word: runc (libseccomp 2.5.4) makes 1519 instructions of them;
    // five a rule would be 7500, over the kernel's limit, so docker-enter would refuse what runc runs.
    std::string profile = R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86"], "syscalls": [)";
    for (int i = 0; i < 1500; ++i)
        profile += std::string(i ? "," : "") + R"({"names": ["ioctl"], "action": )" +
                   (i % 3 == 2 ? R"("SCMP_ACT_ERRNO", "errnoRet": 7)" : R"("SCMP_ACT_ALLOW")") +
                   R"(, "args": [{"index": 1, "value": )" + std::to_string(i * 2) + R"(, "op": "SCMP_CMP_EQ"}]})";
    // A second high word, a rule repeated, then rules the run does not take in.
    // (Rules that could hold together with another action are refused: none here can.)
    profile += R"(, {"names": ["ioctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 9, "args": [{"index": 1, "value": 4294967299, "op": "SCMP_CMP_EQ"}]})";
    profile += R"(, {"names": ["ioctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 9, "args": [{"index": 1, "value": 4294967301, "op": "SCMP_CMP_EQ"}]})";
    profile += R"(, {"names": ["ioctl"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 1, "value": 0, "op": "SCMP_CMP_EQ"}]})";
    profile += R"(, {"names": ["ioctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 11, "args": [{"index": 1, "value": 12884836352, "op": "SCMP_CMP_GT"}]})";
    profile += "]}";
    Program program = compile_text(profile);
    INFO(program.count << " instructions");
    CHECK(program.count < 3200);  // x86_64 and x86: about 1,550 each
    check_cases(program, {
        {"the first value", x64("ioctl", {0, 0}), allow},
        {"an ERRNO value", x64("ioctl", {0, 4}), errno_ret(7)},
        {"between values", x64("ioctl", {0, 3}), errno_ret(1)},
        {"the last value of the first chunk", x64("ioctl", {0, 119 * 2}), errno_ret(7)},
        {"the first of the second chunk", x64("ioctl", {0, 120 * 2}), allow},
        {"the last value", x64("ioctl", {0, 1499 * 2}), errno_ret(7)},
        {"the last value under another high word", x64("ioctl", {0, (std::uint64_t(1) << 32) | (1499 * 2)}), errno_ret(1)},
        {"the second high word's first value", x64("ioctl", {0, 4294967299}), errno_ret(9)},
        {"the second high word's second value", x64("ioctl", {0, 4294967301}), errno_ret(9)},
        {"the second high word's low word alone", x64("ioctl", {0, 3}), errno_ret(1)},
        {"past the run: GT (0x2ffff0000)", x64("ioctl", {0, 12884836353}), errno_ret(11)},
        {"nothing holds", x64("ioctl", {76, 1}), errno_ret(1)},
        // x86 compares the low 32 bits: 4294967299 is 3 there, 0x2ffff0000 is 0xffff0000.
        {"x86: the first value", x86("ioctl", {0, 0}), allow},
        {"x86: the high word cut away", x86("ioctl", {0, 3}), errno_ret(9)},
        {"x86: past the run: GT", x86("ioctl", {0, 0xffff0001}), errno_ret(11)},
        {"x86: an ERRNO value", x86("ioctl", {0, 4}), errno_ret(7)},
        {"x86: the last value", x86("ioctl", {0, 1499 * 2}), errno_ret(7)},
        {"x86: between values", x86("ioctl", {0, 1499 * 2 + 1}), errno_ret(1)},
    });
}

TEST_CASE("equality runs against a plain reading of the rules, at random", "[seccomp]")
{
    // The first rule whose value is the argument's decides; none, the default.
    std::mt19937_64 random(25);
    const std::uint64_t highs[] = {0, 1, 0xffffffff, 0x12345678};
    for (int round = 0; round < 20; ++round) {
        std::map<std::uint64_t, std::uint32_t> first_action;
        std::vector<std::uint64_t> values;
        std::string profile = R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [)";
        int rules = 1 + static_cast<int>(random() % 400);
        for (int i = 0; i < rules; ++i) {
            std::uint64_t value = (highs[random() % 4] << 32) | (random() % 64);
            std::uint32_t errno_value = 2 + random() % 4;
            std::uint32_t action = random() % 3 == 0 ? allow : errno_ret(errno_value);
            if (first_action.count(value))  // one action a value: two could hold together
                action = first_action[value];
            else
                first_action[value] = action;
            values.push_back(value);
            profile += std::string(i ? "," : "") + R"({"names": ["ioctl"], "action": )" +
                       (action == allow ? std::string(R"("SCMP_ACT_ALLOW")")
                                        : R"("SCMP_ACT_ERRNO", "errnoRet": )" + std::to_string(action & 0xffff)) +
                       R"(, "args": [{"index": 2, "value": )" + std::to_string(value) + R"(, "op": "SCMP_CMP_EQ"}]})";
        }
        profile += "]}";
        for (Family family : {Family::x86_64, Family::s390x}) {
            bool big = family == Family::s390x;
            Program program = compile_text(family == Family::s390x
                                               ? std::string(R"({"architectures": ["SCMP_ARCH_S390X"],)") + profile.substr(1)
                                               : profile,
                                           family);
            std::uint32_t audit = big ? audit_s390x : audit_x86_64;
            std::uint32_t ioctl = big ? syscall_nr("ioctl", Abi::s390x) : syscall_nr("ioctl");
            std::vector<std::uint64_t> asked = values;
            for (int i = 0; i < 200; ++i)
                asked.push_back((highs[random() % 4] << 32) | (random() % 80));
            for (std::uint64_t value : asked) {
                std::uint32_t expected = first_action.count(value) ? first_action[value] : errno_ret(1);
                INFO("round " << round << ", " << rules << " rules, value " << std::hex << value << (big ? ", s390x" : ""));
                CHECK(run(program, call(audit, ioctl, {0, 0, value}), big) == expected);
            }
        }
    }
}

TEST_CASE("a profile over the kernel's 4096 instructions is refused, saying how long it is", "[seccomp]")
{
    std::string profile = R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [)";
    for (int i = 0; i < 1500; ++i)
        profile += std::string(i ? "," : "") + R"({"names": ["ioctl"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 1, "value": )" +
                   std::to_string((std::uint64_t(i) << 32) | i) + R"(, "op": "SCMP_CMP_EQ"}]})";
    profile += "]}";
    // Each its own high word: 7,500 instructions (libseccomp: 6,034, which the kernel refuses too).
    std::string error = compile_error(profile);
    CHECK(error.find("the seccomp profile compiles to ") == 0);
    CHECK(error.find(" instructions: over the kernel's limit of 4096 (BPF_MAXINSNS)") != std::string::npos);
}

TEST_CASE("Docker's and Podman's default profiles", "[seccomp]")
{
    Program docker = compile_text(fixture("seccomp-docker-default.json"));
    Program podman = compile_text(fixture("seccomp-podman-default.json"));
    std::printf("seccomp: Docker's default profile compiles to %zu instructions, Podman's to %zu (x86_64, x86, x32)\n",
                docker.count, podman.count);
    CHECK(docker.count < 1024);
    CHECK(podman.count < 1024);
    constexpr std::uint32_t clone_newuser = 0x10000000;
    check_cases(docker, {
        {"read", x64("read"), allow},
        {"mount: default EPERM", x64("mount"), errno_ret(1)},
        {"clone3: ENOSYS so glibc falls back to clone", x64("clone3"), errno_ret(38)},
        {"clone without namespace flags", x64("clone", {0x01200011}), allow},
        {"clone with CLONE_NEWUSER", x64("clone", {clone_newuser}), errno_ret(1)},
        {"personality(0)", x64("personality", {0}), allow},
        {"personality(0xffffffff)", x64("personality", {0xffffffff}), allow},
        {"personality(1)", x64("personality", {1}), errno_ret(1)},
        {"socket(AF_INET)", x64("socket", {2, 1, 0}), allow},
        {"socket(AF_VSOCK)", x64("socket", {40, 1, 0}), errno_ret(1)},
        {"socket(AF_ALG)", x64("socket", {38, 1, 0}), errno_ret(1)},
        {"ptrace (kernel 4.8 and later)", x64("ptrace"), allow},
        {"arch_prctl", x64("arch_prctl"), allow},
        {"a call newer than the profile: ENOSYS", call(audit_x86_64, 1000), enosys},
        {"cachestat (Linux 6.5)", x64("cachestat"), allow},
        {"listmount (Linux 6.8)", x64("listmount"), allow},
        {"lsm_list_modules (Linux 6.8, not named): the default EPERM", x64("lsm_list_modules"), errno_ret(1)},
        {"mseal (Linux 6.10), the highest name the tables know", x64("mseal"), allow},
        {"uretprobe (Linux 6.11)", x64("uretprobe"), allow},
        {"setxattrat (Linux 6.13), named but newer than the tables: ENOSYS", call(audit_x86_64, 463), enosys},
        {"x32 map_shadow_stack", x32("map_shadow_stack"), allow},
        {"x32 mseal", x32("mseal"), allow},
        {"x32 setxattrat: under x32's limit (its calls 512-547), the default EPERM", call(audit_x86_64, x32_bit | 463),
         errno_ret(1)},
        {"x86 read", x86("read"), allow},
        {"x86 socketcall (allowed by name)", call(audit_i386, 102, {40}), allow},
        {"x86 waitpid", x86("waitpid"), allow},
        {"x32 read", x32("read"), allow},
        {"x32 mount", x32("mount"), errno_ret(1)},
        {"aarch64: bad architecture", call(audit_aarch64, 63), kill_thread},
    });
    check_cases(podman, {
        {"read", x64("read"), allow},
        {"mount", x64("mount"), allow},
        {"kexec_load: EPERM", x64("kexec_load"), errno_ret(1)},
        {"reboot", x64("reboot"), allow},
        {"ustat: EPERM", x64("ustat"), errno_ret(1)},
        {"create_module: not named, the default ENOSYS", x64("create_module"), enosys},
        {"open_by_handle_at: EPERM", x64("open_by_handle_at"), errno_ret(1)},
        {"socket(AF_NETLINK, NETLINK_AUDIT): EINVAL", x64("socket", {16, 3, 9}), errno_ret(22)},
        {"socket(AF_NETLINK, NETLINK_ROUTE)", x64("socket", {16, 3, 0}), allow},
        {"socket(AF_INET, 9)", x64("socket", {2, 1, 9}), allow},
        {"personality(8)", x64("personality", {8}), allow},
        {"personality(1)", x64("personality", {1}), enosys},
        {"x86 socket(AF_NETLINK, NETLINK_AUDIT)", x86("socket", {16, 3, 9}), errno_ret(22)},
        {"a call newer than the profile", call(audit_x86_64, 1000), enosys},
    });
}
