// Where the docker CLI sends its requests, found as docker/cli finds it: a
// CLI plugin (`docker enter`) is handed no endpoint, only the CLI's
// arguments and environment. The order:
//   --context NAME, -H HOST (the "default" context), DOCKER_HOST (idem),
//   DOCKER_CONTEXT, "currentContext" in CONFIG/config.json, "default";
// "default" is HOST, else DOCKER_HOST, else unix:///var/run/docker.sock; any
// other context is CONFIG/contexts/meta/<sha256 of its name>/meta.json,
// Endpoints.docker.Host. CONFIG is --config, else DOCKER_CONFIG, else ~/.docker.
#pragma once

#include "base/result.h"
#include "base/text.h"

namespace nskit {

struct DockerCliFlags {
    const char* host = nullptr;     // -H, --host
    const char* context = nullptr;  // -c, --context
    const char* config = nullptr;   // --config
};

struct DockerEndpoint {
    Text<100> context;  // its name, for messages
    Text<200> socket;   // the unix socket's path
};

// The endpoint, which must be a unix socket on this host.
Result<DockerEndpoint> docker_cli_endpoint(const DockerCliFlags& flags);

}  // namespace nskit
