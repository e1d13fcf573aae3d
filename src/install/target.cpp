#include "install/target.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "base/sys.h"
#include "install/replace.h"

namespace nskit::install {

namespace {

constexpr std::string_view done_verbs[outcome_count] = {
    "installed", "upgraded", "unchanged", "skipped", "replaced", "removed", "restored",
};
constexpr std::string_view dry_verbs[outcome_count] = {
    "would install", "would upgrade", "unchanged", "would skip", "would replace", "would remove", "would restore",
};

// A mount point is the root of its mount: statx says so directly (Linux
// 5.8+); before that, a directory on another device than its parent is one.
Result<bool> is_mount_point(int dir)
{
    auto attributes = sys::statx_attributes(dir, "", AT_EMPTY_PATH);
    if (attributes.ok() && (attributes.value().known & sys::attribute_mount_root))
        return (attributes.value().set & sys::attribute_mount_root) != 0;
    struct stat self = TRY(sys::fstat(dir));
    struct stat parent = TRY(sys::fstatat(dir, "..", 0));
    return self.st_dev != parent.st_dev || self.st_ino == parent.st_ino;
}

bool is_default(const char* directory)
{
    std::string_view d = directory;
    while (d.size() > 1 && d.back() == '/')
        d.remove_suffix(1);
    return d == default_directory;
}

}  // namespace

Result<Buffer> read_own_binary()
{
    return read_file(AT_FDCWD, "/proc/self/exe", 64 << 20).describe("cannot read the running binary /proc/self/exe");
}

Target::Target(std::string_view program, const char* directory, bool dry_run)
    : program_(program), directory_(directory), dry_run_(dry_run)
{
}

Text<4096> Target::path(std::string_view name) const
{
    std::string_view d = directory_;
    while (d.size() > 1 && d.back() == '/')
        d.remove_suffix(1);
    return Text<4096>(d, d == "/" ? "" : "/", name);
}

bool Target::refuse_unmounted()
{
    warn(program_, default_directory, " is not a mount point: installed files would stay inside this container and vanish with it");
    warn(program_, "mount the host directory there:  docker run --rm -v /usr/local/bin:", default_directory, " nskit");
    warn(program_, "or, on the host itself, name the directory:  nskit ", program_, " /usr/local/bin");
    return false;
}

bool Target::open()
{
    auto opened = sys::open(directory_, O_RDONLY | O_DIRECTORY);
    if (!opened.ok()) {
        report(program_, opened.error());
        if (is_default(directory_) && opened.error().code == ENOENT)
            return refuse_unmounted();
        return false;
    }
    dir_ = opened.take_value();
    if (is_default(directory_)) {
        auto mounted = is_mount_point(dir_.get());
        if (!mounted.ok()) {
            report(program_, mounted.error());
            return false;
        }
        if (!mounted.value())
            return refuse_unmounted();
    }
    if (dry_run_)
        return true;
    auto free = try_lock(dir_.get());
    if (free.ok() && !free.value()) {
        warn(program_, "another installer is working in ", directory_, ": waiting for it to finish");
        auto waited = lock(dir_.get());
        if (!waited.ok()) {
            report(program_, waited.error());
            return false;
        }
    }
    return true;
}

std::string_view Target::verb(Outcome outcome) const
{
    return (dry_run_ ? dry_verbs : done_verbs)[static_cast<std::size_t>(outcome)];
}

void Target::failed(const Error& error, std::string_view name, Left left)
{
    failed_ = true;
    report(program_, error);
    if (left == Left::as_it_was)
        warn(program_, path(name), " is as it was before");
}

int Target::finish()
{
    if (changed_ && !dry_run_) {
        auto synced = sync_directory(dir_.get());
        if (!synced.ok()) {
            report(program_, synced.error());
            failed_ = true;
        }
    }
    Writer out(failed_ ? 2 : 1);
    out.put(program_, ": ");
    if (dry_run_)
        out.put("dry run, nothing changed: ");
    bool first = true;
    for (std::size_t i = 0; i < outcome_count; ++i) {
        if (!counts_[i])
            continue;
        out.put(first ? "" : ", ", counts_[i], ' ', verb(static_cast<Outcome>(i)));
        first = false;
    }
    if (first)
        out.put("nothing to do");
    out.put(" in ", directory_);
    if (failed_)
        out.put("; stopped at the error above");
    else if (!changed_ && !dry_run_)
        out.put("; nothing changed");
    out.put('\n');
    return failed_ ? 1 : 0;
}

}  // namespace nskit::install
