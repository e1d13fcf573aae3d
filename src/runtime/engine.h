// Finding a container through an engine's HTTP API on a unix socket: Docker's
// (DOCKER_HOST=unix://..., else /var/run/docker.sock) or Podman's Docker-
// compatible one (/run/podman/podman.sock), or a user's own rootless engine's. The daemon resolves the name, full
// ID or unique ID prefix itself, as `docker exec` would have it do.
#pragma once

#include "base/result.h"
#include "runtime/container.h"

namespace nskit::engine {

struct Endpoint {
    Text<200> socket;  // path of the unix socket
    Source kind = Source::engine;
};

// The socket to ask: for Source::engine DOCKER_HOST, for Source::podman
// CONTAINER_HOST; unset, the user's own rootless engine's when we are not
// root and it is there ($XDG_RUNTIME_DIR/docker.sock, .../podman/podman.sock),
// else the system's; nothing (an Error) when the variable names something
// other than a unix socket.
Result<Endpoint> endpoint_for(Source kind);

// With no runtime asked for: DOCKER_HOST when set, else the user's own
// rootless dockerd's, else Docker's socket when it exists, else Podman's
// (the user's own, then the system's) when it exists, else Docker's.
Result<Endpoint> default_endpoint();

// Asks the engine about `query` (a name, ID or ID prefix) and fills `info`.
// Errors carry no_such_container / ambiguous_prefix when the engine answered so.
Result<void> inspect(const Endpoint& endpoint, std::string_view query, int timeout_ms, ContainerInfo& info);

// Percent-encodes `text` for a URL path segment.
void append_path_segment(Text<1200>& url, std::string_view text);

}  // namespace nskit::engine
