// For the seccomp tests: a classic BPF interpreter that runs a compiled
// program on one system call (seccomp_data in, the filter's return value
// out), the way the kernel would, and helpers to compile a profile's text.
#pragma once

#include <catch2/catch.hpp>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <stdexcept>
#include <string>

#include "context/seccomp/compile.h"
#include "context/seccomp/profile.h"
#include "context/seccomp/syscall_tables.h"

namespace seccomp_test {

using namespace nskit;
using namespace nskit::seccomp;

// AUDIT_ARCH_* (linux/audit.h), as the kernel fills seccomp_data.arch.
constexpr std::uint32_t audit_x86_64 = 0xc000003e, audit_i386 = 0x40000003, audit_aarch64 = 0xc00000b7,
                        audit_arm = 0x40000028, audit_ppc64le = 0xc0000015, audit_s390x = 0x80000016,
                        audit_s390 = 0x00000016;
constexpr std::uint32_t x32_bit = 0x40000000;

constexpr std::uint32_t allow = ret_allow, kill_thread = ret_kill_thread, kill_process = ret_kill_process,
                        trap = ret_trap, log_action = ret_log;
constexpr std::uint32_t errno_ret(std::uint32_t e) { return ret_errno | e; }
constexpr std::uint32_t trace(std::uint32_t e) { return ret_trace | e; }
constexpr std::uint32_t enosys = ret_errno | 38;

struct SyscallData {
    std::uint32_t nr;
    std::uint32_t arch;
    std::uint64_t args[6];
};

// Runs `program` on `call` (seccomp_data in the byte order of a big-endian
// kernel when `big_endian`). Throws on what the kernel's checker would refuse
// or on an instruction the compiler never emits.
inline std::uint32_t run(const Program& program, const SyscallData& call, bool big_endian = false)
{
    unsigned char data[64] = {};
    auto put = [&](std::size_t at, std::uint64_t value, std::size_t size) {
        for (std::size_t i = 0; i < size; ++i) {
            std::size_t shift = big_endian ? 8 * (size - 1 - i) : 8 * i;
            data[at + i] = static_cast<unsigned char>(value >> shift);
        }
    };
    put(0, call.nr, 4);
    put(4, call.arch, 4);
    for (int i = 0; i < 6; ++i)
        put(16 + 8 * i, call.args[i], 8);
    auto word = [&](std::uint32_t at) {
        if (at % 4 != 0 || at + 4 > sizeof data)
            throw std::runtime_error("load outside seccomp_data");
        std::uint32_t value = 0;
        for (std::size_t i = 0; i < 4; ++i) {
            std::size_t shift = big_endian ? 8 * (3 - i) : 8 * i;
            value |= std::uint32_t(data[at + i]) << shift;
        }
        return value;
    };
    if (program.count == 0 || program.count > max_instructions)
        throw std::runtime_error("no program, or too long");
    const Instruction* code = program.instructions();
    std::uint32_t a = 0;
    for (std::size_t pc = 0; pc < program.count; ++pc) {
        const Instruction& i = code[pc];
        auto branch = [&](bool taken) { pc += taken ? i.jt : i.jf; };
        switch (i.code) {
        case 0x20: a = word(i.k); break;             // ld [k]
        case 0x54: a &= i.k; break;                  // and #k
        case 0x05: pc += i.k; break;                 // ja
        case 0x15: branch(a == i.k); break;          // jeq
        case 0x25: branch(a > i.k); break;           // jgt
        case 0x35: branch(a >= i.k); break;          // jge
        case 0x45: branch((a & i.k) != 0); break;    // jset
        case 0x06: return i.k;                       // ret #k
        default: throw std::runtime_error("unexpected BPF instruction " + std::to_string(i.code));
        }
    }
    throw std::runtime_error("the program runs off its end");
}

inline std::string error_text(const Error& e)
{
    return std::string(e.what.view()) + ": " + e.why();
}

// A Result's value; a failed one throws with its Error's text (after `context`, when given).
template <class T>
T value_or_throw(Result<T> result, const std::string& context = "")
{
    if (!result.ok())
        throw std::runtime_error(context + error_text(result.error()));
    return result.take_value();
}

// The number of a system call by name on `abi`; throws when the table has none.
inline std::uint32_t syscall_nr(const char* name, Abi abi = Abi::x86_64)
{
    auto n = syscall_number(name, abi);
    if (!n)
        throw std::runtime_error(std::string("no ") + name + " on " + abi_name(abi));
    return *n;
}

// The profile's text (a linux.seccomp object) compiled for `family`; throws with the Error's text.
inline Program compile_text(const std::string& text, Family family = Family::x86_64)
{
    auto doc = value_or_throw(json::parse(text), "bad JSON: ");
    auto profile = value_or_throw(parse_profile(doc));
    return value_or_throw(compile(profile, family));
}

// The error compiling (or parsing) `text` gives, "ok" when none.
inline std::string compile_error(const std::string& text, Family family = Family::x86_64)
{
    try {
        compile_text(text, family);
        return "ok";
    } catch (const std::runtime_error& e) {
        return e.what();
    }
}

inline SyscallData call(std::uint32_t arch, std::uint32_t nr, std::initializer_list<std::uint64_t> args = {})
{
    SyscallData data{nr, arch, {}};
    std::size_t i = 0;
    for (std::uint64_t arg : args)
        data.args[i++] = arg;
    return data;
}

// A file of tests/unit/fixtures/, found from the working directory or the test binary's.
// A call the program is run on, what it is, and the return value expected.
struct Case {
    const char* what;
    SyscallData call;
    std::uint32_t expected;
};

// Runs `program` on each case (Catch2's CHECK, with the case named).
inline void check_cases(const Program& program, std::initializer_list<Case> cases, bool big_endian = false)
{
    for (const Case& c : cases) {
        INFO(c.what << " (nr " << c.call.nr << ", arch " << std::hex << c.call.arch << ")");
        CHECK(run(program, c.call, big_endian) == c.expected);
    }
}

inline std::string fixture(const std::string& name)
{
    char self[4096] = {};
    ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    std::string binary_dir = n > 0 ? std::string(self, static_cast<std::size_t>(n)) : "";
    binary_dir = binary_dir.substr(0, binary_dir.rfind('/'));
    for (const std::string& dir : {std::string("tests/unit/fixtures/"), binary_dir + "/../tests/unit/fixtures/",
                                   binary_dir + "/../../tests/unit/fixtures/"}) {
        std::ifstream in(dir + name);
        if (in) {
            std::stringstream text;
            text << in.rdbuf();
            return text.str();
        }
    }
    throw std::runtime_error("fixture not found: " + name);
}

}  // namespace seccomp_test
