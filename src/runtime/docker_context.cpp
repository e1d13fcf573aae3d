// docker_context.h: the docker CLI's endpoint, from its flags, environment,
// config.json and context store. All of it is the calling user's own.
#include "runtime/docker_context.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

#include "base/buffer.h"
#include "base/sha256.h"
#include "base/json.h"

namespace nskit {

using namespace std::literals;

namespace {

constexpr std::size_t max_config_size = 4 * 1024 * 1024;

const char* nonempty_env(const char* name)
{
    const char* value = ::getenv(name);
    return value && *value ? value : nullptr;
}

Text<300> config_dir(const DockerCliFlags& flags)
{
    if (flags.config)
        return Text<300>(flags.config);
    if (const char* dir = nonempty_env("DOCKER_CONFIG"))
        return Text<300>(dir);
    const char* home = nonempty_env("HOME");
    return Text<300>(home ? home : "/root", "/.docker");
}

// "currentContext" of config.json; empty when there is none (or no file).
Result<Text<100>> current_context(const Text<300>& config)
{
    Text<400> path(config, "/config.json");
    auto text = read_file(AT_FDCWD, path.c_str(), max_config_size);
    Text<100> name;
    if (!text.ok())
        return text.error().code == ENOENT ? Result<Text<100>>(name) : Result<Text<100>>(text.take_error());
    json::Value root = TRY(json::parse(text.value().view()).describe("cannot read ", path));
    json::Value current = root.get("currentContext"sv);
    if (current && !current.unescape(name))
        return Error::because("not a context name", "currentContext in ", path);
    return name;
}

// Endpoints.docker.Host of a stored context.
Result<Text<200>> context_host(const Text<300>& config, std::string_view name)
{
    Text<500> path(config, "/contexts/meta/", sha256_hex(name), "/meta.json");
    auto text = read_file(AT_FDCWD, path.c_str(), max_config_size);
    if (!text.ok() && text.error().code == ENOENT)
        return Error::because("no such context (docker context ls lists them)", "context ", name);
    Buffer document = TRY(std::move(text).describe("cannot read context ", name, " (", path, ')'));
    json::Value root = TRY(json::parse(document.view()).describe("cannot read context ", name, " (", path, ')'));
    Text<200> host;
    if (!root.at({"Endpoints"sv, "docker"sv, "Host"sv}).unescape(host))
        return Error::because("it has no docker endpoint", "context ", name);
    return host;
}

}  // namespace

Result<DockerEndpoint> docker_cli_endpoint(const DockerCliFlags& flags)
{
    if (flags.host && flags.context)
        return Error::because("either -H or --context, not both", "conflicting options");
    Text<300> config = config_dir(flags);
    DockerEndpoint endpoint;
    const char* docker_host = ::getenv("DOCKER_HOST");
    if (flags.context)
        endpoint.context.append(flags.context);
    else if (flags.host || docker_host)
        endpoint.context.append("default");
    else if (const char* named = nonempty_env("DOCKER_CONTEXT"))
        endpoint.context.append(named);
    else
        endpoint.context = TRY(current_context(config));
    if (endpoint.context.empty())
        endpoint.context.append("default");

    Text<200> host;
    if (endpoint.context.view() != "default"sv)
        host = TRY(context_host(config, endpoint.context.view()));
    else
        host.append(flags.host ? flags.host : docker_host && *docker_host ? docker_host : "unix:///var/run/docker.sock");
    if (!host.view().starts_with("unix://"sv) || host.view().size() == 7)
        return Error::because("nskit enters containers of this host only, through a unix socket",
                              "the endpoint of context ", endpoint.context, " is ", host);
    endpoint.socket.append(host.view().substr(7));
    return endpoint;
}

}  // namespace nskit
