#include "runtime/http.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "base/sys.h"

namespace nskit::http {

using namespace std::literals;

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool same_name(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

// One line ending in CRLF (or a bare LF) from `s` at `at`; false when the end has not arrived.
bool take_line(std::string_view s, std::size_t& at, std::string_view& line)
{
    auto end = s.find('\n', at);
    if (end == std::string_view::npos)
        return false;
    line = s.substr(at, end - at);
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    at = end + 1;
    return true;
}

std::optional<std::uint64_t> parse_chunk_size(std::string_view line)
{
    line = trim(split_first(line, ';'));  // chunk extensions are ignored
    if (line.empty() || line.size() > 15)
        return std::nullopt;
    return parse_hex(line);
}

Error bad_reply(const char* why) { return Error::because(why, "bad reply"); }

Error too_large(std::size_t limit)
{
    return Error::because("the reply is too large", "reply body over ", limit, " bytes");
}

// Decodes a chunked body starting at `at`; false when incomplete.
Result<bool> parse_chunked(std::string_view s, std::size_t at, std::size_t max_body, Buffer& body)
{
    body.clear();
    for (;;) {
        std::string_view line;
        if (!take_line(s, at, line))
            return s.size() - at > 1024 ? Result<bool>(bad_reply("malformed chunk size"))
                                        : Result<bool>(false);
        auto size = parse_chunk_size(line);
        if (!size)
            return bad_reply("malformed chunk size");
        if (*size == 0) {
            // Trailers, then an empty line.
            for (;;) {
                if (!take_line(s, at, line))
                    return false;
                if (line.empty())
                    return true;
            }
        }
        if (*size > max_body || body.size() + *size > max_body)
            return too_large(max_body);
        if (s.size() - at < *size + 2)
            return false;
        if (!body.append(s.substr(at, *size)))
            return Error::from_errno(ENOMEM, "cannot read the reply");
        at += *size;
        if (s[at] == '\r')
            ++at;
        if (at >= s.size())
            return false;
        if (s[at] != '\n')
            return bad_reply("malformed chunk");
        ++at;
    }
}

struct Deadline {
    std::int64_t at;
    int left() const
    {
        std::int64_t left = at - sys::monotonic_ms();
        return left > 0 ? static_cast<int>(left) : 0;
    }
};

// Waits for `events` on fd; false when the deadline passed first.
Result<bool> wait_for(int fd, short events, const Deadline& deadline)
{
    struct pollfd p {fd, events, 0};
    int ready = TRY(sys::poll(&p, 1, deadline.left()));
    return ready > 0;
}

}  // namespace

Result<bool> parse_reply(std::string_view s, bool at_end, std::size_t max_body, Reply& reply)
{
    std::size_t at = 0;
    std::string_view line;
    auto header_end = s.find("\r\n\r\n"sv);
    auto bare_end = s.find("\n\n"sv);
    if (header_end == std::string_view::npos && bare_end == std::string_view::npos) {
        if (s.size() > max_header)
            return bad_reply("the header is too large");
        if (at_end)
            return bad_reply(s.empty() ? "the server closed the connection without a reply" : "the reply was cut short");
        return false;
    }

    // Status line: HTTP/1.x NNN reason
    if (!take_line(s, at, line) || !starts_with(line, "HTTP/1."sv) || line.size() < 12 || line[8] != ' ')
        return bad_reply("not an HTTP reply");
    auto status = parse_decimal(line.substr(9, 3), 999);
    if (!status || *status < 100 || (line.size() > 12 && line[12] != ' '))
        return bad_reply("malformed status line");
    reply.status = static_cast<int>(*status);

    std::optional<std::uint64_t> length;
    bool chunked = false;
    reply.api_version.clear();
    for (;;) {
        if (!take_line(s, at, line))
            return bad_reply("malformed header");
        if (line.empty())
            break;
        auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0)
            return bad_reply("malformed header");
        std::string_view name = line.substr(0, colon);
        std::string_view value = trim(line.substr(colon + 1));
        if (same_name(name, "Content-Length"sv)) {
            auto n = parse_decimal(value);
            if (!n || (length && *length != *n))
                return bad_reply("malformed Content-Length");
            length = n;
        } else if (same_name(name, "Transfer-Encoding"sv)) {
            if (!same_name(value, "chunked"sv))
                return bad_reply("unsupported transfer coding");
            chunked = true;
        } else if (same_name(name, "API-Version"sv)) {
            reply.api_version.clear();
            reply.api_version.append(value);
        }
    }

