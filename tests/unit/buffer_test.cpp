#include <catch2/catch.hpp>

#include <string>

#include "base/buffer.h"

using namespace nskit;

namespace {

// `n` bytes of a pattern that shows where each came from.
std::string pattern(std::size_t n, char seed)
{
    std::string bytes(n, '\0');
    for (std::size_t i = 0; i < n; ++i)
        bytes[i] = static_cast<char>(seed + i % 61);
    return bytes;
}

}  // namespace

TEST_CASE("Buffer grows and keeps its bytes")
{
    // Buffers of every size in rounds, as the seccomp compiler makes them, one round an ABI.
    for (int round = 0; round < 3; ++round) {
        Buffer small, large, grown;
        std::string small_bytes = pattern(100, 'a'), large_bytes = pattern(70000, 'b'), grown_bytes;
        REQUIRE(small.append(small_bytes));
        REQUIRE(large.append(large_bytes));
        for (int piece = 0; piece < 40; ++piece) {
            std::string more = pattern(1000 + piece, static_cast<char>('c' + piece % 20));
            REQUIRE(grown.append(more));
            grown_bytes += more;
        }
        CHECK(small.view() == small_bytes);
        CHECK(large.view() == large_bytes);
        CHECK(grown.view() == grown_bytes);
    }
    // A Buffer moved from gives its block to the one it moves into; one
    // emptied still takes more.
    Buffer from;
    REQUIRE(from.append("moved"));
    Buffer to = static_cast<Buffer&&>(from);
    CHECK(to.view() == "moved");
    CHECK(from.empty());
    REQUIRE(from.append("again"));
    CHECK(from.view() == "again");
    Buffer after;
    REQUIRE(after.append(pattern(5000, 'z')));
    CHECK(after.view() == pattern(5000, 'z'));
}

TEST_CASE("A Buffer given back comes to the next one cleared")
{
    // Every byte a Buffer ever held, also past a clear() or truncate(), is
    // zero in the next Buffer that gets its block, as in a fresh mapping.
    for (int round = 0; round < 4; ++round) {
        {
            Buffer used;
            REQUIRE(used.append(pattern(9000, 'k')));
            used.clear();
            REQUIRE(used.append(pattern(10, 'm')));
            used.truncate(3);
            Buffer grown;
            REQUIRE(grown.append(pattern(3000, 'n')));
            REQUIRE(grown.append(pattern(300000, 'o')));  // past the room a new Buffer has
        }
        Buffer next;
        REQUIRE(next.reserve_more(1));
        auto spare = next.spare();
        REQUIRE(spare.size() >= 9000);
        std::size_t nonzero = 0;
        for (std::size_t i = 0; i < 9000; ++i)
            nonzero += spare[i] != 0;
        CHECK(nonzero == 0);
        Buffer large;
        REQUIRE(large.reserve_more(300000));
        std::size_t large_nonzero = 0;
        for (char byte : large.spare())
            large_nonzero += byte != 0;
        CHECK(large_nonzero == 0);
        REQUIRE(large.append(pattern(1000, 'p')));
        CHECK(large.view() == pattern(1000, 'p'));
    }
}
