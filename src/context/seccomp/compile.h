// A Profile (profile.h) compiled to the classic BPF program that runc 1.2
// with libseccomp 2.5 installs for it, when that libseccomp knows the same
// call names (see Names): a process under our program gets the same action
// for every system call, argument values and ABI. The program's
// shape is our own (a binary search over ranges of call numbers, each
// range's action returned in place; a call's equality rules on one argument
// tried by high word, about one instruction a rule, as compact as
// libseccomp's, so that what fits the kernel's limit for runc fits here);
// its meaning is theirs:
//
// ABIs. The build's architecture decides the native ABI and the others its
// kernel runs (x86_64: x86_64, x86 and x32; arm64: aarch64 and arm; armhf:
// arm and aarch64; ppc64le; s390x: s390x and s390). As libseccomp, the
// filter has the native ABI always and the others when `architectures` names
// them; a call from any other ABI gets the bad-architecture action,
// SECCOMP_RET_KILL_THREAD (libseccomp's default, which runc keeps). x32
// shares x86_64's AUDIT_ARCH and is told apart by __X32_SYSCALL_BIT: with x32
// out of the filter, an x86_64 call with the bit set is a bad architecture,
// except nr -1 (a tracer's skipped call), which gets the default action.
// Architectures of other machines (SCMP_ARCH_MIPS, PPC64, RISCV64...) name
// ABIs no process here can use and add nothing; those of the other byte
// order are refused, as libseccomp refuses to mix them in one filter.
//
// Names. Each name is looked up per ABI in the kernel's tables
// (syscall_tables.h: Linux 6.12's headers); a name an ABI lacks adds nothing
// there and does not count toward the ENOSYS limit below, exactly as runc
// skips a name its libseccomp cannot resolve (a debug log, no rule) and
// computes its limit from the names it can (patchbpf's findLastSyscalls).
// So the runtime beside nskit agrees call for call when its libseccomp knows
// the same names, and legitimately differs where it knows fewer: Debian 12's
// runc 1.1.5 links libseccomp 2.5.4-1+deb12u1 (Linux 6.7's calls), and for
// a profile naming newer calls (Docker 26+'s default allows statmount,
// listmount, mseal...) it skips them: on x86_64 its limit stays at 456, so
// 457-462 are ENOSYS whatever the profile says, where nskit applies each
// rule and sets the limit at mseal (462), a call under it that the profile
// does not name getting the default action; on x32 runc's limit is x32's own
// calls' (547), so the skipped calls get the default action there (so does
// x32's map_shadow_stack, which that libseccomp alone lacks). nskit cannot
// follow the runtime there: which names it knows is a property of the
// library it links, seen neither in its record (config.json) nor in a
// version it states (Debian patches its libseccomp's table). The kernel's
// own list is the one answer that needs no guess, and with it nskit follows
// the profile as written. tests/integration/seccomp.sh checks both halves:
// the compiler given exactly the names runc's libseccomp resolves gives
// every call runc's answer, and its own program differs only there.
// On x86, ppc64le, s390 and s390x the calls socketcall(2) and ipc(2)
// multiplex (socket, bind, ..., semop, shmat...) are also matched as
// socketcall/ipc with argument 0 equal to the call's number, the rule's
// other conditions kept and its own argument-0 condition replaced, as
// libseccomp does.
//
// Rules. A rule whose action is the default action is skipped (runc). The
// conditions of one rule must all hold (AND), unless two of them compare the
// same argument: then runc adds each condition as a rule of its own (OR).
// Several rules for one call: a rule without conditions wins over every
// conditional one, the first such rule when there are several (libseccomp);
// otherwise the first whose conditions hold. Conditional rules with
// different actions that can hold together are refused: libseccomp's choice
// between them follows its internal tree order, or fails (EEXIST), so no
// faithful answer exists. Comparisons are of 64 bits, unsigned, on 64-bit
// ABIs; on x86, x32, arm and s390 only the low 32 bits of the argument and of
// the value are compared, as libseccomp does. SCMP_CMP_MASKED_EQ compares
// (argument & value) with (valueTwo & value); with a mask of 0 it is no
// condition at all.
//
// ENOSYS. Unless the default action is ALLOW, LOG or TRACE, runc puts a stub
// in front (patchbpf): for each ABI of `architectures` and the native one
// (runc 1.2; runc 1.1 leaves the native one out when unlisted), a call
// numbered above the highest the profile names on that ABI returns ENOSYS,
// so a newer kernel's calls look absent rather than forbidden. Every name of
// the profile counts, whatever its rule; on x86_64 the x32 numbers count
// apart; an ABI whose highest is 0 gets no stub; on s390 and s390x call 0
// (the multiplexer of unknown large numbers) is ENOSYS too. Names of
// multiplexed calls do not count where they are multiplexed (libseccomp
// resolves them to pseudo numbers there).
//
// Flags: those the profile names (TSYNC too: harmless in a single-threaded
// caller, where runc drops it), or SPEC_ALLOW when it names none (runc 1.2).
// WAIT_KILLABLE_RECV is refused: it only applies to a notify listener.
//
// liblxc (profile.h's Loader) hands libseccomp its rules itself: no ENOSYS
// stub, no flags (lxc_policy.h's Profile names none), and a name applies on
// an ABI only where libseccomp resolves it to a number of the ABI's own
// there, which excludes the calls socketcall and ipc carry (rules.h). What
// it refuses is refused when its policy is read (lxc_policy.h).
#pragma once

#include <cstdint>

#include "base/buffer.h"
#include "base/result.h"
#include "context/seccomp/profile.h"

namespace nskit::seccomp {

// struct sock_filter.
struct Instruction {
    std::uint16_t code;
    std::uint8_t jt, jf;
    std::uint32_t k;
};
static_assert(sizeof(Instruction) == 8);

inline constexpr std::size_t max_instructions = 4096;  // BPF_MAXINSNS

// What nskit is built for, and so which ABIs its processes may use.
enum class Family : std::uint8_t { x86_64, aarch64, arm, ppc64le, s390x };
Family native_family();

struct Program {
    Buffer code;                // `count` Instructions
    std::size_t count = 0;      // 0: the profile installs no filter
    std::uint32_t flags = 0;    // SECCOMP_FILTER_FLAG_* for seccomp(SECCOMP_SET_MODE_FILTER, flags, ...)

    const Instruction* instructions() const { return reinterpret_cast<const Instruction*>(code.data()); }
};

// Compiles `profile` for the ABIs of `family`. Refuses (with the reason)
// what runc would refuse or what has no faithful program: see above, and a
// program over the kernel's 4096 instructions.
Result<Program> compile(const Profile& profile, Family family = native_family());

}  // namespace nskit::seccomp
