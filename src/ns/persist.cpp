#include "ns/persist.h"

#include <fcntl.h>
#include <sys/mount.h>

#include "base/buffer.h"
#include "base/sys.h"
#include "base/text.h"

namespace nskit {

Result<void> set_propagation(unsigned long flags)
{
    if (flags == 0)
        return {};
    return sys::mount("none", "/", nullptr, flags).describe("cannot change the propagation of /");
}

Result<void> mount_proc(const char* dir, bool tree_is_private)
{
    if (!tree_is_private)
        TRY(sys::mount("none", dir, nullptr, MS_PRIVATE | MS_REC).describe("cannot make ", dir, " private"));
    return sys::mount("proc", dir, "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV);
}

namespace {

// Whether the mount `id` of /proc/self/mountinfo carries a "shared:N" tag
// among the optional fields, which end at " - " (a path has no bare spaces).
Result<bool> mount_is_shared(std::uint64_t id)
{
    Buffer mountinfo = TRY(read_file(AT_FDCWD, "/proc/self/mountinfo", 4 << 20));
    std::string_view text = mountinfo.view();
    Text<24> wanted(id);
    while (!text.empty()) {
        std::string_view line = split_first(text, '\n');
        if (split_first(line, ' ') == wanted.view())
            return line.substr(0, line.find(" - ")).find(" shared:") != std::string_view::npos;
    }
    return false;
}

// "cannot persist the mount namespace at FILE" for whatever failed.
Error persist_failure(Error error, const Persist& persist)
{
    return error.describe("cannot persist the ", info(persist.kind).description, " at ", persist.file);
}

Result<void> check_file(const Persist& persist)
{
    TRY(sys::stat(persist.file));
    if (persist.kind == NsKind::mnt && TRY(mount_is_shared(TRY(sys::mount_id(persist.file)))))
        return Error::because("it is on a shared mount (see findmnt -o+PROPAGATION)");
    return {};
}

Text<48> proc_ns_path(pid_t pid, NsKind kind)
{
    Text<48> path("/proc/", pid, "/ns/", info(kind).proc_name);
    // A new pid or time namespace is the one our children get, not ours.
    if (kind == NsKind::pid || kind == NsKind::time)
        path.append("_for_children");
    return path;
}

}  // namespace

Result<void> check_persist_target(const Persist& persist)
{
    auto checked = check_file(persist);
    if (!checked.ok())
        return persist_failure(checked.take_error(), persist);
    return {};
}

Result<void> bind_namespaces(pid_t pid, std::span<const Persist> persists)
{
    for (std::size_t i = 0; i < persists.size(); ++i) {
        auto source = proc_ns_path(pid, persists[i].kind);
        auto bound = sys::mount(source.c_str(), persists[i].file, nullptr, MS_BIND);
        if (!bound.ok()) {
            Error failed = persist_failure(bound.take_error(), persists[i]);
            while (i-- > 0)
                (void)sys::umount2(persists[i].file, MNT_DETACH);
            return failed;
        }
    }
    return {};
}

}  // namespace nskit
