#include <catch2/catch.hpp>

#include <sched.h>
#include <signal.h>

#include <string>
#include <vector>

#include "applets/unshare.h"

using namespace nskit;

namespace {

struct Outcome {
    std::string error;  // empty when parsing succeeded
    bool bad_usage = false;
};

// The plan is large (four maps of the kernel's maximum size): one, reused.
UnsharePlan& fresh_plan()
{
    static UnsharePlan* plan = new UnsharePlan;
    plan->~UnsharePlan();
    new (plan) UnsharePlan;
    return *plan;
}

// The plan points into argv (plan.program), so the words live on until the next parse.
Outcome parse(std::vector<const char*> words, UnsharePlan& plan)
{
    static std::vector<const char*> argv;
    argv = std::move(words);
    argv.insert(argv.begin(), "unshare");
    Outcome outcome;
    auto parsed = parse_unshare_options(plan, static_cast<int>(argv.size()), const_cast<char**>(argv.data()),
                                        outcome.bad_usage);
    if (!parsed.ok())
        outcome.error = std::string(parsed.error().what.view()) + ": " + parsed.error().why();
    return outcome;
}

}  // namespace

TEST_CASE("unshare refuses bad values and bad combinations before doing anything")
{
    struct Case {
        std::vector<const char*> argv;
        const char* error;
        bool bad_usage;
    } cases[] = {
        {{"--bogus"}, "--bogus: unrecognized option", true},
        {{"-Z"}, "-Z: invalid option", true},
        {{"--setgroups"}, "--setgroups: option requires an argument", true},
        {{"--setgroups=deny"}, "option --setgroups: it needs a new user namespace (-U)", false},
        {{"--setgroups=maybe"}, "invalid --setgroups 'maybe': expected allow or deny", false},
        {{"--propagation", "up"}, "invalid --propagation 'up': expected slave, shared, private or unchanged", false},
        {{"--kill-child=NOPE"}, "invalid --kill-child 'NOPE': unknown signal", false},
        {{"--kill-child=9"}, "invalid --kill-child '9': unknown signal", false},
        {{"-r", "--setgroups=allow"}, "options --setgroups=allow and --map-group: they are mutually exclusive", false},
        {{"--map-group=0", "--setgroups", "allow"},
         "options --setgroups=allow and --map-group: they are mutually exclusive", false},
        {{"--monotonic", "5"}, "options --monotonic and --boottime: they require unsharing a time namespace (-T)", false},
        {{"-T", "--boottime", "x"}, "invalid --boottime 'x': not a whole number of seconds", false},
        {{"--pid=/x"}, "cannot persist the pid namespace: a pid namespace lives only with a process in it: add --fork",
         false},
        {{"--map-users=1,2"}, "invalid --map-users '1,2': expected inner:outer:count", false},
        {{"--map-users=0:10:5", "--map-users=3:100:1"}, "invalid --map-users '3:100:1': it overlaps another range",
         false},
        {{"--map-groups=0:10:0"}, "invalid --map-groups '0:10:0': the range is empty or goes past the last id", false},
        {{"--owner", "1000"}, "invalid --owner '1000': expected uid:gid", false},
        {{"-S", "root"}, "invalid --setuid 'root': not a number", false},
        {{"--map-user=nskit-surely-no-such-user"}, "invalid --map-user 'nskit-surely-no-such-user': no such user",
         false},
    };
    for (const Case& c : cases) {
        std::string words;
        for (const char* w : c.argv)
            words += std::string(w) + " ";
        INFO(words);
        Outcome outcome = parse(c.argv, fresh_plan());
        CHECK(outcome.error == c.error);
        CHECK(outcome.bad_usage == c.bad_usage);
    }
}

