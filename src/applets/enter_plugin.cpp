// `docker enter`: docker-enter as a Docker CLI plugin. Installed as
// docker-enter in one of docker's plugin directories (nskit install
// --plugin-dir), it is asked `docker-enter docker-cli-plugin-metadata` before
// every use and then run with the CLI's own arguments: docker's global flags
// (-H, --context, --config, ...), "enter", and ours. The endpoint is not
// handed over: it is found as the CLI finds it (runtime/docker_context.h).
#include <stdlib.h>

#include "applets/enter.h"
#include "base/output.h"
#include "base/text.h"
#include "runtime/docker_context.h"
#include "version.h"

namespace nskit {

using namespace std::literals;

namespace {

// docker's global flags that take a value (word_index's list: the position
// says which one it is) and those that do not.
constexpr std::string_view valued_flags = "-H --host -c --context --config -l --log-level --tlscacert --tlscert --tlskey ";
constexpr std::string_view plain_flags = "-D --debug --tls --tlsverify ";
enum : int { host = 0, host_long, context, context_long, config };

}  // namespace

bool answer_plugin_metadata(int argc, char** argv)
{
    if (argc != 2 || argv[1] != "docker-cli-plugin-metadata"sv)
        return false;
    Writer(1).put(R"({"SchemaVersion":"0.1.0","Vendor":"nskit","Version":")", version,
                  R"(","ShortDescription":"Run a command in a running container with its own context, daemon or not"})",
                  '\n');
    return true;
}

int docker_plugin_completion(int argc, char** argv)
{
    if (!::getenv("DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND") || argc < 4 || argv[1] != "__complete"sv ||
        argv[2] != "enter"sv)
        return 0;
    return 2;
}

Result<int> docker_plugin_start(int argc, char** argv, EnterRequest& request)
{
    if (!::getenv("DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND"))
        return 0;
    DockerCliFlags flags;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; ++i) {
        std::string_view word = argv[i];
        std::string_view flag = word.substr(0, word.find('='));
        const char* value = nullptr;
        int valued = word.size() > 2 && word[1] != '-' ? word_index(word.substr(0, 2), valued_flags) : -1;
        if (valued >= 0) {
            value = argv[i] + 2;  // -Hunix:///x
        } else if ((valued = word_index(flag, valued_flags)) >= 0) {
            if (flag.size() < word.size())
                value = argv[i] + flag.size() + 1;
            else if (i + 1 < argc)
                value = argv[++i];
        } else if (word_index(flag, plain_flags) < 0) {
            return 0;  // not docker's: we were not started by it
        }
        if (valued == host || valued == host_long)
            flags.host = value;
        else if (valued == context || valued == context_long)
            flags.context = value;
        else if (valued == config)
            flags.config = value;
    }
    // docker enter ... runs "docker-enter [flags] enter ...", docker help enter "... help enter".
    bool help = i + 1 < argc && argv[i] == "help"sv && argv[i + 1] == "enter"sv;
    if (!help && (i >= argc || argv[i] != "enter"sv))
        return 0;
    DockerEndpoint endpoint = TRY(docker_cli_endpoint(flags));
    request.docker_socket = endpoint.socket;
    request.find.engine_socket = request.docker_socket.c_str();
    if (help)
        argv[i + 1] = const_cast<char*>("--help");  // as "docker enter --help"
    return i;
}

}  // namespace nskit
