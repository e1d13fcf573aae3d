#include <catch2/catch.hpp>

#include <stdio.h>
#include <unistd.h>

#include <string>

#include "install/files.h"
#include "version.h"

using namespace nskit;
using namespace nskit::install;

namespace {

// A literal with its NUL bytes, less the terminating one.
template <std::size_t N>
std::string bytes(const char (&literal)[N])
{
    return std::string(literal, N - 1);
}

std::string found(std::string_view bytes)
{
    auto version = find_version(bytes);
    return version ? std::string(version->view()) : "-";
}

// The same search through a file, so matches across the 16 KiB read chunks count.
std::string found_in_file(const std::string& bytes)
{
    FILE* f = tmpfile();
    fwrite(bytes.data(), 1, bytes.size(), f);
    fflush(f);
    auto version = find_version(fileno(f));
    fclose(f);
    REQUIRE(version.ok());
    return version.value() ? std::string(version.value()->view()) : "-";
}

}  // namespace

TEST_CASE("an nskit binary is recognised by its identity bytes, never by running it")
{
    struct Case {
        std::string bytes;
        const char* expected;
    } cases[] = {
        {bytes("\x7f" "ELF\0\0NSKIT-IDENTITY:0.1.0+abc\n\0"), "0.1.0+abc"},
        {"NSKIT-IDENTITY:", "-"},                       // the marker alone: no version
        {bytes("NSKIT-IDENTITY:\0"), "-"},    // as a string literal in other code
        {"NSKIT-IDENTITY:1.0 nope\n", "-"},             // a space is not part of a version
        {"NSKIT-IDENTITY:\nNSKIT-IDENTITY:2.0+x\n", "2.0+x"},
        {"NSKIT-IDENTITY:1.0", "-"},                    // cut before its newline
        {"#!/bin/sh\necho nsenter\n", "-"},
    };
    for (const Case& c : cases) {
        INFO(c.bytes);
        CHECK(found(c.bytes) == c.expected);
        CHECK(found_in_file(c.bytes) == c.expected);
    }
}

TEST_CASE("the identity is found across read chunks")
{
    for (std::size_t at : {0ul, 16384ul - 20, 16384ul - 5, 16384ul, 40000ul}) {
        std::string bytes(at, 'x');
        bytes += "NSKIT-IDENTITY:3.1+deadbeef\n";
        bytes += std::string(100, '\0');
        INFO(at);
        CHECK(found_in_file(bytes) == "3.1+deadbeef");
    }
}

TEST_CASE("this build's own version comes from its identity")
{
    // (The unit tests are compiled without the Makefile's version macros: compare with the identity.)
    CHECK("NSKIT-IDENTITY:" + std::string(own_version().view()) + "\n" == identity);
}
