#include "runtime/json.h"

namespace nskit::json {

using namespace std::literals;

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::size_t skip_space(std::string_view s, std::size_t i)
{
    while (i < s.size() && is_space(s[i]))
        ++i;
    return i;
}

int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// The validating scanner. Each step returns the index after what it read, or
// npos on an error, with `error` saying which.
constexpr std::size_t bad = std::string_view::npos;

struct Scanner {
    std::string_view s;
    const char* error = nullptr;

    std::size_t fail(const char* why)
    {
        error = why;
        return bad;
    }
    std::size_t truncated_or(std::size_t i, const char* why) { return fail(i >= s.size() ? "truncated JSON" : why); }

    std::size_t string(std::size_t i)  // at the opening quote
    {
        ++i;
        while (i < s.size()) {
            unsigned char c = static_cast<unsigned char>(s[i]);
            if (c == '"')
                return i + 1;
            if (c < 0x20)
                return fail("control character in a JSON string");
            if (c != '\\') {
                ++i;
                continue;
            }
            if (++i >= s.size())
                break;
            switch (s[i]) {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
                ++i;
                break;
            case 'u':
                for (int k = 1; k <= 4; ++k)
                    if (i + k >= s.size() || hex_digit(s[i + k]) < 0)
                        return truncated_or(i + k, "bad \\u escape in a JSON string");
                i += 5;
                break;
            default:
                return fail("bad escape in a JSON string");
            }
        }
        return fail("truncated JSON");
    }

    std::size_t number(std::size_t i)
    {
        if (i < s.size() && s[i] == '-')
            ++i;
        if (i >= s.size())
            return fail("truncated JSON");
        if (s[i] == '0')
            ++i;
        else if (is_digit(s[i]))
            while (i < s.size() && is_digit(s[i]))
                ++i;
        else
            return fail("malformed JSON number");
        if (i < s.size() && s[i] == '.') {
            if (++i >= s.size() || !is_digit(s[i]))
                return truncated_or(i, "malformed JSON number");
            while (i < s.size() && is_digit(s[i]))
                ++i;
        }
        if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
            if (++i < s.size() && (s[i] == '+' || s[i] == '-'))
                ++i;
            if (i >= s.size() || !is_digit(s[i]))
                return truncated_or(i, "malformed JSON number");
            while (i < s.size() && is_digit(s[i]))
                ++i;
        }
        return i;
    }

    std::size_t literal(std::size_t i, std::string_view word)
    {
        std::string_view have = s.substr(i, word.size());
        if (have != word)
            return word.substr(0, have.size()) == have && i + have.size() == s.size() ? fail("truncated JSON")
                                                                                       : fail("malformed JSON");
        return i + word.size();
    }

    // A whole document, without recursion: `open` remembers, per level,
    // whether it is an object (its next value needs a key first) or an array.
    std::size_t document()
    {
        bool open[max_depth];
        std::size_t depth = 0;
        std::size_t i = skip_space(s, 0);
        for (;;) {
            // A value is expected at i.
            if (i >= s.size())
                return fail(depth || i ? "truncated JSON" : "empty JSON document");
            char c = s[i];
            if (c == '{' || c == '[') {
                if (depth == max_depth)
                    return fail("JSON nested too deeply");
                bool object = c == '{';
                open[depth++] = object;
                i = skip_space(s, i + 1);
                if (i < s.size() && s[i] == (object ? '}' : ']')) {
                    --depth;
                    ++i;
                } else if (object) {
                    if ((i = key(i)) == bad)
                        return bad;
                    continue;
                } else {
                    continue;
                }
            } else if (c == '"') {
                i = string(i);
            } else if (c == '-' || is_digit(c)) {
                i = number(i);
            } else if (c == 't') {
                i = literal(i, "true"sv);
            } else if (c == 'f') {
                i = literal(i, "false"sv);
            } else if (c == 'n') {
                i = literal(i, "null"sv);
            } else {
                return fail("malformed JSON");
            }
            if (i == bad)
                return bad;
            // After a value: a separator, the end of containers, or the end.
            for (;;) {
                i = skip_space(s, i);
                if (depth == 0)
                    return i == s.size() ? i : fail("text after the JSON document");
                if (i >= s.size())
                    return fail("truncated JSON");
                bool object = open[depth - 1];
                if (s[i] == ',') {
                    i = skip_space(s, i + 1);
                    if (object && (i = key(i)) == bad)
                        return bad;
                    break;
                }
                if (s[i] == (object ? '}' : ']')) {
                    --depth;
                    ++i;
                    continue;
                }
                return fail("malformed JSON");
            }
        }
    }

