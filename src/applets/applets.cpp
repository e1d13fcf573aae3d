#include "applets/applets.h"

namespace nskit {

namespace {
constexpr Applet table[] = {
    {"nsenter", nsenter_main, "run a program in the namespaces of another process", true},
    {"unshare", unshare_main, "run a program in new namespaces", true},
    {"docker-enter", enter_main, "run a command in a container with its own context, daemon or not", true, true},
    {"enter", enter_main, "", false, true},
    {"install", install_main, "install nskit and its applets into a directory (default /target)", false},
    {"uninstall", uninstall_main, "remove what install put into a directory", false},
    {"export", export_main, "write the nskit binary to standard output", false},
};
}  // namespace

std::span<const Applet> applets() { return table; }

}  // namespace nskit
