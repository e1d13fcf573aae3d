#include "context/seccomp/profile.h"

#include <errno.h>

#include <utility>

namespace nskit::seccomp {

using namespace std::literals;

namespace {

constexpr std::uint32_t eperm = 1;
// libseccomp takes an errno below MAX_ERRNO (4095) and refuses the rest.
constexpr std::uint64_t max_errno_ret = 4094;

// Each word list is followed by one space per word (text.h's word_index).
// The members of an object, each list with the positions of its words.
constexpr std::string_view seccomp_fields = "defaultAction defaultErrnoRet architectures flags listenerPath "
                                            "listenerMetadata syscalls ";
enum SeccompField { default_action_at, default_errno_ret_at, architectures_at, flags_at, listener_path_at,
                    listener_metadata_at, syscalls_at, seccomp_field_count };
constexpr std::string_view syscall_fields = "names action errnoRet args ";
enum SyscallField { names_at, action_at, errno_ret_at, args_at, syscall_field_count };
constexpr std::string_view argument_fields = "index value valueTwo op ";
enum ArgumentField { index_at, value_at, value_two_at, op_at, argument_field_count };
// After SCMP_ARCH_, in the order of enum Arch.
constexpr std::string_view arch_names = "X86 X86_64 X32 ARM AARCH64 MIPS MIPS64 MIPS64N32 MIPSEL MIPSEL64 "
                                        "MIPSEL64N32 PPC PPC64 PPC64LE RISCV64 S390 S390X ";
// After SCMP_CMP_, in the order of enum Op.
constexpr std::string_view op_names = "NE LT LE EQ GE GT MASKED_EQ ";
// After SECCOMP_FILTER_FLAG_; their bits follow.
constexpr std::string_view flag_names = "TSYNC LOG SPEC_ALLOW WAIT_KILLABLE_RECV ";
constexpr std::uint32_t flag_bits[] = {flag_tsync, flag_log, flag_spec_allow, flag_wait_killable_recv};

// The path of the field being read, for messages: "linux.seccomp.syscalls[3].args[0].op".
struct Field {
    Text<96> path;

    Field() { path.append("linux.seccomp"); }
    template <class... Parts>
    Field then(const Parts&... parts) const
    {
        Field deeper = *this;
        deeper.path.append(parts...);
        return deeper;
    }

