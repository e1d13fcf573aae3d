#include "ns/userns.h"

#include <errno.h>
#include <fcntl.h>

#include "base/fd.h"
#include "base/sys.h"
#include "base/text.h"

namespace nskit {

std::optional<std::uint32_t> id_inside(std::string_view map, std::uint32_t outside)
{
    while (!map.empty()) {
        std::string_view line = split_first(map, '\n');
        auto inside_start = parse_decimal(next_word(line), 0xffffffffu);
        auto outside_start = parse_decimal(next_word(line), 0xffffffffu);
        auto count = parse_decimal(next_word(line), 0xffffffffu);
        if (!inside_start || !outside_start || !count)
            continue;
        if (outside >= *outside_start && outside - *outside_start < *count)
            return static_cast<std::uint32_t>(*inside_start + (outside - *outside_start));
    }
    return std::nullopt;
}

Result<UserNamespaceOwner> user_namespace_owner(int proc_dir)
{
    UserNamespaceOwner owner;
    auto self = sys::stat("/proc/self/ns/user");
    if (!self.ok() && self.error().code == ENOENT) {  // a kernel without user namespaces: all is the host's
        owner.ours = owner.kernel_has_none = true;
        return owner;
    }
    struct stat ours = TRY(std::move(self));
    Fd ns = TRY(sys::openat(proc_dir, "ns/user", O_RDONLY | O_CLOEXEC).describe("cannot open its user namespace"));
    struct stat st = TRY(sys::fstat(ns.get()));
    if (st.st_ino == ours.st_ino && st.st_dev == ours.st_dev) {
        owner.ours = true;
        return owner;
    }
    // Up the chain of parents to the one whose parent is ours. A namespace
    // nested deeper than the kernel's limit of 32 is not one of ours.
    for (int depth = 0; depth < 33; ++depth) {
        auto parent = sys::ioctl(ns.get(), sys::ns_get_parent);
        if (!parent.ok() && (parent.error().code == ENOTTY || parent.error().code == EINVAL))
            return owner;  // before Linux 4.9: the kernel does not say
        if (!parent.ok())
            return Error::because("it is not nested in ours", "cannot tell whose its user namespace is");
        Fd up(parent.value());
        struct stat up_st = TRY(sys::fstat(up.get()));
        if (up_st.st_ino == ours.st_ino && up_st.st_dev == ours.st_dev) {
            uid_t uid = 0;
            auto asked = sys::ioctl(ns.get(), sys::ns_get_owner_uid, &uid);
            if (!asked.ok() && (asked.error().code == ENOTTY || asked.error().code == EINVAL))
                return owner;  // Linux 4.9 and 4.10
            TRY(std::move(asked).describe("cannot tell whose its user namespace is"));
            owner.known = true;
            owner.uid = uid;
            return owner;
        }
        ns = static_cast<Fd&&>(up);
    }
    return Error::because("nested too deep", "cannot tell whose its user namespace is");
}

}  // namespace nskit
