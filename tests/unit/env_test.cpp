#include <catch2/catch.hpp>

#include <stdlib.h>

#include <set>
#include <string>

#include "context/env.h"

using namespace nskit;

namespace {
std::string render(Environment& env)
{
    auto envp = env.envp();
    REQUIRE(envp.ok());
    std::string out;
    for (char* const* p = envp.value(); *p; ++p)
        out += std::string(*p) + ";";
    return out;
}
}  // namespace

TEST_CASE("a later setting of a name replaces an earlier one")
{
    Environment env;
    REQUIRE(env.set("PATH=/bin").ok());
    REQUIRE(env.set("A=1").ok());
    REQUIRE(env.set("HOSTNAME", "box").ok());
    REQUIRE(env.set("A=2=two").ok());
    REQUIRE(env.set("EMPTY=").ok());
    CHECK(render(env) == "PATH=/bin;HOSTNAME=box;A=2=two;EMPTY=;");
    CHECK(env.get("A") == "2=two");
    CHECK(env.has("EMPTY"));
    CHECK_FALSE(env.has("B"));
    CHECK(env.count() == 4);
    CHECK_FALSE(env.set("NOEQUALS").ok());
    CHECK_FALSE(env.set("=x").ok());
    CHECK_FALSE(env.set("").ok());
    CHECK_FALSE(env.set("A=B", "c").ok());
    Environment empty;
    CHECK(render(empty).empty());
}

TEST_CASE("a NUL-separated block, as in /proc/PID/environ")
{
    Environment env;
    std::string block("A=1\0junk\0\0B=2\0A=3", 18);
    REQUIRE(env.set_all(block).ok());
    CHECK(render(env) == "B=2;A=3;");
}

TEST_CASE("-e and --env-file settings")
{
    ::setenv("NSKIT_TEST_FROM_HOST", "host value", 1);
    ::unsetenv("NSKIT_TEST_UNSET");
    Environment env;
    REQUIRE(set_from_option(env, "X=1").ok());
    REQUIRE(set_from_option(env, "NSKIT_TEST_FROM_HOST").ok());
    REQUIRE(set_from_option(env, "NSKIT_TEST_UNSET").ok());
    CHECK(render(env) == "X=1;NSKIT_TEST_FROM_HOST=host value;");
    CHECK_FALSE(set_from_option(env, "=1").ok());
    CHECK_FALSE(set_from_option(env, "A B=1").ok());

    Environment file_env;
    std::string_view text =
        "\xEF\xBB\xBF# a comment\n"
        "\n"
        "  Y=two words\r\n"
        "Z=\"quoted stays quoted\"\n"
        "NSKIT_TEST_FROM_HOST\n"
        "   # indented comment\n"
        "Y=again";
    REQUIRE(set_from_env_file(file_env, text, "f").ok());
    CHECK(render(file_env) == "Z=\"quoted stays quoted\";NSKIT_TEST_FROM_HOST=host value;Y=again;");
    auto bad = set_from_env_file(file_env, "A=1\nB C=2\n", "my.env");
    REQUIRE_FALSE(bad.ok());
    CHECK(std::string(bad.error().what.view()) == "bad line 2 in my.env");
}

TEST_CASE("our own /proc/self/environ")
{
    ::setenv("NSKIT_TEST_MARK", "here", 1);
    auto block = read_process_environ(getpid());
    REQUIRE(block.ok());
    Environment env;
    REQUIRE(env.set_all(block.value().view()).ok());
    // environ of a process is its initial one: the mark set above is not in it.
    CHECK_FALSE(env.has("NSKIT_TEST_MARK"));
    CHECK(env.count() > 0);
    CHECK_FALSE(read_process_environ(999999999).ok());
}

TEST_CASE("HOME is the user's where the environment leaves it unset or empty, as runc gives it")
{
    Environment unset;
    REQUIRE(unset.set("PATH=/bin").ok());
    REQUIRE(default_home(unset, "/root").ok());
    CHECK(unset.get("HOME") == "/root");

    Environment empty;  // Podman 5's configuration of a user with no passwd entry
    REQUIRE(empty.set("HOME=").ok());
    REQUIRE(default_home(empty, "/").ok());
    CHECK(render(empty) == "HOME=/;");

    Environment given;
    REQUIRE(given.set("HOME=/srv").ok());
    REQUIRE(default_home(given, "/root").ok());
    CHECK(render(given) == "HOME=/srv;");
}
