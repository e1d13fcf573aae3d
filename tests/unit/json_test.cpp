#include <catch2/catch.hpp>

#include "mutate.h"

#include <random>
#include <string>

#include "base/json.h"

using namespace nskit;
using namespace nskit::json;

namespace {
const std::string inspect = R"({
  "Id": "4f1a2b3c",
  "Name": "/web",
  "State": {"Status": "running", "Running": true, "Paused": false, "Pid": 4242, "ExitCode": -1},
  "Config": {
    "Env": ["PATH=/usr/bin", "QUOTE=say \"hi\"", "UNI=\u00e9\ud83d\ude00", "TAB=a\tb"],
    "User": "", "Tty": false, "WorkingDir": "/srv", "Labels": null,
    "Nested": [[], {}, [1, -2.5e3, 0.0], {"a": [{"b": "\\/"}]}]
  }
})";

std::string error_of(std::string_view text)
{
    auto r = parse(text);
    return r.ok() ? "ok" : r.error().why();
}
}  // namespace

TEST_CASE("reading an inspect reply in place")
{
    auto root = parse(inspect);
    REQUIRE(root.ok());
    Value doc = root.value();
    CHECK(doc.kind() == Kind::object);
    CHECK(doc.get("Id").equals("4f1a2b3c"));
    CHECK(doc.get("Id").starts_with("4f1"));
    CHECK_FALSE(doc.get("Id").starts_with("4f2"));
    CHECK_FALSE(doc.get("Id").starts_with("4f1a2b3c0"));
    CHECK(doc.at({"State", "Pid"}).integer() == 4242);
    CHECK(doc.at({"State", "ExitCode"}).integer() == -1);
    CHECK(doc.at({"State", "Running"}).boolean() == true);
    CHECK(doc.at({"State", "Paused"}).boolean() == false);
    CHECK(doc.at({"Config", "Labels"}).is_null());
    CHECK_FALSE(doc.at({"Config", "Missing"}));
    CHECK_FALSE(doc.at({"State", "Pid", "Deeper"}));
    CHECK_FALSE(doc.get("State").integer());

    std::string env;
    Value element;
    for (Elements e(doc.at({"Config", "Env"})); e.next(element);) {
        Text<64> text;
        REQUIRE(element.unescape(text));
        env += std::string(text.view()) + "|";
    }
    CHECK(env == "PATH=/usr/bin|QUOTE=say \"hi\"|UNI=\xC3\xA9\xF0\x9F\x98\x80|TAB=a\tb|");
    CHECK(doc.at({"Config", "Env"}).kind() == Kind::array);

    std::string keys;
    Value k, v;
    for (Members m(doc.get("Config")); m.next(k, v);)
        keys += std::string(k.raw()) + " ";
    CHECK(keys == "\"Env\" \"User\" \"Tty\" \"WorkingDir\" \"Labels\" \"Nested\" ");

    Value nested = doc.at({"Config", "Nested"});
    std::string kinds;
    for (Elements e(nested); e.next(element);)
        kinds += std::string(element.raw()) + ";";
    CHECK(kinds == "[];{};[1, -2.5e3, 0.0];{\"a\": [{\"b\": \"\\\\/\"}]};");

    Text<4> small;
    CHECK_FALSE(doc.get("Id").unescape(small));  // cut: says so
    Buffer big;
    REQUIRE(doc.get("Name").unescape(big));
    CHECK(big.view() == "/web");
}

TEST_CASE("escaped member names and strings compare unescaped")
{
    auto root = parse(R"({"N\u0061me": "a\/b", "x": "\ud800"})");
    REQUIRE(root.ok());
    CHECK(root.value().get("Name").equals("a/b"));
    CHECK_FALSE(root.value().get("Name").equals("a/"));
    CHECK_FALSE(root.value().get("Name").equals("a/bc"));
    Text<16> lone;
    REQUIRE(root.value().get("x").unescape(lone));
    CHECK(lone.view() == "\xEF\xBF\xBD");
}

