#include <catch2/catch.hpp>

#include <vector>

#include "context/accounts.h"

using namespace nskit;

namespace {
constexpr std::string_view passwd =
    "root:x:0:0:root:/root:/bin/bash\n"
    "broken line\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "app:x:1000:1000::/srv/app:\n";
constexpr std::string_view group =
    "root:x:0:\n"
    "wheel:x:10:root,app\n"
    "app:x:1000:\n"
    "audio:x:29:daemon,app\n";
}  // namespace

TEST_CASE("passwd look-ups by id and by name")
{
    auto root = find_user(passwd, uid_t(0));
    REQUIRE(root);
    CHECK(root->shell == "/bin/bash");
    auto app = find_user(passwd, "app");
    REQUIRE(app);
    CHECK(app->uid == 1000);
    CHECK(app->gid == 1000);
    CHECK(app->home == "/srv/app");
    CHECK(app->shell.empty());
    CHECK_FALSE(find_user(passwd, "nobody"));
    CHECK_FALSE(find_user(passwd, uid_t(4242)));
}

TEST_CASE("group look-ups and supplementary groups")
{
    CHECK(find_group(group, gid_t(10))->name == "wheel");
    CHECK(find_group(group, "audio")->gid == 29);
    std::vector<gid_t> of_app;
    for_each_group_of(group, "app", [&](gid_t gid) { of_app.push_back(gid); });
    CHECK(of_app == std::vector<gid_t>{10, 29});
}
