// Multi-call dispatch: nskit runs the applet named by the file it was started
// as (a link "nsenter -> nskit"), or by its first argument ("nskit nsenter").
#include <fcntl.h>
#include <unistd.h>

extern char** environ;

#include "applets/applets.h"
#include "base/output.h"
#include "base/private_copy.h"
#include "base/text.h"
#include "version.h"

namespace nskit {

namespace {

const Applet* find_applet(std::string_view name)
{
    for (const Applet& applet : applets())
        if (applet.name == name)
            return &applet;
    return nullptr;
}

// Our own descriptors are close-on-exec, but one that lands on 0, 1 or 2
// because the caller closed them would catch stray writes. Park /dev/null
// there (close-on-exec too, so the program we run still sees them closed).
void guard_standard_fds()
{
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) >= 0)
            continue;
        int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null < 0)
            return;
        if (null != fd) {
            ::dup3(null, fd, O_CLOEXEC);
            ::close(null);
        }
    }
}

// Runs an applet, from a private copy of nskit when it asks for one.
int run_applet(const Applet& applet, std::string_view name, int argc, char** argv, char** original_argv)
{
    if (applet.private_copy)
        if (auto copy = run_from_private_copy(original_argv, environ); !copy.ok()) {
            report(name, copy.error());
            return 1;
        }
    return applet.main(name, argc, argv);
}

int nskit_main(std::string_view called_as, int argc, char** argv)
{
    std::string_view first = argc > 1 ? argv[1] : "";
    if (first == "--version" || first == "-V") {
        Writer(1).put("nskit ", version, " (commit ", commit, ", static ", architecture, " musl)\n");
        return 0;
    }
    if (argc > 1 && first != "--help" && first != "-h") {
        if (const Applet* applet = find_applet(first))
            return run_applet(*applet, applet->name, argc - 1, argv + 1, argv);
        warn(called_as, "unknown applet '", first, "'");
    }
    Writer out(first == "--help" || first == "-h" ? 1 : 2);
    out.put("Usage: nskit APPLET [ARGUMENTS...]\n   or: APPLET [ARGUMENTS...]  (through a link named after it)\n\n"
            "Applets:\n");
    // One row per applet; another name for the same applet (enter for
    // docker-enter) is shown on its row, not as a row of its own.
    auto all = applets();
    for (std::size_t i = 0; i < all.size(); ++i) {
        bool alias = false;
        for (std::size_t j = 0; j < i; ++j)
            alias = alias || all[j].main == all[i].main;
        if (alias)
            continue;
        out.put("  ", all[i].name);
        for (std::size_t pad = all[i].name.size(); pad < 14; ++pad)
            out.put(' ');
        out.put(all[i].summary);
        for (std::size_t j = i + 1; j < all.size(); ++j)
            if (all[j].main == all[i].main)
                out.put(" (also: nskit ", all[j].name, ')');
        out.put('\n');
    }
    out.put("\nnskit --version prints the version and build identity.\n");
    return first == "--help" || first == "-h" ? 0 : 1;
}

}  // namespace
}  // namespace nskit

int main(int argc, char** argv)
{
    using namespace nskit;
    guard_standard_fds();
    std::string_view called_as = base_name(argc > 0 && argv[0] ? argv[0] : "nskit");
    if (const Applet* applet = find_applet(called_as))
        return run_applet(*applet, called_as, argc, argv, argv);
    return nskit_main(called_as, argc, argv);
}
