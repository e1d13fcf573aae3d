#include <catch2/catch.hpp>

#include "mutate.h"

#include <string>

#include "runtime/http.h"

using namespace nskit;

namespace {
// "done:<status>:<body>", "more", or "error:<why>"
std::string feed(std::string_view received, bool at_end, std::size_t max_body = 100)
{
    http::Reply reply;
    auto r = http::parse_reply(received, at_end, max_body, reply);
    if (!r.ok())
        return std::string("error:") + r.error().why();
    if (!r.value())
        return "more";
    return "done:" + std::to_string(reply.status) + ":" + std::string(reply.body.view()) +
           (reply.api_version.empty() ? "" : ":v" + std::string(reply.api_version.view()));
}
}  // namespace

TEST_CASE("HTTP replies are framed as RFC 9112 says")
{
    struct Case {
        std::string received;
        bool at_end;
        std::string expected;
    } cases[] = {
        {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nApi-Version: 1.41\r\n\r\nOK", false, "done:200:OK:v1.41"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nOK", false, "more"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nOK", true, "error:the reply was cut short"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOKextra", false, "done:200:OK"},
        {"HTTP/1.1 404 Not Found\r\ncontent-length: 3\r\n\r\n{}\n", false, "done:404:{}\n"},
        {"HTTP/1.0 200 OK\r\n\r\nuntil the end", false, "more"},
        {"HTTP/1.0 200 OK\r\n\r\nuntil the end", true, "done:200:until the end"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\n\r\n", false,
         "done:200:Wikipedia"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n0\r\nTrailer: x\r\n\r\n", false,
         "done:200:Wiki"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWi", false, "more"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n", true, "error:the reply was cut short"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false, "error:malformed chunk size"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWikiXX", false, "error:malformed chunk"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n", false,
         "error:malformed chunk size"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n", false, "error:the reply is too large"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", false, "error:unsupported transfer coding"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n", false, "error:the reply is too large"},
        {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", false, "error:malformed Content-Length"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", false,
         "error:malformed Content-Length"},
        {"HTTP/1.1 204 No Content\r\n\r\n", false, "done:204:"},
        {"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n", false, "done:500:"},
        {"HTTP/1.1 200 OK\r\nContent-Le", false, "more"},
        {"HTTP/1.1 200 OK\r\nContent-Le", true, "error:the reply was cut short"},
        {"", true, "error:the server closed the connection without a reply"},
        {"SSH-2.0-OpenSSH\r\n\r\n", false, "error:not an HTTP reply"},
        {"HTTP/1.1 2x0 OK\r\n\r\n", false, "error:malformed status line"},
        {"HTTP/1.1 200 OK\r\nno colon\r\n\r\n", false, "error:malformed header"},
        {"HTTP/1.1 200 OK\nContent-Length: 2\n\nOK", false, "done:200:OK"},
        {"HTTP/1.1 200 OK\r\n" + std::string(70000, 'x'), false, "error:the header is too large"},
    };
    for (const Case& c : cases) {
        INFO(c.received.substr(0, 80) << " at_end=" << c.at_end);
        CHECK(feed(c.received, c.at_end) == c.expected);
    }
}

TEST_CASE("every prefix of a chunked reply asks for more, never misreads")
{
    std::string whole = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
    for (std::size_t n = 0; n < whole.size(); ++n) {
        INFO(n);
        CHECK(feed(whole.substr(0, n), false) == "more");
    }
    CHECK(feed(whole, false) == "done:200:abcde");
}

TEST_CASE("a socket that is not there")
{
    http::Limits limits;
    http::Reply reply;
    auto r = http::get("/nonexistent/nskit.sock", "/_ping", limits, reply);
    REQUIRE_FALSE(r.ok());
    CHECK(std::string(r.error().what.view()) == "cannot connect to /nonexistent/nskit.sock");
}

#include <random>

#include "runtime/engine.h"

TEST_CASE("mutated replies: a message, more, or an error, never a crash")
{
    const std::string whole =
        "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nTransfer-Encoding: chunked\r\n\r\n"
        "1a\r\n{\"Id\":\"abc\",\"State\":{}}  \r\n3;x\r\n\n\n\n\r\n0\r\n\r\n";
    std::mt19937 random(99);
    constexpr std::string_view alphabet = "0123456789abcdefxyz;:\r\n \t-HTTP/";
    for (int round = 0; round < 20000; ++round) {
        std::string text = mutate(whole, random, alphabet, 3);
        http::Reply reply;
        for (bool at_end : {false, true}) {
            auto r = http::parse_reply(text, at_end, 64, reply);
            if (r.ok() && r.value())
                CHECK(reply.body.size() <= 64);
        }
    }
}

TEST_CASE("container names are escaped in the request path")
{
    Text<1200> url("/v1.41/containers/");
    engine::append_path_segment(url, "web-1_a.b~");
    CHECK(url.view() == "/v1.41/containers/web-1_a.b~");
    Text<1200> odd;
    engine::append_path_segment(odd, "../x y?#/%\xff");
    CHECK(odd.view() == "..%2Fx%20y%3F%23%2F%25%FF");
}
