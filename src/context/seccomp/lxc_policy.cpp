#include "context/seccomp/lxc_policy.h"

#include <errno.h>

#include "context/seccomp/lxc_rule.h"
#include "context/seccomp/rules.h"

namespace nskit::seccomp {

using namespace std::literals;
using namespace lxc;

namespace {

constexpr std::uint32_t eacces = 13;
constexpr std::uint64_t mnt_force = 1;

// The ABIs of liblxc's filter: the native one, and on an x86_64 or aarch64
// host those it merges in (its get_new_ctx and seccomp_merge).
struct Filter {
    Abi abis[3];
    std::size_t count = 0;
    std::uint32_t architectures = 0;  // arch_bit()s of all but the native one
};

Abi native_abi(Family family)
{
    switch (family) {
    case Family::x86_64: return Abi::x86_64;
    case Family::aarch64: return Abi::aarch64;
    case Family::arm: return Abi::arm;
    case Family::ppc64le: return Abi::ppc64le;
    case Family::s390x: return Abi::s390x;
    }
    return Abi::x86_64;
}

Filter filter_of(LxcHost host, Family family)
{
    struct Merged {
        Abi abi;
        Arch arch;
    };
    constexpr Merged amd64[] = {{Abi::x86, Arch::x86}, {Abi::x32, Arch::x32}, {Abi::x86_64, Arch::x86_64}};
    constexpr Merged arm64[] = {{Abi::arm, Arch::arm}, {Abi::aarch64, Arch::aarch64}};
    std::span<const Merged> merged = host == LxcHost::amd64 ? std::span<const Merged>(amd64)
                                     : host == LxcHost::arm64 ? std::span<const Merged>(arm64)
                                                              : std::span<const Merged>();
    Filter filter;
    Abi native = native_abi(family);
    filter.abis[filter.count++] = native;
    bool native_among = false;
    for (const Merged& m : merged)
        native_among = native_among || m.abi == native;
    for (const Merged& m : merged)
        if (native_among && m.abi != native) {
            filter.abis[filter.count++] = m.abi;
            filter.architectures |= arch_bit(m.arch);
        }
    return filter;
}

// `word` is `name`, or `name` all in capitals: liblxc knows "[x86_64]" and "[X86_64]".
bool spelt(std::string_view word, std::string_view name)
{
    if (word == name)
        return true;
    if (word.size() != name.size())
        return false;
    for (std::size_t i = 0; i < word.size(); ++i)
        if (word[i] != (name[i] >= 'a' && name[i] <= 'z' ? name[i] - 'a' + 'A' : name[i]))
            return false;
    return true;
}

// Whether `line` names a section of liblxc's, and whether it counts on `host`.
Result<bool> section_counts(std::string_view line, LxcHost host)
{
    auto on = [](std::initializer_list<LxcHost> hosts) {
        unsigned bits = 0;
        for (LxcHost h : hosts)
            bits |= 1u << static_cast<unsigned>(h);
        return bits;
    };
    using enum LxcHost;
    struct Section {
        std::string_view name;
        unsigned hosts;
    };
    const Section sections[] = {
        {"all", ~0u}, {"x86", on({i386, amd64})}, {"x32", on({amd64})}, {"x86_64", on({amd64})},
        {"arm", on({arm, arm64})}, {"arm64", on({arm64})}, {"ppc64le", on({ppc64le})}, {"ppc64", on({ppc64})},
        {"ppc", on({ppc, ppc64})}, {"s390x", on({s390x})}, {"s390", on({s390})}, {"mips64", 0}, {"mips64n32", 0},
        {"mips", 0}, {"mipsel64", 0}, {"mipsel64n32", 0}, {"mipsel", 0}, {"loongarch64", 0},
    };
    if (line.size() >= 2 && line.back() == ']')
        for (const Section& section : sections)
            if (spelt(line.substr(1, line.size() - 2), section.name))
                return (section.hosts >> static_cast<unsigned>(host) & 1) != 0;
    return Error::because("not an architecture section liblxc knows", "'", line.substr(0, 40), "'");
}

// The lines of the policy as getline(3) gives them: each with its '\n', if any.
struct Lines {
    std::string_view rest;
    std::size_t number = 0;  // of the line last given