TEST_CASE("scalars at the root and their limits")
{
    CHECK(parse(" 42 ").value().integer() == 42);
    CHECK(parse("-9223372036854775808").value().integer() == INT64_MIN);
    CHECK_FALSE(parse("9223372036854775808").value().integer());
    CHECK_FALSE(parse("1.5").value().integer());
    CHECK(parse("true").value().boolean() == true);
    CHECK(parse("null").value().is_null());
    CHECK(parse("\"\"").value().equals(""));
}

TEST_CASE("malformed documents are errors")
{
    struct Case {
        std::string text;
        const char* why;
    } cases[] = {
        {"", "empty JSON document"},
        {"   ", "truncated JSON"},
        {"{", "truncated JSON"},
        {"{\"a\"", "truncated JSON"},
        {"{\"a\":", "truncated JSON"},
        {"{\"a\":1", "truncated JSON"},
        {"{\"a\":1,", "truncated JSON"},
        {"[1,2", "truncated JSON"},
        {"\"abc", "truncated JSON"},
        {"\"ab\\", "truncated JSON"},
        {"\"\\u12", "truncated JSON"},
        {"tru", "truncated JSON"},
        {"-", "truncated JSON"},
        {"1.", "truncated JSON"},
        {"1e", "truncated JSON"},
        {"{a:1}", "malformed JSON: expected a member name"},
        {"{\"a\" 1}", "malformed JSON: expected ':'"},
        {"[1 2]", "malformed JSON"},
        {"[1,]", "malformed JSON"},
        {"{\"a\":1,}", "malformed JSON: expected a member name"},
        {"[}", "malformed JSON"},
        {"{]", "malformed JSON: expected a member name"},
        {"01", "text after the JSON document"},
        {"1 2", "text after the JSON document"},
        {"{} x", "text after the JSON document"},
        {"+1", "malformed JSON"},
        {"-a", "malformed JSON number"},
        {"1.e5", "malformed JSON number"},
        {"trux", "malformed JSON"},
        {"nul", "truncated JSON"},
        {"\"a\x01\"", "control character in a JSON string"},
        {"\"\\x\"", "bad escape in a JSON string"},
        {"\"\\u12g4\"", "bad \\u escape in a JSON string"},
        {std::string(65, '[') + std::string(65, ']'), "JSON nested too deeply"},
        {std::string(1000000, '['), "JSON nested too deeply"},
        {std::string(1000000, '{'), "malformed JSON: expected a member name"},
        {std::string("\0", 1), "malformed JSON"},
    };
    for (const Case& c : cases) {
        INFO(c.text.substr(0, 40));
        CHECK(error_of(c.text) == c.why);
    }
    CHECK(error_of(std::string(64, '[') + std::string(64, ']')) == "ok");
}

TEST_CASE("every truncation and many mutations of a real reply: an error or a value, never a crash")
{
    for (std::size_t n = 0; n < inspect.size(); ++n) {
        auto r = parse(std::string_view(inspect).substr(0, n));
        if (r.ok()) {
            // Only a prefix that is itself a whole value may parse ("{...}" has none).
            FAIL("a truncated reply parsed: " << n);
        }
    }
    std::mt19937 random(1234);
    constexpr std::string_view alphabet = "{}[]\",:\\u0123456789.eE-+ tfnrl\x01\x7f\xff";
    int parsed = 0;
    for (int round = 0; round < 20000; ++round) {
        std::string text = mutate(std::string(inspect), random, alphabet, 4);
        auto r = parse(text);
        if (!r.ok())
            continue;
        ++parsed;
        // Walk everything that parsed, the way the engine client reads it.
        Value doc = r.value();
        (void)doc.at({"State", "Pid"});
        Value k, v, element;
        for (Members m(doc); m.next(k, v);)
            for (Elements e(v); e.next(element);) {
                Text<64> t;
                (void)element.unescape(t);
            }
    }
    CHECK(parsed > 0);
}
