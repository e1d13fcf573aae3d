// An OCI runtime configuration's linux.seccomp, read strictly: every field
// the runtime-spec defines (config-linux.md#seccomp) is understood or the
// profile is refused with an Error naming the field; nothing is dropped.
// The values are kept as runc hands them to libseccomp: each name of a
// syscalls[] entry is one rule, in the profile's order, and every action is
// already its SECCOMP_RET_* value (SCMP_ACT_KILL is KILL_THREAD, errnoRet
// EPERM when absent). compile.h turns a Profile into a program. LXC's own
// policy language reads into a Profile too (lxc_policy.h), for liblxc.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/result.h"
#include "base/text.h"
#include "context/seccomp/array.h"
#include "base/json.h"
#include "context/seccomp/syscall_tables.h"

namespace nskit::seccomp {

// SECCOMP_RET_* (linux/seccomp.h); ERRNO and TRACE carry 16 bits of data.
inline constexpr std::uint32_t ret_kill_process = 0x80000000;
inline constexpr std::uint32_t ret_kill_thread = 0x00000000;
inline constexpr std::uint32_t ret_trap = 0x00030000;
inline constexpr std::uint32_t ret_errno = 0x00050000;
inline constexpr std::uint32_t ret_trace = 0x7ff00000;
inline constexpr std::uint32_t ret_log = 0x7ffc0000;
inline constexpr std::uint32_t ret_allow = 0x7fff0000;

// SECCOMP_FILTER_FLAG_* (linux/seccomp.h), for seccomp(SECCOMP_SET_MODE_FILTER, flags, ...).
inline constexpr std::uint32_t flag_tsync = 1u << 0;
inline constexpr std::uint32_t flag_log = 1u << 1;
inline constexpr std::uint32_t flag_spec_allow = 1u << 2;
inline constexpr std::uint32_t flag_wait_killable_recv = 1u << 5;

// Argument comparisons, SCMP_CMP_*.
enum class Op : std::uint8_t { not_equal, less, less_or_equal, equal, greater_or_equal, greater, masked_equal };

struct Condition {
    std::uint64_t value = 0;      // masked_equal: the mask
    std::uint64_t value_two = 0;  // masked_equal: what the masked argument must equal
    std::uint8_t index = 0;       // 0 ... 5
    Op op = Op::equal;
};

struct Rule {
    // The name, in Profile::names (Profile::name_of), and what the tables
    // say of it, looked up once when it was read (Profile::name_rule), not
    // for every ABI the rule is compiled for.
    std::uint32_t name_at = 0;
    std::uint8_t name_size = 0;
    bool name_fits = true;            // false: longer than any system call's name
    const SyscallRow* row = nullptr;  // null when no ABI has the call
    Multiplexed via{};                // socketcall(2) or ipc(2), where they carry the call; multiplexer null for others
    std::uint32_t action = 0;    // SECCOMP_RET_* | data
    std::uint32_t first_condition = 0;  // in Profile::conditions
    std::uint32_t condition_count = 0;
    // LXC's version 1 names calls by their number on the native ABI: such a
    // rule applies on that ABI alone, by name when the tables know the
    // number, else by `number` with an empty name.
    bool one_abi = false;
    Abi abi = Abi::x86_64;
    std::uint32_t number = 0;
};

// The longest name a rule keeps; longer ones are no system call's.
inline constexpr std::size_t longest_name = 47;

// libseccomp's architecture tokens that runc knows (SCMP_ARCH_*).
enum class Arch : std::uint8_t {
    x86, x86_64, x32, arm, aarch64, mips, mips64, mips64n32, mipsel, mipsel64, mipsel64n32,
    ppc, ppc64, ppc64le, riscv64, s390, s390x,
};
inline constexpr std::uint32_t arch_bit(Arch arch) { return 1u << static_cast<unsigned>(arch); }

// Who hands the rules to libseccomp, where that changes the filter (compile.h):
//   runc    seccomp_rule_add, a rule equal to the default action skipped, and
//           its ENOSYS stub in front of libseccomp's program;
//   liblxc  seccomp_rule_add_exact, per ABI: a name applies only on an ABI
//           where libseccomp resolves it to a number of the ABI's own, never
//           on one where socketcall or ipc carries the call (rules.h); a rule
//           whose action is the default action fails the whole policy
//           (libseccomp's EACCES: lxc_policy.h refuses it); no stub.
enum class Loader : std::uint8_t { runc, liblxc };

struct Profile {
    Loader loader = Loader::runc;
    bool filter = true;           // false: runc installs none (no defaultAction and no syscalls)
    std::uint32_t default_action = 0;
    std::uint32_t architectures = 0;  // arch_bit()s
    std::uint32_t flags = 0;      // SECCOMP_FILTER_FLAG_*, as runc passes them
    bool flags_given = false;     // "flags" present (runc 1.2 chooses SPEC_ALLOW when absent)
    Array<Rule> rules;
    Array<Condition> conditions;
    Buffer names;  // the rules' names, one after the other

    std::span<const Condition> conditions_of(const Rule& rule) const
    {
        return conditions.view().subspan(rule.first_condition, rule.condition_count);
    }
    std::string_view name_of(const Rule& rule) const { return names.view().substr(rule.name_at, rule.name_size); }
    // Gives `rule` the name `text` and looks it up in the tables; a name
    // over longest_name is kept cut and marked as not fitting. False when
    // out of memory.
    [[nodiscard]] bool name_rule(Rule& rule, std::string_view text);
};

// Reads linux.seccomp (`seccomp`, an object).
Result<Profile> parse_profile(json::Value seccomp);

// Reads a whole config.json's linux.seccomp; a Profile without a filter when it has none.
Result<Profile> parse_config_profile(json::Value config);
Result<Profile> parse_config_profile(std::string_view config_json);

// SECCOMP_RET_ALLOW, _LOG and _TRACE: actions runc's ENOSYS patch leaves alone.
bool permissive(std::uint32_t action);

}  // namespace nskit::seccomp