    if (reply.status == 204 || reply.status == 304 || reply.status < 200) {
        reply.body.clear();
        return true;
    }
    if (chunked) {
        auto done = TRY(parse_chunked(s, at, max_body, reply.body));
        if (!done && at_end)
            return bad_reply("the reply was cut short");
        return done;
    }
    std::size_t have = s.size() - at;
    if (length) {
        if (*length > max_body)
            return too_large(max_body);
        if (have < *length) {
            if (at_end)
                return bad_reply("the reply was cut short");
            return false;
        }
        have = *length;
    } else {
        if (have > max_body)
            return too_large(max_body);
        if (!at_end)
            return false;  // the body ends with the connection
    }
    reply.body.clear();
    if (!reply.body.append(s.substr(at, have)))
        return Error::from_errno(ENOMEM, "cannot read the reply");
    return true;
}

Result<void> get(const char* path, std::string_view target, const Limits& limits, Reply& reply)
{
    Deadline deadline{sys::monotonic_ms() + limits.timeout_ms};
    struct sockaddr_un address {};
    address.sun_family = AF_UNIX;
    std::string_view p = path;
    if (p.empty() || p.size() >= sizeof address.sun_path)
        return Error::because("the socket path is too long", "cannot connect to ", path);
    p.copy(address.sun_path, p.size());

    Fd socket = TRY(sys::socket_unix_stream());
    if (auto connected = sys::connect(socket.get(), &address, sizeof address); !connected.ok()) {
        int code = connected.error().code;
        // A unix socket's full backlog: the server is not accepting.
        if (code == EAGAIN || code == EINPROGRESS)
            return Error::from_errno(ETIMEDOUT, "no reply from ", path, " (its backlog is full)");
        return Error::from_errno(code, "cannot connect to ", path);
    }

    Text<1200> request("GET ", target, " HTTP/1.1\r\nHost: docker\r\nUser-Agent: nskit\r\n"
                       "Accept: application/json\r\nConnection: close\r\n\r\n");
    if (request.truncated())
        return Error::because("the request is too long", "cannot ask ", path);
    std::string_view unsent = request.view();
    Buffer received;
    for (;;) {
        // Send until all is sent, then read until the reply is whole.
        bool sending = !unsent.empty();
        if (!TRY(wait_for(socket.get(), sending ? POLLOUT : POLLIN, deadline)))
            return Error::from_errno(ETIMEDOUT, "no reply from ", path, " within ", limits.timeout_ms, " ms");
        if (!sending && !received.reserve_more(16384))
            return Error::from_errno(ENOMEM, "cannot read the reply from ", path);
        auto spare = received.spare();
        auto n = sending ? sys::send(socket.get(), unsent) : sys::read(socket.get(), spare.data(), spare.size());
        if (!n.ok()) {
            int code = n.error().code;
            if (code == EAGAIN)
                continue;
            if ((code == ECONNRESET && received.empty()) || (sending && code == EPIPE))
                return Error::because("the server closed the connection without a reply", "bad reply from ", path);
            return Error::from_errno(code, sending ? "cannot send a request to " : "cannot read the reply from ", path);
        }
        if (sending) {
            unsent.remove_prefix(n.value());
            continue;
        }
        received.commit(n.value());
        bool at_end = n.value() == 0;
        if (TRY(parse_reply(received.view(), at_end, limits.max_body, reply).describe("bad reply from ", path)))
            return {};
        if (received.size() > limits.max_body + max_header)
            return too_large(limits.max_body);
        if (at_end)  // parse_reply reports what is missing; this is only a guard
            return Error::because("the reply was cut short", "bad reply from ", path);
    }
}

}  // namespace nskit::http