TEST_CASE("unshare options imply what util-linux's imply")
{
    SECTION("namespace options come from the kind table, with optional files")
    {
        UnsharePlan& plan = fresh_plan();
        REQUIRE(parse({"-m", "-u", "--net=/run/n", "-i", "--cgroup", "-f", "--pid=/run/p", "sh"}, plan).error.empty());
        CHECK(plan.clone_flags == (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWCGROUP | CLONE_NEWPID));
        REQUIRE(plan.persist_count == 2);
        CHECK(plan.persists[0].kind == NsKind::net);
        CHECK(std::string(plan.persists[1].file) == "/run/p");
        REQUIRE(plan.program);
        CHECK(std::string(plan.program[0]) == "sh");
    }
    SECTION("short namespace options take no file: -mu is -m -u, -Ur is -U -r (util-linux: \"+fhVmuinpCTUrR:w:S:G:c\")")
    {
        UnsharePlan& plan = fresh_plan();
        REQUIRE(parse({"-mu"}, plan).error.empty());
        CHECK(plan.clone_flags == (CLONE_NEWNS | CLONE_NEWUTS));
        UnsharePlan& bundled = fresh_plan();
        REQUIRE(parse({"-Urm"}, bundled).error.empty());
        CHECK(bundled.clone_flags == (CLONE_NEWUSER | CLONE_NEWNS));
        UnsharePlan& forked = fresh_plan();
        REQUIRE(parse({"-pf"}, forked).error.empty());
        CHECK(forked.clone_flags == CLONE_NEWPID);
        CHECK(forked.fork);
    }
    SECTION("the long form still takes =FILE")
    {
        UnsharePlan& plan = fresh_plan();
        REQUIRE(parse({"--mount=/x"}, plan).error.empty());
        CHECK(std::string(plan.persists[0].file) == "/x");
    }
    SECTION("maps imply a user namespace; --mount-proc a mount namespace; --kill-child a fork")
    {
        UnsharePlan& plan = fresh_plan();
        REQUIRE(parse({"-r", "--mount-proc", "--kill-child=SIGTERM"}, plan).error.empty());
        CHECK(plan.clone_flags == (CLONE_NEWUSER | CLONE_NEWNS));
        CHECK(plan.map_to[int(IdKind::user)] == 0u);
        CHECK(plan.map_to[int(IdKind::group)] == 0u);
        CHECK(std::string(plan.proc_dir) == "/proc");
        CHECK(plan.fork);
        CHECK(plan.kill_signal == SIGTERM);
        CHECK(plan.program == nullptr);
    }
    SECTION("--forward-signals implies --fork; offsets are signed")
    {
        UnsharePlan& plan = fresh_plan();
        REQUIRE(parse({"--forward-signals", "-T", "--monotonic=-5", "--boottime", "7", "--", "-x"}, plan).error.empty());
        CHECK(plan.fork);
        CHECK(plan.forward_signals);
        CHECK(plan.monotonic == -5);
        CHECK(plan.boottime == 7);
        CHECK(std::string(plan.program[0]) == "-x");
    }
    SECTION("--owner implies a user namespace; --propagation unchanged is 0")
    {
        UnsharePlan& plan = fresh_plan();
        REQUIRE(parse({"--owner", "1000:100", "--propagation", "unchanged"}, plan).error.empty());
        CHECK(plan.clone_flags == CLONE_NEWUSER);
        CHECK(plan.owner_uid == 1000u);
        CHECK(plan.owner_gid == 100u);
        CHECK(plan.propagation == 0ul);
    }
    SECTION("--help and --version stop parsing")
    {
        UnsharePlan& plan = fresh_plan();
        const char* help[] = {"unshare", "-h", "--bogus", nullptr};
        bool bad_usage = false;
        auto parsed = parse_unshare_options(plan, 3, const_cast<char**>(help), bad_usage);
        REQUIRE(parsed.ok());
        CHECK(parsed.value() == Parsed::help);
        const char* version[] = {"unshare", "--version", nullptr};
        auto versioned = parse_unshare_options(fresh_plan(), 2, const_cast<char**>(version), bad_usage);
        REQUIRE(versioned.ok());
        CHECK(versioned.value() == Parsed::version);
    }
}
