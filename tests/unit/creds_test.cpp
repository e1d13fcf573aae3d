#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "context/creds.h"

using namespace nskit;

namespace {
constexpr std::string_view passwd =
    "root:x:0:0:root:/root:/bin/sh\n"
    "app:x:1000:1000:app:/home/app:/bin/ash\n"
    "nohome:x:1001:1001::::\n";
constexpr std::string_view group =
    "root:x:0:\n"
    "wheel:x:10:root\n"
    "app:x:1000:\n"
    "audio:x:29:app,nohome\n";

// "uid gid groups... home" or "error: ..."
std::string resolve(std::string_view spec, bool primary_in_groups = true, std::string_view extra_groups = {})
{
    auto r = resolve_user(spec, passwd, group, extra_groups, primary_in_groups);
    if (!r.ok())
        return "error: " + std::string(r.error().what.view()) + ": " + r.error().why();
    std::string out = std::to_string(r.value().uid) + " " + std::to_string(r.value().gid) + " [";
    for (gid_t g : r.value().group_list())
        out += " " + std::to_string(g);
    return out + " ] " + std::string(r.value().home.view());
}
}  // namespace

TEST_CASE("users resolve as docker exec -u resolves them (observed with Docker 20.10 and runc)")
{
    struct Case {
        const char* spec;
        const char* expected;
    } cases[] = {
        {"", "0 0 [ 0 10 ] /root"},
        {"root", "0 0 [ 0 10 ] /root"},
        {"0", "0 0 [ 0 10 ] /root"},
        {"root:root", "0 0 [ 0 ] /root"},
        {"0:0", "0 0 [ 0 ] /root"},
        {"root:10", "0 10 [ 10 ] /root"},
        {":10", "0 10 [ 10 ] /root"},
        {"app", "1000 1000 [ 1000 29 ] /home/app"},
        {"1000", "1000 1000 [ 1000 29 ] /home/app"},
        {"1000:1000", "1000 1000 [ 1000 ] /home/app"},
        {"app:wheel", "1000 10 [ 10 ] /home/app"},
        {"2000", "2000 0 [ 0 ] /"},
        {"2000:10", "2000 10 [ 10 ] /"},
        {"2000:3000", "2000 3000 [ 3000 ] /"},
        {"nohome", "1001 1001 [ 1001 29 ] /"},
        {"root:", "0 0 [ 0 10 ] /root"},
        {"nobody", "error: unable to find user nobody: no matching entries in passwd file"},
        {"app:nogroup", "error: unable to find group nogroup: no matching entries in group file"},
        {"99999999999", "error: unable to find user 99999999999: no matching entries in passwd file"},
    };
    for (const Case& c : cases) {
        INFO(c.spec);
        CHECK(resolve(c.spec) == c.expected);
    }
    auto app = resolve_user("app", passwd, group);
    CHECK(app.value().shell.view() == "/bin/ash");
    CHECK(resolve_user("2000", passwd, group).value().shell.empty());
}

TEST_CASE("before Docker 20.10.18 the primary gid is no supplementary group of its own (Debian 11's 20.10.5)")
{
    CHECK(resolve("1000:1000", false) == "1000 1000 [ ] /home/app");
    CHECK(resolve("1000", false) == "1000 1000 [ 29 ] /home/app");  // only what /etc/group lists
    CHECK(resolve("2000", false) == "2000 0 [ ] /");
    CHECK(resolve("root", false) == "0 0 [ 10 ] /root");
    CHECK(resolve("app", false, "1000,4242") == "1000 1000 [ 29 1000 4242 ] /home/app");  // --group-add may name it
    CHECK(resolve("1000:1000") == "1000 1000 [ 1000 ] /home/app");
}

TEST_CASE("--group-add groups come on top, by name or number")
{
    auto r = resolve_user("app", passwd, group, "wheel,4242,audio");
    REQUIRE(r.ok());
    CHECK(std::vector<gid_t>(r.value().group_list().begin(), r.value().group_list().end()) ==
          std::vector<gid_t>{1000, 29, 10, 4242});
    auto explicit_group = resolve_user("0:0", passwd, group, "29");
    CHECK(explicit_group.value().group_count == 2);
    auto unknown = resolve_user("app", passwd, group, "nogroup");
    REQUIRE_FALSE(unknown.ok());
    CHECK(std::string(unknown.error().what.view()) == "unable to find group nogroup");
}

TEST_CASE("without passwd and group files")
{
    auto none = resolve_user("", "", "");
    REQUIRE(none.ok());
    CHECK(none.value().uid == 0);
    CHECK(none.value().group_count == 1);
    CHECK_FALSE(resolve_user("root", "", "").ok());
}
