// JSON parsing (json.h): one pass over the whole document that validates
// its syntax, nesting depth and string escapes, without allocating and
// without recursion; the Value it returns is then read in place (json.cpp).
#include "base/json.h"
#include "base/json_scan.h"

namespace nskit::json {

using namespace std::literals;
using namespace detail;

namespace {

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

}  // namespace nskit::json