    Error bad(const char* why) const { return Error::because(why, path.view()); }
};

// The members of `object`, read in one pass (a profile's lists are long,
// and each look-up by name would scan past them again): found[i] is the
// first member named by word i of `known`, absent when there is none. Every
// member is one of `known`; an unknown one is named.
template <std::size_t N>
Result<void> read_members(json::Value object, std::string_view known, const Field& field, json::Value (&found)[N])
{
    if (object.kind() != json::Kind::object)
        return field.bad("not an object");
    json::Value key, value;
    for (json::Members m(object); m.next(key, value);) {
        Text<48> name;
        int which = key.unescape(name) ? word_index(name.view(), known) : -1;
        if (which < 0 || static_cast<std::size_t>(which) >= N)
            return Error::because("not a field the runtime-spec defines here", field.path.view(), '.',
                                  name.view());
        if (!found[which])
            found[which] = value;
    }
    return {};
}

// A string member as a word to look up; empty when absent or null.
Result<Text<64>> word(json::Value value, const Field& field)
{
    Text<64> text;
    if (!value || value.is_null())
        return text;
    if (value.kind() != json::Kind::string)
        return field.bad("not a string");
    if (!value.unescape(text))
        text = Text<64>("(a name too long to be one)");
    return text;
}

// Present and not null, as Go's encoding/json (runc's reader) sees a field.
bool given(json::Value value) { return value && !value.is_null(); }

Result<std::uint64_t> unsigned_number(json::Value value, const Field& field)
{
    auto number = value.unsigned_integer();
    if (!number)
        return field.bad("not a number from 0 to 2^64-1");
    return *number;
}

// The SECCOMP_RET_* value of an SCMP_ACT_* name, as runc's getAction gives it to libseccomp.
Result<std::uint32_t> action_value(json::Value action, json::Value errno_ret, const Field& field, const Field& errno_field)
{
    Text<64> name = TRY(word(action, field));
    if (name.empty())
        return field.bad("missing");
    std::string_view text = name.view();
    bool has_prefix = starts_with(text, "SCMP_ACT_"sv);
    int which = has_prefix ? word_index(text.substr(9), "KILL KILL_THREAD KILL_PROCESS TRAP ERRNO TRACE ALLOW LOG NOTIFY ") : -1;
    std::uint64_t data = eperm;
    if (given(errno_ret))
        data = TRY(unsigned_number(errno_ret, errno_field));
    switch (which) {
    case 0:
    case 1: return ret_kill_thread;  // runc gives SCMP_ACT_KILL as KILL_THREAD
    case 2: return ret_kill_process;
    case 3: return ret_trap;
    case 4:
        if (data > max_errno_ret)
            return errno_field.bad("over 4094, which libseccomp refuses as an errno");
        return ret_errno | static_cast<std::uint32_t>(data);
    case 5:
        if (data > 0xffff)
            return errno_field.bad("over 65535, more than SECCOMP_RET_TRACE carries");
        return ret_trace | static_cast<std::uint32_t>(data);
    case 6: return ret_allow;
    case 7: return ret_log;
    case 8: return field.bad("SCMP_ACT_NOTIFY needs a seccomp agent listening, and nskit has none to hand calls to");
    default: return Error::because("not an action nskit knows", field.path.view(), ": ", text);
    }
}

Result<void> read_architectures(json::Value list, Profile& profile)
{
    Field field = Field().then(".architectures");
    if (!given(list))
        return {};
    if (list.kind() != json::Kind::array)
        return field.bad("not a list");
    json::Value element;
    for (json::Elements e(list); e.next(element);) {
        Text<64> name = TRY(word(element, field));
        int arch = starts_with(name.view(), "SCMP_ARCH_"sv) ? word_index(name.view().substr(10), arch_names) : -1;
        if (arch < 0)
            return Error::because("not an architecture runc knows", "linux.seccomp.architectures: ", name.view());
        profile.architectures |= arch_bit(static_cast<Arch>(arch));
    }
    return {};
}

Result<void> read_flags(json::Value list, Profile& profile)
{
    Field field = Field().then(".flags");
    if (!given(list))
        return {};
    if (list.kind() != json::Kind::array)
        return field.bad("not a list");
    profile.flags_given = true;
    json::Value element;
    for (json::Elements e(list); e.next(element);) {
        Text<64> name = TRY(word(element, field));
        int flag = starts_with(name.view(), "SECCOMP_FILTER_FLAG_"sv) ? word_index(name.view().substr(20), flag_names) : -1;
        if (flag < 0)
            return Error::because("not a flag the runtime-spec defines", "linux.seccomp.flags: ", name.view());
        profile.flags |= flag_bits[flag];
    }
    return {};
}

Result<void> read_argument(json::Value argument, const Field& field, Profile& profile)
{
    json::Value members[argument_field_count];
    TRY(read_members(argument, argument_fields, field, members));
    Condition condition;
    json::Value index = members[index_at];
    if (!index)
        return field.then(".index").bad("missing");
    std::uint64_t position = TRY(unsigned_number(index, field.then(".index")));
    if (position > 5)
        return field.then(".index").bad("over 5: a system call has six arguments");
    condition.index = static_cast<std::uint8_t>(position);
    json::Value value = members[value_at];
    if (!value)
        return field.then(".value").bad("missing");
    condition.value = TRY(unsigned_number(value, field.then(".value")));
    if (json::Value two = members[value_two_at]; given(two))
        condition.value_two = TRY(unsigned_number(two, field.then(".valueTwo")));
    Field op_field = field.then(".op");
    Text<64> op = TRY(word(members[op_at], op_field));
    int which = starts_with(op.view(), "SCMP_CMP_"sv) ? word_index(op.view().substr(9), op_names) : -1;
    if (which < 0)
        return Error::because(op.empty() ? "missing" : "not a comparison runc knows", op_field.path.view(),
                              op.empty() ? "" : ": ", op.view());
    condition.op = static_cast<Op>(which);
    if (!profile.conditions.push(condition))
        return Error::from_errno(ENOMEM, "cannot read ", field.path.view());
    return {};
}

Result<void> read_syscall(json::Value entry, std::size_t position, Profile& profile)
{
    Field field = Field().then(".syscalls[", position, ']');
    json::Value members[syscall_field_count];
    TRY(read_members(entry, syscall_fields, field, members));
    std::uint32_t action = TRY(action_value(members[action_at], members[errno_ret_at], field.then(".action"),
                                            field.then(".errnoRet")));
    std::uint32_t first = static_cast<std::uint32_t>(profile.conditions.size());
    json::Value args = members[args_at], argument;
    if (given(args) && args.kind() != json::Kind::array)
        return field.then(".args").bad("not a list");
    std::size_t at = 0;
    for (json::Elements e(args); e.next(argument); ++at)
        TRY(read_argument(argument, field.then(".args[", at, ']'), profile));
    std::uint32_t count = static_cast<std::uint32_t>(profile.conditions.size() - first);

    json::Value names = members[names_at], name;
    if (given(names) && names.kind() != json::Kind::array)
        return field.then(".names").bad("not a list");
    for (json::Elements e(names); e.next(name);) {
        if (name.kind() != json::Kind::string)
            return field.then(".names").bad("not a string");
        Text<longest_name + 2> text;  // room for one more: a longer name shows as cut
        (void)name.unescape(text);
        Rule rule;
        if (!profile.name_rule(rule, text.view()))
            return Error::from_errno(ENOMEM, "cannot read ", field.path.view());
        if (rule.name_size == 0 && rule.name_fits)
            return field.then(".names").bad("an empty name, which runc refuses");
        rule.action = action;
        rule.first_condition = first;
        rule.condition_count = count;
        if (!profile.rules.push(rule))
            return Error::from_errno(ENOMEM, "cannot read ", field.path.view());
    }
    return {};
}

}  // namespace

bool Profile::name_rule(Rule& rule, std::string_view text)
{
    rule.name_fits = text.size() <= longest_name;
    text = text.substr(0, longest_name);
    rule.name_at = static_cast<std::uint32_t>(names.size());
    rule.name_size = static_cast<std::uint8_t>(text.size());
    rule.row = rule.name_fits ? find_syscall(text) : nullptr;
    rule.via = rule.name_fits ? multiplexed(text).value_or(Multiplexed{}) : Multiplexed{};
    return names.append(text);
}

bool permissive(std::uint32_t action)
{
    return action == ret_allow || action == ret_log || (action & 0xffff0000) == ret_trace;
}

Result<Profile> parse_profile(json::Value seccomp)
{
    Profile profile;
    json::Value members[seccomp_field_count];
    TRY(read_members(seccomp, seccomp_fields, Field(), members));
    json::Value syscalls = members[syscalls_at];
    if (given(syscalls) && syscalls.kind() != json::Kind::array)
        return Error::because("not a list", "linux.seccomp.syscalls");
    json::Value default_action = members[default_action_at], entry;
    Text<64> default_name = TRY(word(default_action, Field().then(".defaultAction")));
    // As runc: no default action and no rules is no filter at all.
    if (default_name.empty() && !json::Elements(syscalls).next(entry)) {
        profile.filter = false;
        return profile;
    }
    profile.default_action = TRY(action_value(default_action, members[default_errno_ret_at],
                                              Field().then(".defaultAction"), Field().then(".defaultErrnoRet")));
    TRY(read_architectures(members[architectures_at], profile));
    TRY(read_flags(members[flags_at], profile));
    for (auto [at, text] : {std::pair{listener_path_at, "listenerPath"}, {listener_metadata_at, "listenerMetadata"}})
        if (given(members[at]) && members[at].kind() != json::Kind::string)
            return Error::because("not a string", "linux.seccomp.", text);
    std::size_t position = 0;
    for (json::Elements e(syscalls); e.next(entry); ++position)
        TRY(read_syscall(entry, position, profile));
    return profile;
}

Result<Profile> parse_config_profile(std::string_view config_json)
{
    return parse_config_profile(TRY(json::parse(config_json)));
}

Result<Profile> parse_config_profile(json::Value config)
{
    json::Value seccomp = config.at({"linux"sv, "seccomp"sv});
    if (!given(seccomp)) {
        Profile none;
        none.filter = false;
        return none;
    }
    return parse_profile(seccomp);
}

}  // namespace nskit::seccomp
