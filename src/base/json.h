// JSON read in place, the way jsmn and simdjson's On-Demand API do it: parse()
// validates the whole document once (syntax, nesting depth, string escapes)
// without allocating and without recursion, and a Value is then a view on the
// text of one value. Looking a member up scans the text; strings are compared
// and unescaped only when asked. Malformed, truncated or absurdly nested input
// is an Error, never a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/buffer.h"
#include "base/function_ref.h"
#include "base/result.h"
#include "base/text.h"

namespace nskit::json {

enum class Kind : std::uint8_t { object, array, string, number, boolean, null, absent };

inline constexpr std::size_t max_depth = 64;

// A view on the text of one value: 16 bytes, passed and returned in
// registers. A missing member is an absent Value (false, Kind::absent), and
// asking an absent Value anything answers "absent" again, so a path of
// lookups needs no check per step: doc.get("State").get("Pid").integer().
class Value {
public:
    Value() = default;  // absent
    explicit operator bool() const { return !raw_.empty(); }
    Kind kind() const;
    std::string_view raw() const { return raw_; }  // the value's own text, as written

    // Objects: the value of the first member named `key` (compared unescaped).
    Value get(std::string_view key) const;
    // get() along a path of keys: at({"State", "Pid"}).
    Value at(std::initializer_list<std::string_view> keys) const;

    // Scalars; nullopt when the value is of another kind or does not fit.
    std::optional<bool> boolean() const;
    std::optional<std::int64_t> integer() const;
    std::optional<std::uint64_t> unsigned_integer() const;  // 0 ... 2^64-1 (resource limits)
    bool is_null() const { return raw_ == "null"; }

    // Strings.
    bool equals(std::string_view text) const;  // a string whose unescaped text is `text`
    bool starts_with(std::string_view prefix) const;
    // Appends the unescaped text; false when not a string or it did not fit.
    template <std::size_t N>
    bool unescape(Text<N>& out) const
    {
        if (auto text = without_escapes()) {
            out.append(*text);
            return !out.truncated();
        }
        return decode([&](char c) {
            out.append(c);
            return !out.truncated();
        });
    }
    [[nodiscard]] bool unescape(Buffer& out) const;

private:
    friend class Members;
    friend class Elements;
    friend Result<Value> parse(std::string_view document);
    explicit Value(std::string_view raw) : raw_(raw) {}
    bool is_string() const { return raw_.size() >= 2 && raw_[0] == '"'; }
    // A string's text as it stands when it has no escape (the common case); nullopt otherwise.
    std::optional<std::string_view> without_escapes() const;
    // Feeds the unescaped text to sink(c) until it returns false; false
    // when not a string, or when the sink said stop.
    bool decode(FunctionRef<bool(char)> sink) const;

    std::string_view raw_;
};

// Validates `document` (one value, white space around it) and returns its root.
Result<Value> parse(std::string_view document);

// for (Members m(object); m.next(key, value);) ...  (nothing when not an object)
class Members {
public:
    explicit Members(Value object);
    bool next(Value& key, Value& value);

private:
    std::string_view rest_;
};

// for (Elements e(array); e.next(element);) ...
class Elements {
public:
    explicit Elements(Value array);
    bool next(Value& element);

private:
    std::string_view rest_;
};

}  // namespace nskit::json
