#include "runtime/engine.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/sys.h"
#include "runtime/http.h"
#include "base/json.h"

namespace nskit::engine {

using namespace std::literals;

namespace {

constexpr std::string_view docker_socket = "/var/run/docker.sock";
constexpr std::string_view podman_socket = "/run/podman/podman.sock";

Result<Endpoint> from_variable(const char* variable, std::string_view fallback, Source kind)
{
    Endpoint endpoint;
    endpoint.kind = kind;
    const char* value = ::getenv(variable);
    std::string_view host = value && *value ? value : "";
    if (host.empty()) {
        endpoint.socket.append(fallback);
    } else if (starts_with(host, "unix://"sv)) {
        endpoint.socket.append(host.substr(7));
    } else {
        return Error::because("only unix:// sockets are supported", variable, '=', host);
    }
    if (endpoint.socket.empty() || endpoint.socket.truncated())
        return Error::because("not a socket path", variable, '=', host);
    return endpoint;
}

bool exists(std::string_view path)
{
    Text<256> p(path);
    return sys::stat(p.c_str()).ok();
}

// The "message" of an engine's error reply, or the body's start.
Text<160> message_of(const http::Reply& reply)
{
    Text<160> message;
    if (auto doc = json::parse(reply.body.view()); doc.ok())
        if (doc.value().get("message"sv).unescape(message) || !message.empty())
            return message;
    message.append(trim(reply.body.view().substr(0, 120)));
    return message;
}

// Whether `haystack` contains the lower-case `needle`, ignoring case.
bool contains(std::string_view haystack, std::string_view needle)
{
    for (std::size_t at = 0; at + needle.size() <= haystack.size(); ++at) {
        std::size_t i = 0;
        while (i < needle.size() && (haystack[at + i] | 0x20) == needle[i])
            ++i;
        if (i == needle.size())
            return true;
    }
    return false;
}

// One request, within what is left of the deadline that covers them all; a
// timeout names that deadline, not what was left of it.
Result<void> request(const char* socket, std::string_view target, std::size_t max_body, int timeout_ms,
                     std::int64_t started, http::Reply& reply)
{
    std::int64_t left = timeout_ms - (sys::monotonic_ms() - started);
    http::Limits limits{static_cast<int>(left > 1 ? left : 1), max_body};
    auto got = http::get(socket, target, limits, reply);
    if (!got.ok() && got.error().code == ETIMEDOUT)
        return got.take_error().describe("no reply from the engine API at ", socket, " within ", timeout_ms, " ms");
    return got;
}

// The daemon does not name the candidates of an ambiguous prefix: list them.
Error ambiguity(const char* socket, std::string_view version, std::string_view query, int timeout_ms,
                       std::int64_t started)
{
    Text<200> matches;  // " ID (NAME), ID (NAME)"
    Text<1200> url(version, "/containers/json?all=1");
    http::Reply reply;
    json::Value list, container, name;
    if (request(socket, url.view(), 8 * 1024 * 1024, timeout_ms, started, reply).ok() && reply.status == 200)
        if (auto parsed = json::parse(reply.body.view()); parsed.ok())
            list = parsed.value();
    for (json::Elements e(list); e.next(container);) {
        json::Value id = container.get("Id"sv);
        if (!id.starts_with(query))
            continue;
        Text<16> short_id;
        (void)id.unescape(short_id);
        matches.append(matches.empty() ? " " : ", ", short_id.view().substr(0, 12));
        if (json::Elements(container.get("Names"sv)).next(name)) {
            Text<64> text;
            (void)name.unescape(text);
            matches.append(" (", text.view().substr(text.view().starts_with('/') ? 1 : 0), ')');
        }
    }
    return Error::because(ambiguous_prefix, "'", query, "' matches", matches);
}

// A user's own engine, when we are not root: a rootless dockerd's socket
// (dockerd-rootless.sh: $XDG_RUNTIME_DIR/docker.sock) or rootless Podman's
// ($XDG_RUNTIME_DIR/podman/podman.sock), when it is there.
Text<200> rootless_socket(Source kind)
{
    Text<200> path;
    const char* dir = ::getenv("XDG_RUNTIME_DIR");
    if (::geteuid() == 0 || !dir || *dir != '/')
        return path;
    path.append(dir, kind == Source::podman ? "/podman/podman.sock" : "/docker.sock");
    if (path.truncated() || !exists(path.view()))
        path.clear();
    return path;
}

}  // namespace

Result<Endpoint> endpoint_for(Source kind)
{
    bool podman = kind == Source::podman;
    const char* variable = podman ? "CONTAINER_HOST" : "DOCKER_HOST";
    const char* value = ::getenv(variable);
    Text<200> own = value && *value ? Text<200>() : rootless_socket(kind);
    return from_variable(variable, own.empty() ? (podman ? podman_socket : docker_socket) : own.view(), kind);
}

Result<Endpoint> default_endpoint()
{
    const char* host = ::getenv("DOCKER_HOST");
    if ((host && *host) || !rootless_socket(Source::engine).empty() || exists(docker_socket) ||
        (rootless_socket(Source::podman).empty() && !exists(podman_socket)))
        return endpoint_for(Source::engine);
    return endpoint_for(Source::podman);
}

void append_path_segment(Text<1200>& url, std::string_view text)
{
    const char hex[] = "0123456789ABCDEF";
    for (char c : text) {
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                     c == '_' || c == '.' || c == '~';
        if (plain)
            url.append(c);
        else
            url.append('%', hex[static_cast<unsigned char>(c) >> 4], hex[c & 15]);
    }
}

namespace {

// The engine's own API version, from /_ping, as "/vX.Y" ("" when it names none).
Result<Text<24>> negotiate(const char* socket, int timeout_ms, std::int64_t started)
{
    http::Reply reply;
    TRY(request(socket, "/_ping"sv, 64 * 1024, timeout_ms, started, reply));
    if (reply.status != 200)
        return Error::because("the engine's /_ping failed", "the engine API at ", socket, " answered ", reply.status);
    Text<24> version;
    if (!reply.api_version.empty()) {
        for (char c : reply.api_version.view())
            if (!((c >= '0' && c <= '9') || c == '.'))
                return Error::because("malformed API-Version header", "the engine API at ", socket);
        version.append("/v", reply.api_version);
    }
    return version;
}

// Whether an error message says the prefix matches several containers:
// Docker says "multiple IDs found with provided prefix: ab", Podman "more
// than one result for container ...".
bool names_ambiguity(std::string_view message)
{
    return contains(message, "multiple"sv) || contains(message, "more than one"sv);
}

// Whether the engine served the path at all: an engine that no longer
// takes unversioned paths answers 400, or 404 for a route it does not have
// (Docker: "page not found"). A 400 or 404 about the container itself (no
// such container, Podman's "... no such container"; an ambiguous prefix) is
// an answer.
bool path_served(const http::Reply& reply)
{
    if (reply.status != 400 && reply.status != 404)
        return true;
    Text<160> message = message_of(reply);
    return contains(message.view(), "no such container"sv) || names_ambiguity(message.view());
}

Result<void> inspect_at(const char* socket, std::string_view version, std::string_view query, int timeout_ms,
                        std::int64_t started, http::Reply& reply)
{
    Text<1200> url(version, "/containers/");
    append_path_segment(url, query);
    url.append("/json");
    return request(socket, url.view(), 4 * 1024 * 1024, timeout_ms, started, reply);
}

}  // namespace

Result<void> inspect(const Endpoint& endpoint, std::string_view query, int timeout_ms, ContainerInfo& info)
{
    const char* socket = endpoint.socket.c_str();
    std::int64_t started = sys::monotonic_ms();

    // Neither is a name or an ID, and in a URL path they would climb.
    if (query.empty() || query == "."sv || query == ".."sv)
        return Error::because(no_such_container, "cannot find container '", query, "'");
    // One round trip: an unversioned path is served at the engine's own API
    // version (Docker's API reference says so; Podman's compat API does the
    // same), which is the version the docker CLI negotiates through /_ping
    // with an engine no newer than itself, and the one we would pick. An
    // engine that stops serving unversioned paths (moby#46889 proposes to)
    // is asked its version through /_ping, and then the versioned path.
    Text<24> version;
    http::Reply reply;
    TRY(inspect_at(socket, version.view(), query, timeout_ms, started, reply));
    if (!path_served(reply)) {
        version = TRY(negotiate(socket, timeout_ms, started));
        TRY(inspect_at(socket, version.view(), query, timeout_ms, started, reply));
    }
    if (reply.status == 404)
        return Error::because(no_such_container, "cannot find container ", query);
    if (reply.status != 200) {
        Text<160> message = message_of(reply);
        if (names_ambiguity(message.view()))
            return ambiguity(socket, version.view(), query, timeout_ms, started);
        return Error::because("the engine reported an error", "the engine API at ", socket, " answered ", reply.status,
                              ": ", message);
    }

    auto doc = TRY(json::parse(reply.body.view()).describe("bad reply from the engine API at ", socket));
    info.source = endpoint.kind;
    read_docker_container_json(doc, info);
    if (info.id.empty())
        return Error::because("the reply names no container ID", "bad reply from the engine API at ", socket);
    info.found_at.append("the engine API at ", socket);
    return {};
}

}  // namespace nskit::engine
