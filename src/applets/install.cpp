// nskit install [DIR], nskit uninstall [DIR], nskit export: putting nskit on
// a host, usually from the image (`docker run --rm -v /usr/local/bin:/target
// nskit`), so DIR defaults to /target. The recipe: parse, open and check the
// directory, read our own binary (/proc/self/exe), lock, then for each entry
// (nskit first, then one per applet) look at what is there, decide, act,
// read back, print one line; a summary last.
#include <errno.h>
#include <fcntl.h>

#include <array>

#include "applets/applets.h"
#include "base/buffer.h"
#include "base/options.h"
#include "base/output.h"
#include "base/sys.h"
#include "install/files.h"
#include "install/replace.h"
#include "install/plan.h"
#include "install/target.h"

namespace nskit {

namespace {

using namespace install;

enum { HELP = 1, COPIES, APPLETS, FORCE, DRY_RUN, PLUGIN_DIR };

constexpr Option install_options[] = {
    {COPIES, 'c', Arg::none, "copies", "", "install copies of the binary instead of symbolic links"},
    {APPLETS, 'a', Arg::required, "applets", "list", "install only these applets (comma-separated; \"\" for none)"},
    {FORCE, 'f', Arg::none, "force", "", "replace files nskit did not install, keeping NAME.nskit-backup"},
    {DRY_RUN, 'n', Arg::none, "dry-run", "", "print what would be done and change nothing"},
    {PLUGIN_DIR, 'p', Arg::required, "plugin-dir", "dir",
     "also put a copy named docker-enter there: a Docker CLI plugin (docker enter)"},
    {HELP, 'h', Arg::none, "help", "", "display this help"},
};
constexpr Usage install_usage = {
    "[options] [<directory>]",
    "Install nskit and a link per applet into <directory> (default /target, the\n"
    "host directory mounted into the container: docker run --rm -v /usr/local/bin:/target nskit).",
    install_options,
    "nskit-install",
};

constexpr Option uninstall_options[] = {
    {DRY_RUN, 'n', Arg::none, "dry-run", "", "print what would be done and change nothing"},
    {PLUGIN_DIR, 'p', Arg::required, "plugin-dir", "dir", "also remove the docker-enter plugin from there"},
    {HELP, 'h', Arg::none, "help", "", "display this help"},
};
constexpr Usage uninstall_usage = {
    "[options] [<directory>]",
    "Remove what nskit install put into <directory> (default /target); files it did\n"
    "not install stay, and a backup kept by --force is put back.",
    uninstall_options,
    "nskit-install",
};

constexpr Option export_options[] = {
    {HELP, 'h', Arg::none, "help", "", "display this help"},
};
constexpr Usage export_usage = {
    "> nskit",
    "Write the nskit binary to standard output (docker run --rm --entrypoint /nskit nskit export > nskit).",
    export_options,
};

struct Settings {
    const char* directory = default_directory;
    bool copies = false;
    bool force = false;
    bool dry_run = false;
    const char* applets = nullptr;  // null: every installable applet
    const char* plugin_dir = nullptr;  // --plugin-dir: a Docker CLI plugin directory
};

// Parses argv; returns the exit code when the applet is done already (--help, bad usage).
std::optional<int> parse(std::string_view program, int argc, char** argv, const Usage& usage, Settings& settings)
{
    OptionParser parser(usage.options, argc, argv);
    OptionHit hit;
    for (;;) {
        auto more = parser.next(hit);
        if (!more.ok()) {
            report(program, more.error());
            warn(program, "try 'nskit ", program, " --help' for more information");
            return 1;
        }
        if (!more.value())
            break;
        switch (hit.id) {
        case HELP: {
            Writer out(1);
            print_help(out, program, usage);
            return 0;
        }
        case COPIES: settings.copies = true; break;
        case APPLETS: settings.applets = hit.value; break;
        case FORCE: settings.force = true; break;
        case DRY_RUN: settings.dry_run = true; break;
        case PLUGIN_DIR: settings.plugin_dir = hit.value; break;
        }
    }
    int rest = argc - parser.index();
    if (rest > 1) {
        warn(program, "too many arguments: one directory at most (see --help)");
        return 1;
    }
    if (rest == 1)
        settings.directory = argv[parser.index()];
    return std::nullopt;
}

// The installable applets named by --applets (each once), or all of them; in table order.
Result<Selection> select_applets(const char* list)
{
    auto table = applets();
    unsigned chosen = list ? 0 : ~0u;
    for (std::string_view rest = list ? list : ""; !rest.empty();) {
        std::string_view name = trim(split_first(rest, ','));
        if (name.empty())
            continue;
        std::size_t i = 0;
        while (i < table.size() && !(table[i].installed && table[i].name == name))
            ++i;
        if (i == table.size())
            return Error::because("not an applet nskit installs", "--applets ", name);
        chosen |= 1u << i;
    }
    Selection selected;
    for (std::size_t i = 0; i < table.size(); ++i)
        if (table[i].installed && (chosen >> i & 1))
            selected.add(table[i].name);
    return selected;
}

int run_install(std::string_view program, const Settings& settings)
{
    auto selected = select_applets(settings.applets);
    if (!selected.ok()) {
        report(program, selected.error());
        Writer out(2);
        out.put(program, ": installable applets:");
        for (const Applet& applet : applets())
            if (applet.installed)
                out.put(' ', applet.name);
        out.put('\n');
        return 1;
    }
    Target target(program, settings.directory, settings.dry_run);
    if (!target.open())
        return 1;
    // Both directories are opened before anything changes in either.
    Target plugins(program, settings.plugin_dir ? settings.plugin_dir : "", settings.dry_run);
    if (settings.plugin_dir && !plugins.open())
        return 1;
    auto self = read_own_binary();
    if (!self.ok()) {
        report(program, self.error());
        return 1;
    }

    Plan plan(target, self.value().view(), settings.copies ? Mode::copies : Mode::links, settings.force);
    if (!plan.entry("nskit", Role::binary))
        return target.finish();
    for (std::string_view name : selected.value().names())
        if (!plan.entry(name, Role::applet))
            break;
    int status = target.finish();
    if (status != 0 || !settings.plugin_dir)
        return status;
    // A copy, not a link: a link would name the binary as this installer
    // sees it (/target/nskit), not as the host does.
    Plan plugin(plugins, self.value().view(), Mode::copies, settings.force);
    (void)plugin.entry("docker-enter", Role::applet);
    return plugins.finish();
}

int run_uninstall(std::string_view program, const Settings& settings)
{
    Target target(program, settings.directory, settings.dry_run);
    if (!target.open())
        return 1;
    Target plugins(program, settings.plugin_dir ? settings.plugin_dir : "", settings.dry_run);
    if (settings.plugin_dir && !plugins.open())
        return 1;
    Plan plan(target, {}, Mode::links, false);
    // Links and copies first, the binary they point to last.
    for (const Applet& applet : applets())
        if (applet.installed && !plan.remove(applet.name))
            return target.finish();
    (void)plan.remove("nskit");
    int status = target.finish();
    if (!settings.plugin_dir)
        return status;
    Plan plugin(plugins, {}, Mode::copies, false);
    (void)plugin.remove("docker-enter");
    return plugins.finish() ? 1 : status;
}

}  // namespace

int install_main(std::string_view program, int argc, char** argv)
{
    Settings settings;
    if (auto done = parse(program, argc, argv, install_usage, settings))
        return *done;
    return run_install(program, settings);
}

int uninstall_main(std::string_view program, int argc, char** argv)
{
    Settings settings;
    if (auto done = parse(program, argc, argv, uninstall_usage, settings))
        return *done;
    return run_uninstall(program, settings);
}

int export_main(std::string_view program, int argc, char** argv)
{
    Settings settings;
    if (auto done = parse(program, argc, argv, export_usage, settings))
        return *done;
    if (settings.directory != default_directory) {
        warn(program, "no arguments expected (see --help)");
        return 1;
    }
    if (sys::isatty(1)) {
        warn(program, "refusing to write a binary to a terminal: redirect it, as in ", program, " > nskit");
        return 1;
    }
    auto self = read_own_binary();
    if (!self.ok()) {
        report(program, self.error());
        return 1;
    }
    auto written = sys::write_all(1, self.value().view()).describe("cannot write the binary to standard output");
    if (!written.ok()) {
        report(program, written.error());
        return 1;
    }
    return 0;
}

}  // namespace nskit
