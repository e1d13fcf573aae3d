#include <catch2/catch.hpp>

#include <signal.h>

#include <string>

#include "base/signals.h"
#include "ns/idmap.h"

using namespace nskit;

namespace {

std::string why(const Error& e) { return std::string(e.what.view()) + ": " + e.why(); }

std::string render(const IdMap& map)
{
    std::string text;
    for (const IdRange& r : map.ranges())
        text += std::to_string(r.inner) + " " + std::to_string(r.outer) + " " + std::to_string(r.count) + "|";
    return text;
}

IdMap map_of(std::initializer_list<IdRange> ranges)
{
    IdMap map;
    for (const IdRange& r : ranges)
        REQUIRE(map.add(r).ok());
    return map;
}

}  // namespace

TEST_CASE("id ranges parse as inner:outer:count, or the old outer,inner,count")
{
    struct Case {
        const char* text;
        const char* expected;  // "inner outer count" or the error
    } cases[] = {
        {"0:100000:65536", "0 100000 65536"},
        {"100000,0,65536", "0 100000 65536"},
        {"0:0:4294967295", "0 0 4294967295"},
        {"1:2", "cannot parse id range '1:2': expected inner:outer:count"},
        {"1,2", "cannot parse id range '1,2': expected inner:outer:count"},
        {"1:2:3:4", "cannot parse id range '1:2:3:4': expected inner:outer:count"},
        {"a:2:3", "cannot parse id range 'a:2:3': expected inner:outer:count"},
        {"-1:2:3", "cannot parse id range '-1:2:3': expected inner:outer:count"},
        {"0:1000:0", "invalid id range '0:1000:0': the range is empty or goes past the last id"},
        {"4294967290:0:10", "invalid id range '4294967290:0:10': the range is empty or goes past the last id"},
        {"0:1:4294967296", "cannot parse id range '0:1:4294967296': expected inner:outer:count"},
        {"", "cannot parse id range '': expected inner:outer:count"},
    };
    for (const Case& c : cases) {
        INFO(c.text);
        auto range = parse_id_range(c.text);
        std::string got = range.ok() ? std::to_string(range.value().inner) + " " + std::to_string(range.value().outer) +
                                           " " + std::to_string(range.value().count)
                                     : why(range.error());
        CHECK(got == c.expected);
    }
}

TEST_CASE("a map refuses ranges that overlap inside or outside")
{
    IdMap map = map_of({{0, 1000, 10}});
    CHECK(map.add({10, 1010, 5}).ok());  // adjacent on both sides is fine
    auto inside = map.add({5, 5000, 1});
    REQUIRE_FALSE(inside.ok());
    CHECK(why(inside.error()) == "invalid id range 5:5000:1: it overlaps another range");
    CHECK_FALSE(map.add({100, 1009, 1}).ok());
    CHECK(map.add({100, 2000, 1}).ok());
    CHECK(render(map) == "0 1000 10|10 1010 5|100 2000 1|");
}

TEST_CASE("map text is what uid_map takes")
{
    IdMap map = map_of({{0, 1000, 1}, {1, 100000, 65535}});
    auto text = map.text();
    REQUIRE(text.ok());
    CHECK(text.value().view() == "0 1000 1\n1 100000 65535\n");
    IdMap big;
    for (std::uint32_t i = 0; i < IdMap::capacity; ++i)
        REQUIRE(big.add({i * 100000, 1000000000 + i * 100000, 100000}).ok());
    CHECK_FALSE(big.text().ok());  // 340 long lines pass a page
}

TEST_CASE("a single mapping punches a hole in the ranges")
{
    struct Case {
        IdMap ranges;
        IdRange single;
        const char* expected;
    } cases[] = {
        // The man page's example: --map-auto --map-root-user as uid 1000.
        {map_of({{0, 100000, 65536}}), {0, 1000, 1}, "0 1000 1|1 100000 65535|"},
        // No overlap: the range is kept whole.
        {map_of({{1, 100000, 10}}), {0, 1000, 1}, "0 1000 1|1 100000 10|"},
        // A hole in the middle inside.
        {map_of({{0, 100000, 10}}), {4, 1000, 1}, "4 1000 1|0 100000 4|5 100004 5|"},
        // A hole outside.
        {map_of({{0, 100000, 10}}), {50, 100003, 1}, "50 100003 1|0 100000 3|3 100004 6|"},
        // Holes on both sides: --map-users=all --map-user=0 as root.
        {map_of({{0, 0, 4294967295u}}), {0, 0, 1}, "0 0 1|1 1 4294967294|"},
        {map_of({{0, 0, 100}}), {5, 10, 1}, "5 10 1|0 0 5|6 5 5|11 11 89|"},
        // A one-id range that is the hole disappears.
        {map_of({{7, 7, 1}}), {7, 7, 1}, "7 7 1|"},
    };
    for (const Case& c : cases) {
        auto merged = merge_single(c.ranges, c.single);
        REQUIRE(merged.ok());
        CHECK(render(merged.value()) == c.expected);
    }
}

TEST_CASE("subordinate ids are found by user name or uid")
{
    constexpr std::string_view subuid =
        "# comment\n"
        "alice:100000:65536\n"
        "broken\n"
        "1001:200000:1000\n"
        "alice:300000:10\n";
    auto alice = find_subordinate_range(subuid, "alice", 1000);
    REQUIRE(alice.ok());
    CHECK(alice.value() == IdRange{0, 100000, 65536});
    auto by_uid = find_subordinate_range(subuid, "bob", 1001);
    REQUIRE(by_uid.ok());
    CHECK(by_uid.value() == IdRange{0, 200000, 1000});
    auto none = find_subordinate_range(subuid, "carol", 1002);
    REQUIRE_FALSE(none.ok());
    CHECK(std::string(none.error().why()) == "no range for this user");
}

TEST_CASE("--map-users=all passes every id of the current map through")
{
    IdMap map;
    REQUIRE(add_identity_of(map, "         0       1000          1\n         1     100000      65535\n").ok());
    CHECK(render(map) == "0 0 1|1 1 65535|");
    IdMap root;
    REQUIRE(add_identity_of(root, "         0          0 4294967295\n").ok());
    CHECK(render(root) == "0 0 4294967295|");
}

TEST_CASE("signal names as util-linux takes them")
{
    CHECK(parse_signal_name("KILL") == 9);
    CHECK(parse_signal_name("SIGKILL") == 9);
    CHECK(parse_signal_name("sigterm") == 15);
    CHECK(parse_signal_name("usr1") == 10);
    CHECK(parse_signal_name("SIGSYS") == 31);
    CHECK(parse_signal_name("HUP") == 1);
    CHECK(parse_signal_name("io") == 29);
    CHECK(parse_signal_name("POLL") == 29);
    CHECK(parse_signal_name("IOT") == 6);
    CHECK(parse_signal_name("CLD") == 17);
    CHECK_FALSE(parse_signal_name(""));
    CHECK(parse_signal_name("RTMIN") == SIGRTMIN);
    CHECK(parse_signal_name("RTMIN+2") == SIGRTMIN + 2);
    CHECK(parse_signal_name("SIGRTMAX-1") == SIGRTMAX - 1);
    CHECK_FALSE(parse_signal_name("9"));
    CHECK_FALSE(parse_signal_name("FOO"));
    CHECK_FALSE(parse_signal_name("SIG"));
    CHECK_FALSE(parse_signal_name("RTMIN-1"));
    CHECK_FALSE(parse_signal_name("RTMAX+1"));
}
