#include "install/target.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "base/sys.h"
#include "install/replace.h"

namespace nskit::install {

namespace {

constexpr std::string_view done_verbs[outcome_count] = {
    "installed", "upgraded", "downgraded", "unchanged", "skipped", "replaced", "removed", "restored",
};
constexpr std::string_view dry_verbs[outcome_count] = {
    "would install", "would upgrade", "would downgrade", "unchanged", "would skip", "would replace", "would remove", "would restore",
};
// The summary of a dry run counts what is to be done: "2 to install, 1 unchanged".
constexpr std::string_view dry_counts[outcome_count] = {
    "to install", "to upgrade", "to downgrade", "unchanged", "to skip", "to replace", "to remove", "to restore",
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
        if (is_default(directory_) && opened.error().code == ENOENT)
            return refuse_unmounted();
        report(program_, opened.error());
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
    // The lock is a flock on the directory itself: no lock file to leave behind.
    auto locked = sys::flock(dir_.get(), LOCK_EX | LOCK_NB);
    if (!locked.ok() && locked.error().code == EWOULDBLOCK) {
        warn(program_, "another installer is working in ", directory_, ": waiting for it to finish");
        locked = sys::flock(dir_.get(), LOCK_EX).describe("cannot lock the install directory");
        if (!locked.ok()) {
            report(program_, locked.error());
            return false;
        }
    }
    // A filesystem without locks (some network ones): renames alone still
    // leave whole files, so go on, but touch no other installer's temporaries.
    if (locked.ok())
        remove_stale_temporaries(dir_.get(), program_);
    return true;
}

void Target::line(Outcome outcome, std::string_view name, std::string_view details)
{
    out_.put(verb(outcome));
    for (std::size_t pad = verb(outcome).size(); pad < 14; ++pad)
        out_.put(' ');
    out_.put(path(name), details, '\n');
    out_.flush();
    ++counts_[static_cast<std::size_t>(outcome)];
    if (outcome != Outcome::unchanged && outcome != Outcome::skipped)
        changed_ = true;
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
    if (error.code == EACCES || error.code == EPERM)
        warn(program_, "writing into ", directory_, " needs root (or a directory of your own)");
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
        out.put(first ? "" : ", ", counts_[i], ' ', dry_run_ ? dry_counts[i] : done_verbs[i]);
        first = false;
    }
    if (first)
        out.put(failed_ ? "nothing changed" : "nothing to do");
    out.put(" in ", directory_);
    if (failed_)
        out.put("; stopped at the error above");
    else if (!changed_ && !dry_run_)
        out.put("; nothing changed");
    out.put('\n');
    return failed_ ? 1 : 0;
}

}  // namespace nskit::install
