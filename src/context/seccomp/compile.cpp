#include "context/seccomp/compile.h"

#include <errno.h>

#include "context/seccomp/assembler.h"
#include "context/seccomp/rules.h"

namespace nskit::seccomp {

namespace {

// AUDIT_ARCH_* (linux/audit.h): what the kernel puts in seccomp_data.arch.
constexpr std::uint32_t audit_x86_64 = 0xc000003e;  // x86_64 and x32
constexpr std::uint32_t audit_i386 = 0x40000003;
constexpr std::uint32_t audit_aarch64 = 0xc00000b7;
constexpr std::uint32_t audit_arm = 0x40000028;
constexpr std::uint32_t audit_ppc64le = 0xc0000015;
constexpr std::uint32_t audit_s390x = 0x80000016;
constexpr std::uint32_t audit_s390 = 0x00000016;
constexpr std::uint32_t x32_syscall_bit = 0x40000000;

// struct seccomp_data: nr, arch, instruction_pointer, args[6].
constexpr std::uint32_t offset_nr = 0;
constexpr std::uint32_t offset_arch = 4;
constexpr std::uint32_t offset_args = 16;

constexpr std::uint32_t bad_arch_action = ret_kill_thread;  // libseccomp's default, which runc keeps
constexpr std::uint32_t enosys_action = ret_errno | 38;     // ENOSYS

struct AbiFacts {
    Arch token;  // the SCMP_ARCH_* that puts it in the filter
    std::uint32_t audit;
};
constexpr AbiFacts abi_facts[abi_count] = {
    {Arch::x86_64, audit_x86_64}, {Arch::x86, audit_i386},        {Arch::x32, audit_x86_64},
    {Arch::aarch64, audit_aarch64}, {Arch::arm, audit_arm},       {Arch::ppc64le, audit_ppc64le},
    {Arch::s390x, audit_s390x},   {Arch::s390, audit_s390},
};
const AbiFacts& facts(Abi abi) { return abi_facts[static_cast<std::size_t>(abi)]; }

struct FamilyFacts {
    Abi abis[3];  // the native one first
    std::size_t abi_count;
    bool big_endian;
};
FamilyFacts family_facts(Family family)
{
    switch (family) {
    case Family::x86_64: return {{Abi::x86_64, Abi::x86, Abi::x32}, 3, false};
    case Family::aarch64: return {{Abi::aarch64, Abi::arm}, 2, false};
    case Family::arm: return {{Abi::arm, Abi::aarch64}, 2, false};
    case Family::ppc64le: return {{Abi::ppc64le}, 1, false};
    case Family::s390x: return {{Abi::s390x, Abi::s390}, 2, true};
    }
    return {{Abi::x86_64}, 1, false};
}

bool big_endian(Arch arch)
{
    switch (arch) {
    case Arch::mips: case Arch::mips64: case Arch::mips64n32: case Arch::ppc: case Arch::ppc64:
    case Arch::s390: case Arch::s390x:
        return true;
    default:
        return false;
    }
}

// The ABIs that share one AUDIT_ARCH value: x86_64 with x32, or one alone.
struct Block {
    std::uint32_t audit = 0;
    AbiRules rules[2];
    std::uint32_t enosys_above[2] = {0, 0};  // runc's stub: ENOSYS above this number (0: no stub)
    std::size_t abi_count = 0;
};

// What the program does with one call number of a block.
struct Outcome {
    const Call* call = nullptr;  // conditional rules decide; else `action`
    const AbiRules* rules = nullptr;
    std::uint32_t action = 0;
    bool operator==(const Outcome& other) const
    {
        return !call && !other.call && action == other.action;
    }
};

const Call* find_call(const AbiRules& rules, std::uint32_t number)
{
    std::size_t low = 0, high = rules.calls.size();
    while (low < high) {
        std::size_t middle = low + (high - low) / 2;
        if (rules.calls[middle].number == number)
            return &rules.calls[middle];
        if (rules.calls[middle].number < number)
            low = middle + 1;
        else
            high = middle;
    }
    return nullptr;
}

// The meaning of call `nr` in `block`, in runc's order: the ENOSYS stub, then
// libseccomp's filter (x32 check, the rules, the default action).
Outcome outcome_at(const Block& block, std::uint32_t nr, std::uint32_t default_action)
{
    for (std::size_t i = 0; i < block.abi_count; ++i) {
        Abi abi = block.rules[i].abi;
        std::uint32_t limit = block.enosys_above[i];
        if (limit == 0)
            continue;
        // On x86_64 the stub tells x32 by bit 30 alone (jset).
        if (block.audit == audit_x86_64 && ((nr & x32_syscall_bit) != 0) != (abi == Abi::x32))
            continue;
        if ((abi == Abi::s390 || abi == Abi::s390x) && nr == 0)
            return {nullptr, nullptr, enosys_action};
        if (nr > limit)
            return {nullptr, nullptr, enosys_action};
    }
    if (block.audit == audit_x86_64 && block.abi_count == 1 && nr >= x32_syscall_bit)
        return {nullptr, nullptr, nr == 0xffffffff ? default_action : bad_arch_action};
    for (std::size_t i = 0; i < block.abi_count; ++i)
        if (const Call* call = find_call(block.rules[i], nr))
            return call->conditional ? Outcome{call, &block.rules[i], 0} : Outcome{nullptr, nullptr, call->action};
    return {nullptr, nullptr, default_action};
}

struct Segment {
    std::uint64_t start;  // up to the next segment's start
    Outcome outcome;
};

// The call numbers 0 ... 2^32-1 of `block` cut into ranges of one outcome.
// The outcome only changes where a rule's number, a stub limit or an x32
// boundary begins or ends: from each start, the next range begins at the
// nearest of those above it (the ABIs' calls are sorted, so each is walked once).
Result<void> segments_of(const Block& block, std::uint32_t default_action, Array<Segment>& segments)
{
    constexpr std::uint64_t end = std::uint64_t(1) << 32;
    const std::uint64_t fixed[] = {1,
                                   0x40000000,
                                   0x80000000,
                                   0xc0000000,
                                   0xffffffff,
                                   std::uint64_t(block.enosys_above[0]) + 1,
                                   std::uint64_t(block.enosys_above[1]) + 1};
    std::size_t next_call[2] = {0, 0};
    for (std::uint64_t start = 0; start < end;) {
        Outcome outcome = outcome_at(block, static_cast<std::uint32_t>(start), default_action);
        if (segments.empty() || !(segments[segments.size() - 1].outcome == outcome))
            if (!segments.push({start, outcome}))
                return Error::from_errno(ENOMEM, "cannot compile the seccomp profile");
        std::uint64_t next = end;
        for (std::uint64_t cut : fixed)
            if (cut > start && cut < next)
                next = cut;
        for (std::size_t i = 0; i < block.abi_count; ++i) {
            std::span<const Call> calls = block.rules[i].calls.view();
            std::size_t& at = next_call[i];
            while (at < calls.size() && calls[at].number < start)
                ++at;
            if (at == calls.size())
                continue;
            // A call's own number begins a range, and so does the number after it.
            std::uint64_t cut = calls[at].number == start ? start + 1 : calls[at].number;
            if (cut < next)
                next = cut;
        }
        start = next;
    }
    return {};
}

// One condition: falls through when it holds, jumps to `fail` when not.
void emit_condition(Assembler& code, const Condition& c, bool wide, bool big_endian, Assembler::Label fail)
{
    std::uint32_t low_offset = offset_args + 8 * c.index + (big_endian ? 4 : 0);
    std::uint32_t high_offset = offset_args + 8 * c.index + (big_endian ? 0 : 4);
    auto low = static_cast<std::uint32_t>(c.value), high = static_cast<std::uint32_t>(c.value >> 32);
    auto next = Assembler::next;
    if (c.op == Op::masked_equal) {
        auto masked = [&](std::uint32_t offset, std::uint32_t mask, std::uint32_t bits) {
            if (mask == 0)
                return;  // compares nothing
            code.load(offset);
            if (mask != 0xffffffff)
                code.and_mask(mask);
            code.jump_if(bpf_jeq, bits, next, fail);
        };
        if (wide)
            masked(high_offset, high, static_cast<std::uint32_t>(c.value_two >> 32));
        masked(low_offset, low, static_cast<std::uint32_t>(c.value_two));
        return;
    }
    // On a wide ABI the high words decide unless they are equal (as libseccomp).
    Assembler::Label pass = code.label();
    if (wide) {
        code.load(high_offset);
        switch (c.op) {
        case Op::equal: code.jump_if(bpf_jeq, high, next, fail); break;
        case Op::not_equal: code.jump_if(bpf_jeq, high, next, pass); break;
        case Op::greater:
        case Op::greater_or_equal:
            code.jump_if(bpf_jgt, high, pass, next);
            code.jump_if(bpf_jeq, high, next, fail);
            break;
        case Op::less:
        case Op::less_or_equal:
            code.jump_if(bpf_jgt, high, fail, next);
            code.jump_if(bpf_jeq, high, next, pass);
            break;
        case Op::masked_equal: break;
        }
    }
    code.load(low_offset);
    switch (c.op) {
    case Op::equal: code.jump_if(bpf_jeq, low, next, fail); break;
    case Op::not_equal: code.jump_if(bpf_jeq, low, fail, next); break;
    case Op::greater: code.jump_if(bpf_jgt, low, next, fail); break;
    case Op::greater_or_equal: code.jump_if(bpf_jge, low, next, fail); break;
    case Op::less: code.jump_if(bpf_jge, low, fail, next); break;
    case Op::less_or_equal: code.jump_if(bpf_jgt, low, fail, next); break;
    case Op::masked_equal: break;
    }
    code.bind(pass);
}

// A rule whose one condition is an argument's equality with a value.
bool single_equal(const ResolvedRule& rule) { return rule.count == 1 && rule.conditions[0].op == Op::equal; }

// Low-word comparisons that jump to returns placed after them: few enough
// that every jump to those returns fits a conditional jump's 255.
constexpr std::uint32_t chunk_rules = 120;

// Rules [first, last) of one call, each comparing the same argument for
// equality with a value. Two of them can both hold only with the same value
// (and then the same action: resolve_rules refuses the rest), so the first
// that holds is the one with the argument's value, whatever the order the
// values are tried in. They are tried grouped by high word (on a wide ABI:
// one group on the others): the high word loaded and compared once for the
// group, then each low word in one instruction that jumps to a return its
// chunk of rules shares for that action. About one instruction a rule, as
// libseccomp makes of such rules; five each crossed the kernel's 4096 at
// about 800 rules, which runc runs. A rule alone with its high word is
// tried as any other rule. When none holds, on to `after`, which the caller
// binds right after them.
void emit_equal_run(Assembler& code, const AbiRules& rules, std::uint32_t first, std::uint32_t last, bool wide,
                    bool big_endian, Assembler::Label after)
{
    const Condition& head = rules.rules[first].conditions[0];
    std::uint32_t low_offset = offset_args + 8 * head.index + (big_endian ? 4 : 0);
    std::uint32_t high_offset = offset_args + 8 * head.index + (big_endian ? 0 : 4);
    auto high_of = [&](std::uint32_t r) { return static_cast<std::uint32_t>(rules.rules[r].conditions[0].value >> 32); };
    auto low_of = [&](std::uint32_t r) { return static_cast<std::uint32_t>(rules.rules[r].conditions[0].value); };
    for (std::uint32_t r = first; r < last; ++r) {
        // r begins a group unless an earlier rule has its high word.
        bool seen = false;
        for (std::uint32_t earlier = first; earlier < r && !seen; ++earlier)
            seen = high_of(earlier) == high_of(r);
        if (seen)
            continue;
        std::uint32_t members = 0;
        for (std::uint32_t member = r; member < last; ++member)
            members += high_of(member) == high_of(r);
        if (members == 1) {
            Assembler::Label fail = code.label();
            emit_condition(code, rules.rules[r].conditions[0], wide, big_endian, fail);
            code.ret(rules.rules[r].action);
            code.bind(fail);
            continue;
        }
        Assembler::Label next_group = code.label();
        if (wide) {
            code.load(high_offset);
            code.jump_if(bpf_jeq, high_of(r), Assembler::next, next_group);
        }
        code.load(low_offset);
        // Its rules in order, in chunks, each chunk followed by one return per action it has.
        for (std::uint32_t member = r, tried = 0; tried < members;) {
            std::uint32_t actions[chunk_rules];
            Assembler::Label returns[chunk_rules];
            std::uint32_t action_count = 0, in_chunk = 0;
            for (; member < last && in_chunk < chunk_rules; ++member) {
                if (high_of(member) != high_of(r))
                    continue;
                std::uint32_t action = rules.rules[member].action, slot = 0;
                while (slot < action_count && actions[slot] != action)
                    ++slot;
                if (slot == action_count) {
                    actions[action_count] = action;
                    returns[action_count++] = code.label();
                }
                code.jump_if(bpf_jeq, low_of(member), returns[slot], Assembler::next);
                ++in_chunk;
            }
            tried += in_chunk;
            // None of the group held: no rule of another high word can either.
            Assembler::Label rest = code.label();
            code.jump(tried < members ? rest : after);
            for (std::uint32_t slot = 0; slot < action_count; ++slot) {
                code.bind(returns[slot]);
                code.ret(actions[slot]);
            }
            code.bind(rest);
        }
        code.bind(next_group);
    }
}

// A call's conditional rules in order, then the default action.
void emit_rules(Assembler& code, const AbiRules& rules, const Call& call, std::uint32_t default_action, bool big_endian)
{
    bool wide = wide_arguments(rules.abi);
    std::uint32_t end = call.first_rule + call.rule_count;
    for (std::uint32_t r = call.first_rule; r < end;) {
        const ResolvedRule& rule = rules.rules[r];
        Assembler::Label fail = code.label();
        std::uint32_t run_end = r;
        while (run_end < end && single_equal(rules.rules[run_end]) && single_equal(rule) &&
               rules.rules[run_end].conditions[0].index == rule.conditions[0].index)
            ++run_end;
        if (run_end - r >= 2) {
            emit_equal_run(code, rules, r, run_end, wide, big_endian, fail);
            code.bind(fail);
            r = run_end;
            continue;
        }
        for (std::uint32_t c = 0; c < rule.count; ++c)
            emit_condition(code, rule.conditions[c], wide, big_endian, fail);
        code.ret(rule.action);
        code.bind(fail);
        ++r;
    }
    code.ret(default_action);
}

// A binary search over segments[first ... last] on the call number in the accumulator.
void emit_search(Assembler& code, const Array<Segment>& segments, std::size_t first, std::size_t last,
                 std::uint32_t default_action, bool big_endian)
{
    if (first == last) {
        const Outcome& outcome = segments[first].outcome;
        if (outcome.call)
            emit_rules(code, *outcome.rules, *outcome.call, default_action, big_endian);
        else
            code.ret(outcome.action);
        return;
    }
    std::size_t middle = first + (last - first + 1) / 2;
    Assembler::Label upper = code.label();
    code.jump_if(bpf_jge, static_cast<std::uint32_t>(segments[middle].start), upper, Assembler::next);
    emit_search(code, segments, first, middle - 1, default_action, big_endian);
    code.bind(upper);
    emit_search(code, segments, middle, last, default_action, big_endian);
}

// The filter's ABIs, in the family's order: the native one always, the
// others when the profile lists them.
bool in_filter(const Profile& profile, const FamilyFacts& family, std::size_t i)
{
    return i == 0 || (profile.architectures & arch_bit(facts(family.abis[i]).token));
}

// The block of the ABIs in the filter whose AUDIT_ARCH value is `audit`, with their rules.
Result<void> build_block(const Profile& profile, const FamilyFacts& family, std::uint32_t audit, Block& block)
{
    bool stub = profile.loader == Loader::runc && !permissive(profile.default_action);  // liblxc has none
    block.audit = audit;
    block.abi_count = 0;
    for (std::size_t i = 0; i < family.abi_count; ++i) {
        Abi abi = family.abis[i];
        if (!in_filter(profile, family, i) || facts(abi).audit != audit)
            continue;
        std::size_t slot = block.abi_count++;
        TRY(resolve_rules(profile, abi, block.rules[slot]));
        block.enosys_above[slot] = stub ? highest_named(profile, abi) : 0;
    }
    return {};
}

}  // namespace

Family native_family()
{
#if defined(__x86_64__)
    return Family::x86_64;
#elif defined(__aarch64__)
    return Family::aarch64;
#elif defined(__arm__)
    return Family::arm;
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return Family::ppc64le;
#elif defined(__s390x__)
    return Family::s390x;
#else
#error "nskit's seccomp compiler does not know this architecture"
#endif
}

Result<Program> compile(const Profile& profile, Family family)
{
    Program program;
    if (!profile.filter)
        return program;
    FamilyFacts abis = family_facts(family);
    for (unsigned arch = 0; arch <= static_cast<unsigned>(Arch::s390x); ++arch)
        if ((profile.architectures & (1u << arch)) && big_endian(static_cast<Arch>(arch)) != abis.big_endian)
            return Error::because("libseccomp does not put ABIs of both byte orders in one filter",
                                  "cannot compile linux.seccomp.architectures");
    // runc 1.2 asks for SPEC_ALLOW when the profile names no flags (runc 1.1 passes none).
    program.flags = profile.flags_given ? profile.flags : flag_spec_allow;
    if (program.flags & flag_wait_killable_recv)
        return Error::because("it only applies to a notify listener, which nskit does not have (the kernel refuses "
                              "it without one)",
                              "cannot use SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");

    // One block after the other, in the order their ABIs come in the family,
    // each compiled whole before the next is built in the same arrays.
    Block block;
    Array<Segment> segments;
    Assembler code;
    code.load(offset_arch);
    for (std::size_t i = 0; i < abis.abi_count; ++i) {
        std::uint32_t audit = facts(abis.abis[i]).audit;
        bool built = false;  // with an earlier ABI of the same AUDIT_ARCH
        for (std::size_t j = 0; j < i; ++j)
            built = built || (in_filter(profile, abis, j) && facts(abis.abis[j]).audit == audit);
        if (!in_filter(profile, abis, i) || built)
            continue;
        TRY(build_block(profile, abis, audit, block));
        segments.clear();
        TRY(segments_of(block, profile.default_action, segments));
        Assembler::Label other = code.label();
        code.jump_if(bpf_jeq, block.audit, Assembler::next, other);
        code.load(offset_nr);
        emit_search(code, segments, 0, segments.size() - 1, profile.default_action, abis.big_endian);
        code.bind(other);
    }
    code.ret(bad_arch_action);
    TRY(code.finish(program));
    return program;
}

}  // namespace nskit::seccomp
