#include "ns/enter.h"

#include <errno.h>
#include <fcntl.h>

#include "base/sys.h"
#include "base/text.h"

namespace nskit {

bool NsSelection::all_from_target() const
{
    for (const Fd& file : files_)
        if (file)
            return false;
    return true;
}

int NsSelection::mask() const
{
    int flags = from_target_;
    for (const NsInfo& ns : namespace_kinds)
        if (files_[index(ns.kind)])
            flags |= ns.clone_flag;
    return flags;
}

Result<Fd> open_namespace_file(const char* path, NsKind expected)
{
    Fd fd = TRY(sys::open(path, O_RDONLY));
    long fs_type = TRY(sys::fstatfs_type(fd.get()).describe("cannot check ", path));
    if (fs_type != sys::nsfs_magic)
        return Error::because("not a namespace file (expected a /proc/PID/ns/* file or a bind mount of one)",
                              "cannot use ", path);
    // ns_get_nstype exists since Linux 4.11; older kernels get the check from setns.
    auto type = sys::ioctl(fd.get(), sys::ns_get_nstype);
    if (type.ok() && type.value() != info(expected).clone_flag) {
        auto actual = kind_of_clone_flag(type.value());
        return Error::because("wrong kind of namespace", "cannot use ", path, " (a ",
                              actual ? info(*actual).proc_name : "different", " namespace) as the ",
                              info(expected).description);
    }
    return fd;
}

Result<Fd> open_target_namespace(const Target& target, NsKind kind)
{
    Text<32> relative("ns/", info(kind).proc_name);
    auto fd = sys::openat(target.proc_dir(), relative.c_str(), O_RDONLY);
    if (!fd.ok()) {
        if (fd.error().code == ENOENT)
            return Error::because("this kernel has no such namespace", "cannot open /proc/", target.pid(), '/',
                                  relative);
        return Error::from_errno(fd.error().code, "cannot open /proc/", target.pid(), '/', relative);
    }
    return fd;
}

Shared compare_with_ours(const Target& target, NsKind kind)
{
    // Our own ns directory, opened once for every kind (and for this process
    // only: it is /proc/PID/ns of the opener, and closed on exec).
    static int ours = -1;
    if (ours < 0)
        if (auto dir = sys::open("/proc/self/ns", O_PATH | O_DIRECTORY); dir.ok())
            ours = dir.value().release();
    Text<32> relative("ns/", info(kind).proc_name);
    auto theirs = sys::fstatat(target.proc_dir(), relative.c_str(), 0);
    if (!theirs.ok())
        return Shared::missing;
    auto mine = sys::fstatat(ours, relative.c_str() + 3, 0);
    bool same = mine.ok() && theirs.value().st_ino == mine.value().st_ino && theirs.value().st_dev == mine.value().st_dev;
    return same ? Shared::same : Shared::different;
}

Result<void> open_target_namespaces(const Target& target, NsSelection& selection)
{
    for (const NsInfo& ns : namespace_kinds)
        if (selection.target_mask() & ns.clone_flag)
            selection.from_file(ns.kind, TRY(open_target_namespace(target, ns.kind)));
    return target.still_alive();
}

namespace {

Error enter_error(int code, const Target* target, NsKind kind, bool from_target)
{
    if (from_target && target)
        return Error::from_errno(code, "cannot enter the ", info(kind).proc_name, " namespace of PID ",
                                 target->pid());
    return Error::from_errno(code, "cannot enter ", info(kind).proc_name, " namespace");
}

}  // namespace

Result<HowEntered> enter_namespaces(const Target* target, NsSelection& selection)
{
    if (selection.empty())
        return HowEntered::files;
    if (target && target->pidfd() >= 0 && selection.all_from_target()) {
        if (sys::setns(target->pidfd(), selection.mask()).ok())
            return HowEntered::pidfd;
        // Older kernel (EINVAL) or a refusal: the per-file path below either
        // succeeds or says which namespace failed and why.
    }

    int from_target = selection.target_mask();
    if (target && from_target)
        TRY(open_target_namespaces(*target, selection));

    int pending = selection.mask();
    for (int pass = 0; pass < 2; ++pass) {
        for (const NsInfo& ns : namespace_kinds) {
            if (!(pending & ns.clone_flag) || (pass == 0 && ns.kind == NsKind::user))
                continue;
            auto entered = sys::setns(selection.file(ns.kind).get(), ns.clone_flag);
            if (!entered.ok()) {
                if (pass == 1)
                    return enter_error(entered.error().code, target, ns.kind, from_target & ns.clone_flag);
                continue;
            }
            pending &= ~ns.clone_flag;
            selection.file(ns.kind).reset();
        }
    }
    return HowEntered::files;
}

}  // namespace nskit