    // `"key" :` then white space, at i.
    std::size_t key(std::size_t i)
    {
        if (i >= s.size())
            return fail("truncated JSON");
        if (s[i] != '"')
            return fail("malformed JSON: expected a member name");
        if ((i = string(i)) == bad)
            return bad;
        i = skip_space(s, i);
        if (i >= s.size())
            return fail("truncated JSON");
        if (s[i] != ':')
            return fail("malformed JSON: expected ':'");
        return skip_space(s, i + 1);
    }
};

// The end of the value starting at s[i], in text already validated.
std::size_t value_end(std::string_view s, std::size_t i)
{
    if (i >= s.size())
        return s.size();
    char c = s[i];
    if (c == '"') {
        for (++i; i < s.size(); ++i) {
            if (s[i] == '\\')
                ++i;
            else if (s[i] == '"')
                return i + 1;
        }
        return s.size();
    }
    if (c == '{' || c == '[') {
        std::size_t depth = 0;
        for (; i < s.size(); ++i) {
            char d = s[i];
            if (d == '"') {
                i = value_end(s, i) - 1;
            } else if (d == '{' || d == '[') {
                ++depth;
            } else if (d == '}' || d == ']') {
                if (--depth == 0)
                    return i + 1;
            }
        }
        return s.size();
    }
    while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && !is_space(s[i]))
        ++i;
    return i;
}

Kind kind_of(char c)
{
    switch (c) {
    case '{': return Kind::object;
    case '[': return Kind::array;
    case '"': return Kind::string;
    case 't': case 'f': return Kind::boolean;
    case 'n': return Kind::null;
    default: return Kind::number;
    }
}

void append_utf8(std::uint32_t code, FunctionRef<bool(char)> sink, bool& ok)
{
    char bytes[4];
    int n = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    for (int i = n - 1; i > 0; --i, code >>= 6)
        bytes[i] = static_cast<char>(0x80 | (code & 0x3F));
    // The lead byte: the code itself, or n one bits, a zero, then its top bits.
    bytes[0] = static_cast<char>(n == 1 ? code : (0xFF00 >> n | code));
    for (int i = 0; i < n; ++i)
        ok = ok && sink(bytes[i]);
}

std::uint32_t hex4(std::string_view s, std::size_t i)
{
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 4; ++k) {
        int d = i + k < s.size() ? hex_digit(s[i + k]) : -1;
        if (d < 0)
            return 0xFFFD;
        v = v << 4 | static_cast<std::uint32_t>(d);
    }
    return v;
}

}  // namespace

Result<Value> parse(std::string_view document)
{
    Scanner scanner{document};
    if (scanner.document() == bad)
        return Error::because(scanner.error, "cannot parse JSON");
    std::size_t start = skip_space(document, 0);
    std::size_t end = value_end(document, start);
    return Value(document.substr(start, end - start));
}

Members::Members(Value object)
{
    if (object.kind() == Kind::object)
        rest_ = object.raw_.substr(1, object.raw_.size() - 2);
}

bool Members::next(Value& key, Value& value)
{
    std::size_t i = skip_space(rest_, 0);
    if (i < rest_.size() && rest_[i] == ',')
        i = skip_space(rest_, i + 1);
    if (i >= rest_.size() || rest_[i] != '"')
        return false;
    std::size_t key_end = value_end(rest_, i);
    key = Value(rest_.substr(i, key_end - i));
    i = skip_space(rest_, key_end);
    if (i >= rest_.size() || rest_[i] != ':')
        return false;
    i = skip_space(rest_, i + 1);
    if (i >= rest_.size())
        return false;
    std::size_t end = value_end(rest_, i);
    value = Value(rest_.substr(i, end - i));
    rest_ = rest_.substr(end);
    return true;
}

