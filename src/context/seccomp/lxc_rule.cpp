#include "context/seccomp/lxc_rule.h"

namespace nskit::seccomp::lxc {

using namespace std::literals;

namespace {

constexpr std::uint64_t max_errno = 4094;  // libseccomp refuses MAX_ERRNO (4095) and above

bool digit_of(char c, unsigned base)
{
    if (base == 16)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    return c >= '0' && c < static_cast<char>('0' + base);
}
unsigned digit_value(char c) { return c <= '9' ? unsigned(c - '0') : unsigned((c | 0x20) - 'a' + 10); }

// Digits of `base` from the front of `text`, consumed; nullopt when there are
// none or the value passes 2^64-1.
std::optional<std::uint64_t> take_digits(std::string_view& text, unsigned base)
{
    std::uint64_t value = 0;
    std::size_t i = 0;
    for (; i < text.size() && digit_of(text[i], base); ++i) {
        unsigned d = digit_value(text[i]);
        if (value > (UINT64_MAX - d) / base)
            return std::nullopt;
        value = value * base + d;
    }
    if (i == 0)
        return std::nullopt;
    text.remove_prefix(i);
    return value;
}

// The base strtoull and sscanf's %i take from a number's prefix ("0x" 16, "0" 8), the prefix consumed.
unsigned take_base(std::string_view& text)
{
    if (text.size() > 2 && text[0] == '0' && (text[1] | 0x20) == 'x' && digit_of(text[2], 16)) {
        text.remove_prefix(2);
        return 16;
    }
    return text.size() > 1 && text[0] == '0' ? 8 : 10;
}

// liblxc's lxc_safe_uint64(text, base 0): blanks, no '-', then all of it one number.
std::optional<std::uint64_t> safe_uint64(std::string_view text)
{
    while (!text.empty() && c_space(text[0]))
        text.remove_prefix(1);
    if (!text.empty() && text[0] == '+')
        text.remove_prefix(1);
    auto value = take_digits(text, take_base(text));
    return value && text.empty() ? value : std::nullopt;
}

// At most `width` characters from the front of `text` that `keep` accepts, consumed.
template <class Keep>
std::string_view take_while(std::string_view& text, std::size_t width, Keep keep)
{
    std::size_t n = 0;
    while (n < text.size() && n < width && keep(text[n]))
        ++n;
    std::string_view taken = text.substr(0, n);
    text.remove_prefix(n);
    return taken;
}

Result<Op> comparison(std::string_view op)
{
    constexpr std::string_view symbols = "!= < <= == >= > &= ";  // in the order of enum Op
    int which = word_index(op, symbols);
    if (which < 0 && op.starts_with("SCMP_CMP_"sv))
        which = word_index(op.substr(9), "NE LT LE EQ GE GT MASKED_EQ ");
    if (which < 0)
        return Error::because("not a comparison liblxc knows (== != < <= > >= &=, SCMP_CMP_EQ ...)", "'", op, "'");
    return static_cast<Op>(which);
}

// One "[index,value,op]" or "[index,value,op,mask]", from its '[' to the next
// ']' or the line's end, as liblxc's sscanf("[%i,%23[^,],%30[^0-9^,],%23[^,]") reads it.
Result<Condition> read_argument(std::string_view text)
{
    std::string_view whole = text;
    auto unreadable = [&] {
        return Error::because("not [index,value,op] or [index,value,op,mask]", "'", whole.substr(0, 40), "'");
    };
    text.remove_prefix(1);  // '['
    auto index = scan_int(text, true);
    auto not_comma = [](char c) { return c != ','; };
    if (!index || !text.starts_with(','))
        return unreadable();
    text.remove_prefix(1);
    std::string_view value = take_while(text, 23, not_comma);
    if (value.empty() || !text.starts_with(','))
        return unreadable();
    text.remove_prefix(1);
    std::string_view op = take_while(text, 30, [](char c) { return c != ',' && c != '^' && (c < '0' || c > '9'); });
    if (op.empty())
        return unreadable();
    std::string_view mask = "0"sv;  // as liblxc's, when none is read
    if (text.starts_with(',')) {
        text.remove_prefix(1);
        if (std::string_view given = take_while(text, 23, not_comma); !given.empty())
            mask = given;
    }
    if (*index < 0 || *index > 5)
        return Error::because("a system call has six arguments, 0 to 5", "argument index ", *index);
    auto number = safe_uint64(value), masking = safe_uint64(mask);
    if (!number || !masking)
        return Error::because("not a number from 0 to 2^64-1", "'", number ? mask : value, "'");
    Condition condition;
    condition.index = static_cast<std::uint8_t>(*index);
    condition.op = TRY(comparison(op));
    condition.value = *number;
    if (condition.op == Op::masked_equal) {  // SCMP_CMP(index, MASKED_EQ, mask, value)
        condition.value = *masking;
        condition.value_two = *number;
    }
    return condition;
}

}  // namespace

bool c_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

// A signed number as sscanf's %d (base 10) or %i (base 0) reads it: blanks,
// a sign, digits; consumed. nullopt without digits or past 32 bits.
std::optional<std::int64_t> scan_int(std::string_view& text, bool any_base)
{
    while (!text.empty() && c_space(text[0]))
        text.remove_prefix(1);
    bool negative = !text.empty() && text[0] == '-';
    if (!text.empty() && (text[0] == '-' || text[0] == '+'))
        text.remove_prefix(1);
    auto magnitude = take_digits(text, any_base ? take_base(text) : 10);
    if (!magnitude || *magnitude > 0x7fffffff)
        return std::nullopt;
    return negative ? -static_cast<std::int64_t>(*magnitude) : static_cast<std::int64_t>(*magnitude);
}

// An action known by its first letters after blanks, as liblxc's
// get_v2_default_action reads one; nullopt for no text at all.
Result<std::optional<std::uint32_t>> action_word(std::string_view text)
{
    while (!text.empty() && text[0] == ' ')
        text.remove_prefix(1);
    if (text.starts_with("kill"sv))
        return std::optional(ret_kill_thread);  // libseccomp's SCMP_ACT_KILL
    if (text.starts_with("errno"sv)) {
        text.remove_prefix(5);
        auto number = scan_int(text, false);
        if (!number)
            return Error::because("errno needs a number", "'errno", text.substr(0, 20), "'");
        if (*number < 0 || static_cast<std::uint64_t>(*number) > max_errno)
            return Error::because("libseccomp takes 0 to 4094 (liblxc keeps the low 16 bits of others)", "errno ",
                                  *number);
        return std::optional(ret_errno | static_cast<std::uint32_t>(*number));
    }
    if (text.starts_with("allow"sv))
        return std::optional(ret_allow);
    if (text.starts_with("trap"sv))
        return std::optional(ret_trap);
    if (text.starts_with("notify"sv))
        return Error::because("it needs a seccomp agent to answer the calls (the monitor's), and nskit has none",
                              "notify");
    if (!text.empty())
        return Error::because("not an action liblxc knows (kill, errno N, allow, trap, notify)", "'",
                              text.substr(0, 24), "'");
    return std::optional<std::uint32_t>();
}

// A rule's action, after the first space of its line (get_v2_action):
// `otherwise` when none is written or a comment follows.
Result<std::uint32_t> rule_action(std::string_view line, std::uint32_t otherwise)
{
    std::size_t space = line.find(' ');
    if (space == std::string_view::npos)
        return otherwise;
    std::string_view rest = line.substr(space + 1);
    while (!rest.empty() && rest[0] == ' ')
        rest.remove_prefix(1);
    if (rest.empty() || rest[0] == '#')
        return otherwise;
    auto action = TRY(action_word(rest));
    return action.value_or(otherwise);
}

// A rule line's arguments: the line split at each ']', liblxc's strtok_r, every
// piece read from its '[' (all of the first six, and nothing of the others).
Result<Arguments> read_arguments(std::string_view line)
{
    Arguments arguments;
    if (line.find('[') == std::string_view::npos)
        return arguments;
    unsigned seen = 0;
    while (arguments.count < 6) {
        while (line.starts_with(']'))
            line.remove_prefix(1);
        if (line.empty())
            break;
        std::string_view piece = split_first(line, ']');
        std::size_t open = piece.find('[');
        if (open == std::string_view::npos)
            return Error::because("text outside the [...] of an argument", "'", piece.substr(0, 40), "'");
        Condition condition = TRY(read_argument(piece.substr(open)));
        if (seen >> condition.index & 1)
            return Error::because("libseccomp refuses two comparisons of one argument in a rule (EINVAL)",
                                  "argument ", condition.index);
        seen |= 1u << condition.index;
        arguments.conditions[arguments.count++] = condition;
    }
    return arguments;
}

}  // namespace nskit::seccomp::lxc
