#include <catch2/catch.hpp>

#include <string>

#include "base/sha256.h"

using namespace nskit;

TEST_CASE("sha256_hex gives FIPS 180-4's digests, on both sides of a block boundary")
{
    struct Case {
        std::string input;
        const char* digest;
    } cases[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {std::string(1000000, 'a'), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
        // docker context names: the directory of context "default" would be this one.
        {"default", "37a8eec1ce19687d132fe29051dca629d164e2c4958ba141d5f4133a33f0688f"},
    };
    for (const Case& c : cases) {
        INFO(c.input.size() << " bytes");
        CHECK(std::string(sha256_hex(c.input).c_str()) == c.digest);
    }
}
