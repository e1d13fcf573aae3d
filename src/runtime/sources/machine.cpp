// systemd-machined's containers (systemd-nspawn's, and any runtime that
// registers with it): machined, as root, writes /run/systemd/machines/NAME
// for each, with CLASS=container and LEADER=PID, the init's PID on the host.
// machinectl shell runs a command through the container's own init; nskit
// gives it the init's own context instead, which is never more.
#include <fcntl.h>

#include "base/buffer.h"
#include "base/dir.h"
#include "base/sys.h"
#include "runtime/sources.h"

namespace nskit::sources {

using namespace std::literals;

namespace {

constexpr const char machines[] = "/run/systemd/machines";

void list(FunctionRef<bool(Named&)> visit)
{
    auto dir = sys::open(machines, O_RDONLY | O_DIRECTORY);
    (void)for_each_entry(dir.ok() ? dir.value().get() : -1, [&](const DirEntry& entry) {
        char buffer[4096];
        auto read = entry.type == DT_REG && entry.name.find(':') == std::string_view::npos
                        ? read_small_file(dir.value().get(), entry.name.data(), buffer)
                        : Result<std::string_view>(Error::because("not a machine's record", entry.name));
        // "...\nLEADER=PID\nCLASS=container\n...", after a first line of comment
        std::string_view text = read.ok() ? read.value() : std::string_view();
        std::size_t leader = text.find("\nLEADER="sv);
        if (text.find("\nCLASS=container\n"sv) == std::string_view::npos || leader == std::string_view::npos)
            return true;
        text = text.substr(leader + 8);
        Named named;
        named.pid = static_cast<pid_t>(parse_decimal(text.substr(0, text.find('\n')), 0x3fffffff).value_or(0));
        if (named.pid <= 0)
            return true;
        named.name.append(entry.name);
        named.start_time = start_time_of(named.pid);
        return visit(named);
    });
}

}  // namespace

extern const Source machine{.prefix = "machine", .list = list};

}  // namespace nskit::sources
