#include "context/in_root.h"

#include <errno.h>
#include <fcntl.h>

#include <array>

#include "base/sys.h"
#include "base/text.h"

namespace nskit {

namespace {
constexpr int max_symlinks = 40;          // the kernel's own limit (MAXSYMLINKS)
constexpr std::size_t max_depth = 128;    // directories deep below the root
}  // namespace

Result<Fd> find_in_root(int root, const char* path)
{
    auto found = sys::openat2(root, path, O_PATH, sys::resolve_in_root | sys::resolve_no_magiclinks);
    if (found.ok() || (found.error().code != ENOSYS && found.error().code != E2BIG))
        return found;
    return find_in_root_by_walking(root, path);
}

Result<Fd> find_in_root_by_walking(int root, const char* path)
{
    // The directories we are in, below the root, each held open: ".." goes
    // back to the one before instead of asking the file system for a parent
    // (which a concurrent rename could make a directory outside the root).
    std::array<Fd, max_depth> below;
    std::size_t depth = 0;
    Text<4096> remaining(path);
    std::string_view rest = remaining.view();
    int symlinks = 0;
    auto fail = [&](int code) { return Error::from_errno(code, "cannot open ", path); };

    for (;;) {
        while (!rest.empty() && rest.front() == '/')
            rest.remove_prefix(1);
        if (rest.empty())
            break;
        std::string_view name = split_first(rest, '/');
        int here = depth ? below[depth - 1].get() : root;
        if (name == ".")
            continue;
        if (name == "..") {
            if (depth)
                below[--depth].reset();
            continue;
        }
        Text<256> component(name);
        if (component.truncated())
            return fail(ENAMETOOLONG);
        auto opened = sys::openat(here, component.c_str(), O_PATH | O_NOFOLLOW);
        if (!opened.ok())
            return fail(opened.error().code);
        Fd found = opened.take_value();
        auto st = TRY(sys::fstat(found.get()));
        if (S_ISLNK(st.st_mode)) {
            // Inside a procfs, a link may be a magic one (fd/N, root, cwd,
            // exe) that leads anywhere: none is followed.
            if (++symlinks > max_symlinks || TRY(sys::fstatfs_type(here)) == sys::proc_super_magic)
                return fail(ELOOP);
            char target[4096];
            std::size_t n = TRY(sys::readlinkat(found.get(), "", target, sizeof target));
            Text<4096> expanded(std::string_view(target, n), '/', rest);
            if (expanded.truncated() || n == sizeof target)
                return fail(ENAMETOOLONG);
            if (n > 0 && target[0] == '/')
                while (depth)
                    below[--depth].reset();
            remaining = expanded;
            rest = remaining.view();
            continue;
        }
        while (!rest.empty() && rest.front() == '/')
            rest.remove_prefix(1);
        if (rest.empty())
            return found;
        if (!S_ISDIR(st.st_mode))
            return fail(ENOTDIR);
        if (depth == max_depth)
            return fail(ENAMETOOLONG);
        below[depth++] = static_cast<Fd&&>(found);
    }
    // The path ended at a directory: the root itself, or one we hold.
    return sys::openat(depth ? below[depth - 1].get() : root, ".", O_PATH);
}

Result<Fd> reopen(const ContainerRoot& where, int path_fd, int flags)
{
    Text<16> name(path_fd);
    return sys::openat(where.proc_self_fd, name.c_str(), flags);
}

Result<Buffer> read_container_file(const ContainerRoot& where, const char* path, std::size_t limit)
{
    Fd found = TRY(find_in_root(where.root, path));
    auto st = TRY(sys::fstat(found.get()));
    if (!S_ISREG(st.st_mode))
        return Error::because("not a regular file", "cannot read ", path);
    Fd file = TRY(reopen(where, found.get(), O_RDONLY | O_NONBLOCK | O_NOCTTY).describe("cannot open ", path));
    Buffer text;
    TRY(read_all(file.get(), text, limit).describe("cannot read ", path));
    return text;
}

}  // namespace nskit
