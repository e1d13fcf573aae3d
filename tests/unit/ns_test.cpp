#include <catch2/catch.hpp>

#include <string>

#include "ns/enter.h"
#include "ns/kinds.h"
#include "ns/target.h"
#include "ns/userns.h"

using namespace nskit;

TEST_CASE("the namespace table: one entry per kind, flags distinct, user first")
{
    int seen = 0;
    for (const NsInfo& ns : namespace_kinds) {
        CHECK((seen & ns.clone_flag) == 0);
        seen |= ns.clone_flag;
        CHECK(kind_of_clone_flag(ns.clone_flag) == ns.kind);
        CHECK(kind_of_proc_name(ns.proc_name) == ns.kind);
    }
    CHECK(seen == all_clone_flags());
    CHECK(namespace_kinds.front().kind == NsKind::user);
    CHECK(info(NsKind::mnt).proc_name == "mnt");
    CHECK(info(NsKind::mnt).long_option == "mount");
    CHECK(info(NsKind::net).short_option == 'n');
    CHECK_FALSE(kind_of_proc_name("pid_for_children"));
}

TEST_CASE("parse_target takes PID and PID:INODE, and nothing else")
{
    struct Case {
        const char* text;
        bool ok;
        pid_t pid;
        std::optional<std::uint64_t> inode;
    } cases[] = {
        {"1", true, 1, std::nullopt},
        {"4194304", true, 4194304, std::nullopt},
        {"42:1234", true, 42, 1234},
        {"0", false, 0, std::nullopt},
        {"-5", false, 0, std::nullopt},
        {"abc", false, 0, std::nullopt},
        {"99999999999", false, 0, std::nullopt},
        {"4194305", false, 0, std::nullopt},
        {"42:", false, 0, std::nullopt},
        {"42:x", false, 0, std::nullopt},
        {":5", false, 0, std::nullopt},
        {"", false, 0, std::nullopt},
    };
    for (const Case& c : cases) {
        INFO(c.text);
        auto parsed = parse_target(c.text);
        REQUIRE(parsed.ok() == c.ok);
        if (c.ok) {
            CHECK(parsed.value().pid == c.pid);
            CHECK(parsed.value().inode == c.inode);
        } else {
            CHECK(std::string(parsed.error().what.view()).find(c.text) != std::string::npos);
        }
    }
}

TEST_CASE("parse_proc_stat finds the state and the kernel-thread flag after the command name")
{
    auto sleeping = parse_proc_stat("1234 (sleep) S 1 1234 1234 0 -1 4194560 100 0 0 0");
    REQUIRE(sleeping);
    CHECK(sleeping->state == 'S');
    CHECK_FALSE(sleeping->kernel_thread);
    auto kthread = parse_proc_stat("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0");
    REQUIRE(kthread);
    CHECK(kthread->kernel_thread);
    auto tricky = parse_proc_stat("77 (a) Z (b) Z 1 77 77 0 -1 4194304 0");
    REQUIRE(tricky);
    CHECK(tricky->state == 'Z');
    CHECK_FALSE(parse_proc_stat("garbage"));
    CHECK_FALSE(parse_proc_stat("1 (x)"));
}

TEST_CASE("id_inside maps an id through a uid_map")
{
    constexpr std::string_view map = "         0     100000      65536\n     65536       5000          1\n";
    CHECK(id_inside(map, 100000) == 0u);
    CHECK(id_inside(map, 101000) == 1000u);
    CHECK(id_inside(map, 165535) == 65535u);
    CHECK(id_inside(map, 165536) == std::nullopt);
    CHECK(id_inside(map, 5000) == 65536u);
    CHECK(id_inside(map, 0) == std::nullopt);
    CHECK(id_inside("0 0 4294967295\n", 1234) == 1234u);
    CHECK(id_inside("", 0) == std::nullopt);
}

TEST_CASE("status fields and effective ids")
{
    constexpr std::string_view status = "Name:\tsleep\nUid:\t1000\t1001\t1002\t1003\nGid:\t10\t20\t30\t40\n"
                                        "CapEff:\t0000000000000000\n";
    CHECK(effective_id(status, "Uid") == 1001u);
    CHECK(effective_id(status, "Gid") == 20u);
    CHECK(status_field(status, "Name") == "sleep");
    CHECK(status_field(status, "CapEff") == "0000000000000000");
    CHECK_FALSE(status_field(status, "Missing"));
    CHECK_FALSE(effective_id("Uid:\tx\n", "Uid"));
}

TEST_CASE("NsSelection: target kinds, files, and the mask")
{
    NsSelection selection;
    CHECK(selection.empty());
    selection.from_target(NsKind::net);
    selection.from_target(NsKind::mnt);
    CHECK(selection.wants(NsKind::net));
    CHECK_FALSE(selection.wants(NsKind::uts));
    CHECK(selection.all_from_target());
    CHECK(selection.mask() == (CLONE_NEWNET | CLONE_NEWNS));
    selection.from_file(NsKind::uts, Fd(::dup(0)));
    CHECK_FALSE(selection.all_from_target());
    CHECK(selection.mask() == (CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWUTS));
    CHECK(selection.target_mask() == (CLONE_NEWNET | CLONE_NEWNS));
    selection.from_file(NsKind::net, Fd(::dup(0)));  // a file replaces the target's
    CHECK(selection.target_mask() == CLONE_NEWNS);
    selection.drop(NsKind::uts);
    CHECK_FALSE(selection.wants(NsKind::uts));
}