Elements::Elements(Value array)
{
    if (array.kind() == Kind::array)
        rest_ = array.raw_.substr(1, array.raw_.size() - 2);
}

bool Elements::next(Value& element)
{
    std::size_t i = skip_space(rest_, 0);
    if (i < rest_.size() && rest_[i] == ',')
        i = skip_space(rest_, i + 1);
    if (i >= rest_.size())
        return false;
    std::size_t end = value_end(rest_, i);
    element = Value(rest_.substr(i, end - i));
    rest_ = rest_.substr(end);
    return true;
}

Kind Value::kind() const { return raw_.empty() ? Kind::absent : kind_of(raw_[0]); }

Value Value::get(std::string_view key) const
{
    Value k, v;
    for (Members members(*this); members.next(k, v);)
        if (k.equals(key))
            return v;
    return {};
}

Value Value::at(std::initializer_list<std::string_view> keys) const
{
    Value here = *this;
    for (std::string_view key : keys)
        here = here.get(key);
    return here;
}

std::optional<bool> Value::boolean() const
{
    if (raw_ == "true"sv)
        return true;
    if (raw_ == "false"sv)
        return false;
    return std::nullopt;
}

std::optional<std::int64_t> Value::integer() const
{
    // Only a number starts with '-' or a digit; parse_decimal takes nothing else.
    std::string_view digits = raw_;
    bool negative = !digits.empty() && digits[0] == '-';
    if (negative)
        digits.remove_prefix(1);
    auto magnitude = parse_decimal(digits, negative ? 0x8000000000000000ull : 0x7FFFFFFFFFFFFFFFull);
    if (!magnitude)
        return std::nullopt;
    return negative ? static_cast<std::int64_t>(0 - *magnitude) : static_cast<std::int64_t>(*magnitude);
}

std::optional<std::uint64_t> Value::unsigned_integer() const { return parse_decimal(raw_); }

bool Value::decode(FunctionRef<bool(char)> sink) const
{
    if (!is_string())
        return false;
    std::string_view s = raw_.substr(1, raw_.size() - 2);
    bool ok = true;
    for (std::size_t i = 0; ok && i < s.size(); ++i) {
        char c = s[i];
        if (c != '\\') {
            ok = sink(c);
            continue;
        }
        if (++i >= s.size())
            return false;
        switch (s[i]) {
        case 'b': ok = sink('\b'); break;
        case 'f': ok = sink('\f'); break;
        case 'n': ok = sink('\n'); break;
        case 'r': ok = sink('\r'); break;
        case 't': ok = sink('\t'); break;
        case 'u': {
            std::uint32_t code = hex4(s, i + 1);
            i += 4;
            if (code >= 0xD800 && code < 0xDC00 && i + 2 < s.size() && s[i + 1] == '\\' && s[i + 2] == 'u') {
                std::uint32_t low = hex4(s, i + 3);
                if (low >= 0xDC00 && low < 0xE000) {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                    i += 6;
                }
            }
            if (code >= 0xD800 && code < 0xE000)
                code = 0xFFFD;  // a lone surrogate
            append_utf8(code, sink, ok);
            break;
        }
        default: ok = sink(s[i]); break;  // '"', '\\', '/'
        }
    }
    return ok;
}

bool Value::equals(std::string_view text) const
{
    if (!is_string())
        return false;
    // The common case, no escapes: compare the raw text.
    std::string_view inner = raw_.substr(1, raw_.size() - 2);
    if (inner.find('\\') == std::string_view::npos)
        return inner == text;
    std::size_t at = 0;
    bool same = decode([&](char c) { return at < text.size() && text[at++] == c; });
    return same && at == text.size();
}

bool Value::starts_with(std::string_view prefix) const
{
    if (!is_string())
        return false;
    std::size_t at = 0;
    decode([&](char c) {
        if (at < prefix.size() && prefix[at] == c) {
            ++at;
            return at < prefix.size();
        }
        return false;
    });
    return at == prefix.size();
}

bool Value::unescape(Buffer& out) const
{
    return decode([&](char c) { return out.append({&c, 1}); });
}

}  // namespace nskit::json
