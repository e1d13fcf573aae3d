// Reading a validated JSON document in place (json.h): members and
// elements found by scanning the text, strings compared and unescaped only
// when asked. The parser that validates it first is json_parse.cpp.
#include "base/json.h"
#include "base/json_scan.h"

namespace nskit::json {

using namespace std::literals;
using namespace detail;

namespace detail {

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

}  // namespace detail

namespace {

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

std::optional<std::string_view> Value::without_escapes() const
{
    if (!is_string())
        return std::nullopt;
    std::string_view inner = raw_.substr(1, raw_.size() - 2);
    if (inner.find('\\') != std::string_view::npos)
        return std::nullopt;
    return inner;
}

bool Value::equals(std::string_view text) const
{
    if (!is_string())
        return false;
    if (auto inner = without_escapes())
        return *inner == text;
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
    if (auto text = without_escapes())
        return out.append(*text);
    return decode([&](char c) { return out.append({&c, 1}); });
}

}  // namespace nskit::json
