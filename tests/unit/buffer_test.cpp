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
