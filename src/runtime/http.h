// HTTP/1.1 over a unix socket, as much of it as the engine APIs need: one GET
// per connection ("Connection: close"), a status line, headers, and a body
// framed by Content-Length, chunked transfer coding, or the end of the
// stream. Everything is bounded: the whole exchange by a deadline (poll), the
// header by 64 KiB, the body by the caller's limit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/buffer.h"
#include "base/result.h"
#include "base/text.h"

namespace nskit::http {

struct Reply {
    int status = 0;
    Text<16> api_version;  // the "API-Version" header, when the server sent one
    Buffer body;
};

struct Limits {
    int timeout_ms = 2000;  // for connecting, sending and reading, all together
    std::size_t max_body = 4 * 1024 * 1024;
};

// GET `target` ("/v1.41/containers/web/json") from the server at unix socket `path`.
Result<Reply> get(const char* path, std::string_view target, const Limits& limits);

// The parser behind get(), exposed for tests: given the bytes received so
// far, returns true with `reply` filled once a whole message is there, false
// when more is needed (`at_end`: the peer closed, so nothing more will come:
// then a missing part is an error), or an Error for a malformed message.
Result<bool> parse_reply(std::string_view received, bool at_end, std::size_t max_body, Reply& reply);

inline constexpr std::size_t max_header = 64 * 1024;

}  // namespace nskit::http
