// Finding a container through an engine's HTTP API on a unix socket: Docker's
// (DOCKER_HOST=unix://..., else /var/run/docker.sock) or Podman's Docker-
// compatible one (/run/podman/podman.sock). The daemon resolves the name, full
// ID or unique ID prefix itself, as `docker exec` would have it do.
#pragma once

#include "base/result.h"
#include "runtime/container.h"

namespace nskit::engine {

struct Endpoint {
    Text<200> socket;  // path of the unix socket
    Source kind = Source::engine;
};

// The socket to ask: for Source::engine DOCKER_HOST or the default, for
// Source::podman CONTAINER_HOST or the default; nothing (an Error) when the
// variable names something other than a unix socket.
Result<Endpoint> endpoint_for(Source kind);

// With no runtime asked for: DOCKER_HOST when set, else Docker's socket when
// it exists, else Podman's when it exists, else Docker's.
Result<Endpoint> default_endpoint();

// Asks the engine about `query` (a name, ID or ID prefix). Errors carry
// no_such_container / ambiguous_prefix when the engine answered so.
Result<ContainerInfo> inspect(const Endpoint& endpoint, std::string_view query, int timeout_ms);

// Percent-encodes `text` for a URL path segment.
void append_path_segment(Text<1200>& url, std::string_view text);

}  // namespace nskit::engine
