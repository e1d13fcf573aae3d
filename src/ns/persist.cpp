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

// Whether the mount `id` of /proc/self/mountinfo carries a "shared:N" tag.
Result<bool> mount_is_shared(std::uint64_t id)
{
    Buffer mountinfo = TRY(read_file(AT_FDCWD, "/proc/self/mountinfo", 4 << 20));
    std::string_view text = mountinfo.view();
    Text<24> wanted(id);
    while (!text.empty()) {
        std::string_view line = split_first(text, '\n');
        if (split_first(line, ' ') != wanted.view())
            continue;
        // parent major:minor root mountpoint options, then optional fields up to "-".
        for (int skip = 0; skip < 5; ++skip)
            split_first(line, ' ');
        while (!line.empty()) {
            std::string_view field = split_first(line, ' ');
            if (field == "-")
                break;
            if (starts_with(field, "shared:"))
                return true;
        }
        return false;
    }
    return false;
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
    const NsInfo& ns = info(persist.kind);
    TRY(sys::stat(persist.file).describe("cannot persist the ", ns.description, " at ", persist.file));
    if (persist.kind != NsKind::mnt)
        return {};
    std::uint64_t id = TRY(sys::mount_id(persist.file));
    if (TRY(mount_is_shared(id)))
        return Error::because("it is on a shared mount (see findmnt -o+PROPAGATION)", "cannot persist the ",
                              ns.description, " at ", persist.file);
    return {};
}

Result<void> bind_namespaces(pid_t pid, std::span<const Persist> persists)
{
    for (std::size_t i = 0; i < persists.size(); ++i) {
        auto source = proc_ns_path(pid, persists[i].kind);
        auto bound = sys::mount(source.c_str(), persists[i].file, nullptr, MS_BIND);
        if (!bound.ok()) {
            // Saved before the clean-up, whose own failures would take the error slot.
            Error failed = std::move(bound)
                               .describe("cannot persist the ", info(persists[i].kind).description, " at ",
                                         persists[i].file)
                               .take_error();
            while (i-- > 0)
                (void)sys::umount2(persists[i].file, MNT_DETACH);
            return failed;
        }
    }
    return {};
}

}  // namespace nskit