    bool next(std::string_view& line)
    {
        if (rest.empty())
            return false;
        std::size_t end = rest.find('\n');
        end = end == std::string_view::npos ? rest.size() : end + 1;
        line = rest.substr(0, end);
        rest.remove_prefix(end);
        ++number;
        return true;
    }
};

std::size_t newlines(std::string_view text)
{
    std::size_t count = 0;
    for (char c : text)
        count += c == '\n';
    return count;
}

// Adds "line N: " before what `error` says.
Error at_line(Error error, std::size_t number)
{
    Text<200> what = error.what;
    return error.describe("line ", number, ": ", what);
}

struct Defaults {
    std::uint32_t policy;  // for calls no rule names
    std::uint32_t rule;    // for rules that name no action
};

// Whether liblxc hands libseccomp this rule's call on some ABI of the filter.
bool reaches_an_abi(const Rule& rule, const Filter& filter)
{
    for (std::size_t i = 0; i < filter.count; ++i)
        if (liblxc_resolves(rule, filter.abis[i]))
            return true;
    return false;
}

// One rule line of a section that counts (the trailing newline gone).
Result<void> read_rule(std::string_view line, const Defaults& defaults, const Filter& filter, Profile& profile)
{
    std::uint32_t action = TRY(rule_action(line, defaults.rule));
    Arguments arguments = TRY(read_arguments(line));
    std::string_view name = line.substr(0, line.find(' '));
    if (name.empty())
        return {};  // a line that starts with a blank: liblxc resolves no call from it
    if (name.starts_with("reject_force_umount"sv)) {
        name = "umount2"sv;
        action = ret_errno | eacces;
        arguments.count = 1;
        arguments.conditions[0] = Condition{mnt_force, mnt_force, 1, Op::masked_equal};
    }
    Rule rule;
    rule.action = action;
    rule.first_condition = static_cast<std::uint32_t>(profile.conditions.size());
    rule.condition_count = arguments.count;
    if (!profile.name_rule(rule, name))
        return Error::from_errno(ENOMEM, "cannot read the policy");
    if (action == defaults.policy && reaches_an_abi(rule, filter))
        return Error::because("libseccomp refuses a rule whose action is the default action (EACCES), and liblxc "
                              "the policy with it",
                              name);
    bool pushed = profile.rules.push(rule);
    for (std::uint32_t i = 0; i < arguments.count && pushed; ++i)
        pushed = profile.conditions.push(arguments.conditions[i]);
    if (!pushed)
        return Error::from_errno(ENOMEM, "cannot read the policy");
    return {};
}

// Version 2's rules and sections, after the policy type.
Result<void> read_version_2(Lines& lines, LxcHost host, const Defaults& defaults, const Filter& filter,
                            Profile& profile)
{
    bool counts = host != LxcHost::unknown;  // liblxc starts in the host's own section
    std::string_view line;
    while (lines.next(line)) {
        if (line.starts_with('#'))
            continue;
        if (line.ends_with('\n'))
            line.remove_suffix(1);
        auto read = line.starts_with('[') ? section_counts(line, host) : Result<bool>(counts);
        if (!read.ok())
            return at_line(read.take_error(), lines.number);
        if (line.starts_with('[')) {
            counts = read.value();
        } else if (counts) {
            if (auto rule = read_rule(line, defaults, filter, profile); !rule.ok())
                return at_line(rule.take_error(), lines.number);
        }
    }
    return {};
}

// Version 1: a call number of the native ABI a line, each allowed.
Result<void> read_version_1(Lines& lines, Abi native, Profile& profile)
{
    std::string_view line;
    while (lines.next(line)) {
        std::string_view text = line;
        auto number = scan_int(text, false);
        if (!number || *number < 0) {
            return at_line(Error::because("version 1 has one call number, 0 or more, a line", "'",
                                          trim(line.substr(0, 40)), "'"),
                           lines.number);
        }
        Rule rule;
        rule.one_abi = true;
        rule.abi = native;
        rule.action = ret_allow;
        const char* name = syscall_name(static_cast<std::uint32_t>(*number), native);
        if (!name)
            rule.number = static_cast<std::uint32_t>(*number);
        if (!profile.name_rule(rule, name ? name : "") || !profile.rules.push(rule))
            return Error::from_errno(ENOMEM, "cannot read the policy");
    }
    return {};
}

// The policy type line: its kind and default action (the line keeps its
// newline, as liblxc reads it: "denylist \n" is an unknown action).
Result<Defaults> read_policy_type(std::string_view line, std::int64_t version)
{
    if (line.find("debug"sv) != std::string_view::npos)
        return Error::because("liblxc refuses a policy that asks for debug", "the policy type");
    bool allowlist = line.starts_with("allowlist"sv) || line.starts_with("whitelist"sv);
    bool denylist = line.starts_with("denylist"sv) || line.starts_with("blacklist"sv);
    if (version == 1) {  // LXC 4.0.0 to 4.0.3 looked for whitelist, later ones for allowlist
        if (line.find("allowlist"sv) == std::string_view::npos && line.find("whitelist"sv) == std::string_view::npos)
            return Error::because("version 1 is an allowlist", "the policy type");
        return Defaults{ret_kill_thread, ret_allow};
    }
    if (!allowlist && !denylist)
        return Error::because("not allowlist or denylist", "the policy type '", trim(line.substr(0, 40)), "'");
    Defaults defaults = denylist ? Defaults{ret_allow, ret_kill_thread} : Defaults{ret_kill_thread, ret_allow};
    if (std::size_t space = line.find(' '); space != std::string_view::npos)
        defaults.policy = TRY(action_word(line.substr(space + 1))).value_or(defaults.policy);
    return defaults;
}

}  // namespace

LxcHost lxc_host(std::string_view machine)
{
    struct Prefix {
        std::string_view text;
        LxcHost host;
        bool exact;
    };
    // In liblxc's order: "ppc64le" before "ppc64" before "ppc".
    constexpr Prefix prefixes[] = {
        {"i686", LxcHost::i386, true},      {"x86_64", LxcHost::amd64, true},  {"armv7", LxcHost::arm, false},
        {"aarch64", LxcHost::arm64, false}, {"ppc64le", LxcHost::ppc64le, false}, {"ppc64", LxcHost::ppc64, false},
        {"ppc", LxcHost::ppc, false},       {"mips", LxcHost::elsewhere, false}, {"s390x", LxcHost::s390x, false},
        {"s390", LxcHost::s390, false},     {"loongarch64", LxcHost::elsewhere, false},
    };
    for (const Prefix& p : prefixes)
        if (p.exact ? machine == p.text : machine.starts_with(p.text))
            return p.host;
    return LxcHost::unknown;
}

Result<Profile> parse_lxc_policy(std::string_view text, LxcHost host, Family family)
{
    if (std::size_t nul = text.find('\0'); nul != std::string_view::npos)
        return Error::because("a NUL byte, which no policy has", "line ", 1 + newlines(text.substr(0, nul)));
    Profile profile;
    profile.loader = Loader::liblxc;
    profile.flags_given = true;  // liblxc asks libseccomp for no flag
    Lines lines{text};
    auto version = scan_int(lines.rest, false);  // fscanf("%d\n"): the number, then every blank and newline
    if (!version || (*version != 1 && *version != 2))
        return Error::because("the first line is the version, 1 or 2", "line 1");
    std::size_t blanks = 0;
    while (blanks < lines.rest.size() && c_space(lines.rest[blanks]))
        ++blanks;
    lines.rest.remove_prefix(blanks);
    lines.number = newlines(text.substr(0, text.size() - lines.rest.size()));  // the lines done with
    std::string_view type;
    if (!lines.next(type))
        return Error::because("no policy type (allowlist or denylist) follows the version", "line ",
                              lines.number + 1);
    auto defaults = read_policy_type(type, *version);
    if (!defaults.ok())
        return at_line(defaults.take_error(), lines.number);
    Filter filter = filter_of(host, family);
    profile.default_action = defaults.value().policy;
    if (*version == 1) {
        TRY(read_version_1(lines, filter.abis[0], profile));
        return profile;  // one ABI: liblxc adds version 1's rules to its native context alone
    }
    profile.architectures = filter.architectures;
    TRY(read_version_2(lines, host, defaults.value(), filter, profile));
    return profile;
}

}  // namespace nskit::seccomp
