// The rules of a Profile as they apply to one ABI: what runc and libseccomp
// make of them before any code is generated (compile.h says what and why).
// For each call number the ABI's rules name, either one action for every
// argument or a list of conditional rules to try in order.
#pragma once

#include <cstdint>

#include "base/result.h"
#include "context/seccomp/array.h"
#include "context/seccomp/profile.h"
#include "context/seccomp/syscall_tables.h"

namespace nskit::seccomp {

// Arguments of 64 bits on this ABI (else libseccomp compares their low 32).
bool wide_arguments(Abi abi);
// socketcall(2) and ipc(2) stand in for the calls they multiplex on this ABI.
bool multiplexes(Abi abi);

// Whether libseccomp gives liblxc a number of the ABI's own for `rule`'s name
// (seccomp_syscall_resolve_name_arch >= 0), which liblxc adds a rule for
// only then: a name the ABI has, but none that socketcall or ipc carries there.
bool liblxc_resolves(const Rule& rule, Abi abi);

struct ResolvedRule {
    std::uint32_t action = 0;
    std::uint32_t count = 0;  // conditions, all of which must hold
    Condition conditions[6];  // each on its own argument; values cut to the ABI's width
};

struct Call {
    std::uint32_t number = 0;
    bool conditional = false;
    std::uint32_t action = 0;      // when not conditional
    std::uint32_t first_rule = 0;  // when conditional: rules[first_rule ...]
    std::uint32_t rule_count = 0;
};

// One rule of a profile as it applies to one call number of an ABI, kept as
// where it comes from rather than as its conditions: most rules have none,
// and only a call with conditional rules needs them spelt out. resolve_rules'
// own work.
struct Pending {
    std::uint32_t number;
    std::uint32_t sequence;       // in resolution order, which decides among unconditional rules
    std::uint32_t profile_rule;
    std::uint32_t only_condition;  // runc's OR split: this condition of the rule alone; all_conditions when not split
    bool via_multiplexer;         // on socketcall or ipc, argument 0 selecting `selector`
    std::uint8_t selector;        // socketcall's and ipc's are under 32
};
inline constexpr std::uint32_t all_conditions = ~std::uint32_t(0);

struct AbiRules {
    Abi abi = Abi::x86_64;
    Array<Call> calls;  // sorted by number
    Array<ResolvedRule> rules;
    // resolve_rules' work. Every page the kernel hands out fresh costs a
    // page fault, so one AbiRules serves ABI after ABI, its arrays cleared
    // and their pages kept.
    Array<Pending> pending;
};

// The calls of `abi` that `profile`'s rules decide, into `out` (its arrays cleared first).
Result<void> resolve_rules(const Profile& profile, Abi abi, AbiRules& out);

// The highest number any rule of `profile` names on `abi`, 0 when none: the
// limit of runc's ENOSYS stub.
std::uint32_t highest_named(const Profile& profile, Abi abi);

// Whether some argument values satisfy both rules, on an ABI of `wide` arguments.
bool can_hold_together(const ResolvedRule& a, const ResolvedRule& b, bool wide);

}  // namespace nskit::seccomp
