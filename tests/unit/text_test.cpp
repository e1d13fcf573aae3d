#include <catch2/catch.hpp>

#include "base/result.h"
#include "base/text.h"

using namespace nskit;

TEST_CASE("parse_decimal accepts whole numbers within the limit only")
{
    struct Case {
        const char* input;
        std::uint64_t max;
        std::optional<std::uint64_t> expected;
    } cases[] = {
        {"0", 100, 0},          {"42", 100, 42},     {"100", 100, 100},   {"101", 100, std::nullopt},
        {"", 100, std::nullopt}, {"-5", 100, std::nullopt}, {"+5", 100, std::nullopt},
        {"12abc", 100, std::nullopt}, {" 7", 100, std::nullopt}, {"4194304", 4194304, 4194304},
        {"99999999999", 0x7fffffff, std::nullopt}, {"18446744073709551615", UINT64_MAX, UINT64_MAX},
        {"18446744073709551616", UINT64_MAX, std::nullopt},
    };
    for (const Case& c : cases) {
        INFO(c.input);
        CHECK(parse_decimal(c.input, c.max) == c.expected);
    }
}

TEST_CASE("parse_hex reads capability masks")
{
    CHECK(parse_hex("000001ffffffffff") == 0x1ffffffffffull);
    CHECK(parse_hex("00000000a80425fb") == 0xa80425fbull);
    CHECK(parse_hex("xyz") == std::nullopt);
    CHECK(parse_hex("") == std::nullopt);
}

TEST_CASE("Text appends strings and numbers and cuts at capacity")
{
    Text<32> t("pid ", 42, ", uid ", -1, ", ", 'x');
    CHECK(t.view() == "pid 42, uid -1, x");
    Text<8> small("0123456789");
    CHECK(small.view() == "0123456");
    CHECK(small.truncated());
}

TEST_CASE("split_first, trim and base_name")
{
    std::string_view s = "a:b:c";
    CHECK(split_first(s, ':') == "a");
    CHECK(s == "b:c");
    CHECK(split_first(s, ':') == "b");
    CHECK(split_first(s, ':') == "c");
    CHECK(s.empty());
    CHECK(trim("  x \n") == "x");
    CHECK(base_name("/usr/local/bin/nsenter") == "nsenter");
    CHECK(base_name("nsenter") == "nsenter");
    CHECK(base_name("/x/y/") == "y");
}

namespace {
Result<int> half(int v)
{
    if (v % 2)
        return Error::because("odd number", "cannot halve ", v);
    return v / 2;
}
Result<int> quarter(int v)
{
    int h = TRY(half(v));
    return TRY(half(h));
}
}  // namespace

TEST_CASE("TRY propagates the first error with its text")
{
    auto ok = quarter(8);
    REQUIRE(ok.ok());
    CHECK(ok.value() == 2);
    auto bad = quarter(6);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().what.view() == "cannot halve 3");
    CHECK(std::string_view(bad.error().why()) == "odd number");
    auto described = half(3).describe("step two");
    CHECK(described.error().what.view() == "step two");
}
