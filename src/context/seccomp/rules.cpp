#include "context/seccomp/rules.h"

#include <errno.h>

#include <optional>

namespace nskit::seccomp {

bool wide_arguments(Abi abi)
{
    return abi == Abi::x86_64 || abi == Abi::aarch64 || abi == Abi::ppc64le || abi == Abi::s390x;
}

bool multiplexes(Abi abi) { return abi == Abi::x86 || abi == Abi::ppc64le || abi == Abi::s390 || abi == Abi::s390x; }

bool liblxc_resolves(const Rule& rule, Abi abi)
{
    return syscall_number(rule.row, abi) && !(multiplexes(abi) && rule.via.multiplexer);
}

namespace {

std::uint64_t width_mask(bool wide) { return wide ? ~std::uint64_t(0) : 0xffffffffu; }

// A condition on the ABI's width: libseccomp compares the low 32 bits on a
// 32-bit ABI, and the masked value only where the mask has bits.
Condition cut_to_width(Condition condition, bool wide)
{
    condition.value &= width_mask(wide);
    condition.value_two &= width_mask(wide);
    if (condition.op == Op::masked_equal)
        condition.value_two &= condition.value;
    return condition;
}

// A mask of 0 compares nothing: libseccomp generates no code for it, and a
// rule left with no other condition is one without conditions.
bool compares_nothing(const Condition& condition) { return condition.op == Op::masked_equal && condition.value == 0; }

// Whether two conditions of a rule compare the same argument: runc then adds
// each as a rule of its own.
bool repeats_an_argument(std::span<const Condition> conditions)
{
    unsigned seen = 0;
    for (const Condition& condition : conditions) {
        if (seen >> condition.index & 1)
            return true;
        seen |= 1u << condition.index;
    }
    return false;
}

// The conditions of `pending` on the ABI's width. For a multiplexed call,
// argument 0 selects the call and the rule's own argument-0 condition goes,
// as libseccomp does.
ResolvedRule resolve(const Profile& profile, const Pending& pending, bool wide)
{
    const Rule& rule = profile.rules[pending.profile_rule];
    std::span<const Condition> conditions = profile.conditions_of(rule);
    if (pending.only_condition != all_conditions)
        conditions = conditions.subspan(pending.only_condition, 1);
    ResolvedRule resolved;
    resolved.action = rule.action;
    if (pending.via_multiplexer)
        resolved.conditions[resolved.count++] = Condition{pending.selector, 0, 0, Op::equal};
    for (const Condition& condition : conditions) {
        Condition cut = cut_to_width(condition, wide);
        if (compares_nothing(cut) || (pending.via_multiplexer && cut.index == 0))
            continue;
        resolved.conditions[resolved.count++] = cut;
    }
    return resolved;
}

// One rule of `profile` (or one of its conditions, when runc splits it) as it
// applies to `abi`: on the call itself and, for a multiplexed call, on its
// multiplexer with argument 0 selecting it. liblxc adds a name only where
// libseccomp resolves it to a number of the ABI's own, which it never does
// for the calls socketcall(2) and ipc(2) carry where they carry them (it
// gives those names pseudo numbers there): on x86, socket and semop get no
// rule at all from liblxc, neither socket(2) itself nor socketcall.
Result<void> add_rule(const Profile& profile, std::uint32_t profile_rule, std::uint32_t only_condition, Abi abi,
                      Array<Pending>& pending)
{
    const Rule& rule = profile.rules[profile_rule];
    if (rule.one_abi && rule.abi != abi)
        return {};
    if (profile.loader == Loader::liblxc && !rule.one_abi && !liblxc_resolves(rule, abi))
        return {};
    auto add = [&](std::uint32_t number, bool via_multiplexer, std::uint32_t selector) -> Result<void> {
        Pending item{number, static_cast<std::uint32_t>(pending.size()), profile_rule, only_condition, via_multiplexer,
                     static_cast<std::uint8_t>(selector)};
        if (!pending.push(item))
            return Error::from_errno(ENOMEM, "cannot compile the seccomp profile");
        return {};
    };
    if (rule.one_abi && rule.name_size == 0)
        return add(rule.number, false, 0);  // a number the tables do not name
    if (multiplexes(abi) && rule.via.multiplexer)
        if (auto multiplexer = syscall_number(rule.via.multiplexer, abi))
            TRY(add(*multiplexer, true, rule.via.call));
    if (auto number = syscall_number(rule.row, abi))
        TRY(add(*number, false, 0));
    return {};
}

// The values of one argument that a condition lets through.
struct ValueSet {
    enum class Kind : std::uint8_t { none, range, masked, all_but } kind = Kind::none;
    std::uint64_t low = 0, high = 0;   // range
    std::uint64_t mask = 0, bits = 0;  // masked: value & mask == bits
    std::uint64_t except = 0;          // all_but
};

ValueSet values_of(const Condition& c, std::uint64_t max)
{
    using Kind = ValueSet::Kind;
    auto range = [](std::uint64_t low, std::uint64_t high) { return ValueSet{Kind::range, low, high}; };
    switch (c.op) {
    case Op::equal: return range(c.value, c.value);
    case Op::not_equal: return ValueSet{Kind::all_but, 0, 0, 0, 0, c.value};
    case Op::less: return c.value == 0 ? ValueSet{} : range(0, c.value - 1);
    case Op::less_or_equal: return range(0, c.value);
    case Op::greater: return c.value == max ? ValueSet{} : range(c.value + 1, max);
    case Op::greater_or_equal: return range(c.value, max);
    case Op::masked_equal: return ValueSet{Kind::masked, 0, 0, c.value, c.value_two};
    }
    return {};
}

// The smallest value >= `low` whose bits under `mask` are `bits`: it keeps
// low's bits above some 0 bit of low that it sets, and is minimal below it.
std::optional<std::uint64_t> smallest_masked_at_least(std::uint64_t mask, std::uint64_t bits, std::uint64_t low,
                                                      std::uint64_t max)
{
    if ((low & mask) == bits)
        return low;
    for (unsigned p = 0; p < 64 && (std::uint64_t(1) << p) <= max; ++p) {
        std::uint64_t bit = std::uint64_t(1) << p;
        std::uint64_t above = p == 63 ? 0 : ~((bit << 1) - 1) & max;
        if ((low & bit) || ((mask & bit) && !(bits & bit)) || ((low ^ bits) & mask & above))
            continue;
        return (low & above) | bit | (bits & (bit - 1));
    }
    return std::nullopt;
}

bool intersect(const ValueSet& a, const ValueSet& b, std::uint64_t max)
{
    using Kind = ValueSet::Kind;
    if (a.kind == Kind::none || b.kind == Kind::none)
        return false;
    if (a.kind == Kind::all_but && b.kind == Kind::all_but)
        return true;
    if (b.kind == Kind::all_but)
        return intersect(b, a, max);
    if (a.kind == Kind::all_but) {  // b less one value: empty only when b is that one value
        if (b.kind == Kind::range)
            return b.low <= b.high && !(b.low == b.high && b.low == a.except);
        return b.mask != max || b.bits != a.except;
    }
    if (a.kind == Kind::range && b.kind == Kind::range)
        return (a.low > b.low ? a.low : b.low) <= (a.high < b.high ? a.high : b.high);
    if (a.kind == Kind::masked && b.kind == Kind::masked)
        return ((a.bits ^ b.bits) & a.mask & b.mask) == 0;
    const ValueSet& range = a.kind == Kind::range ? a : b;
    const ValueSet& masked = a.kind == Kind::range ? b : a;
    auto first = smallest_masked_at_least(masked.mask, masked.bits, range.low, max);
    return first && *first <= range.high;
}

}  // namespace

bool can_hold_together(const ResolvedRule& a, const ResolvedRule& b, bool wide)
{
    std::uint64_t max = width_mask(wide);
    for (std::uint8_t index = 0; index < 6; ++index) {
        const Condition* on_a = nullptr;
        const Condition* on_b = nullptr;
        for (std::uint32_t i = 0; i < a.count; ++i)
            if (a.conditions[i].index == index)
                on_a = &a.conditions[i];
        for (std::uint32_t i = 0; i < b.count; ++i)
            if (b.conditions[i].index == index)
                on_b = &b.conditions[i];
        if (!on_a && !on_b)
            continue;
        // A condition of one rule alone: its own values must not be empty.
        ValueSet set_a = values_of(on_a ? *on_a : *on_b, max);
        ValueSet set_b = values_of(on_b ? *on_b : *on_a, max);
        if (!intersect(set_a, set_b, max))
            return false;
    }
    return true;
}

Result<void> resolve_rules(const Profile& profile, Abi abi, AbiRules& out)
{
    out.abi = abi;
    out.calls.clear();
    out.rules.clear();
    Array<Pending>& pending = out.pending;
    pending.clear();
    for (std::uint32_t r = 0; r < profile.rules.size(); ++r) {
        const Rule& rule = profile.rules[r];
        if (rule.action == profile.default_action || !rule.name_fits)
            continue;  // runc skips a rule that changes nothing, libseccomp a name it cannot resolve
        std::span<const Condition> conditions = profile.conditions_of(rule);
        if (repeats_an_argument(conditions)) {
            for (std::size_t i = 0; i < conditions.size(); ++i)
                TRY(add_rule(profile, r, static_cast<std::uint32_t>(i), abi, pending));
        } else {
            TRY(add_rule(profile, r, all_conditions, abi, pending));
        }
    }
    sort(pending.data(), pending.size(), [](const Pending& a, const Pending& b) {
        return a.number != b.number ? a.number < b.number : a.sequence < b.sequence;
    });
    bool wide = wide_arguments(abi);
    for (std::size_t start = 0, end; start < pending.size(); start = end) {
        for (end = start; end < pending.size() && pending[end].number == pending[start].number;)
            ++end;
        Call call;
        call.number = pending[start].number;
        bool unconditional = false;
        for (std::size_t i = start; i < end && !unconditional; ++i) {
            const Rule& rule = profile.rules[pending[i].profile_rule];
            // Most rules have no condition at all; the others may be left with none on this ABI.
            unconditional = (rule.condition_count == 0 && !pending[i].via_multiplexer) ||
                            resolve(profile, pending[i], wide).count == 0;
            if (unconditional)
                call.action = rule.action;
        }
        if (!unconditional) {
            call.conditional = true;
            call.first_rule = static_cast<std::uint32_t>(out.rules.size());
            call.rule_count = static_cast<std::uint32_t>(end - start);
            for (std::size_t i = start; i < end; ++i) {
                ResolvedRule rule = resolve(profile, pending[i], wide);
                for (std::uint32_t j = call.first_rule; j < out.rules.size(); ++j) {
                    const ResolvedRule& earlier = out.rules[j];
                    if (earlier.action != rule.action && can_hold_together(earlier, rule, wide))
                        return Error::because(
                            "two of its rules have different actions and arguments both can match, and libseccomp "
                            "picks between such rules by its own internal order",
                            "cannot compile the seccomp rules for ", profile.name_of(profile.rules[pending[i].profile_rule]),
                            " on ", abi_name(abi));
                }
                if (!out.rules.push(rule))
                    return Error::from_errno(ENOMEM, "cannot compile the seccomp profile");
            }
        }
        if (!out.calls.push(call))
            return Error::from_errno(ENOMEM, "cannot compile the seccomp profile");
    }
    return {};
}

std::uint32_t highest_named(const Profile& profile, Abi abi)
{
    std::uint32_t highest = 0;
    for (const Rule& rule : profile.rules.view()) {
        if (!rule.name_fits || (multiplexes(abi) && rule.via.multiplexer) || (rule.one_abi && rule.abi != abi))
            continue;  // libseccomp gives multiplexed names pseudo numbers below 0 there
        if (rule.one_abi && rule.name_size == 0) {
            highest = rule.number > highest ? rule.number : highest;
            continue;
        }
        if (auto number = syscall_number(rule.row, abi); number && *number > highest)
            highest = *number;
    }
    return highest;
}

}  // namespace nskit::seccomp
