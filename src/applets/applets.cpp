#include "applets/applets.h"

namespace nskit {

namespace {
constexpr Applet table[] = {
    {"nsenter", nsenter_main, "run a program in the namespaces of another process", true},
    {"unshare", unshare_main, "run a program in new namespaces", true},
};
}  // namespace

std::span<const Applet> applets() { return table; }

}  // namespace nskit
