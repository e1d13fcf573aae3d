#include "install/replace.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/sys.h"
#include "base/text.h"
#include "base/dir.h"
#include "base/output.h"
#include "install/files.h"

namespace nskit::install {

namespace {

using Name = Text<300>;

// ".NAME.nskit-new.PID.N": hidden, and unique even when two containers, both
// pid 1, install into the same directory (O_EXCL picks the next N).
Name temporary_name(const char* name, unsigned attempt)
{
    return Name('.', name, ".nskit-new.", ::getpid(), '.', attempt);
}

// Removes the temporary file when the replacement did not happen (the
// error being reported is the replacement's; a failed cleanup has none of its own).
class Temporary {
public:
    Temporary(int dir, const Name& name) : dir_(dir), name_(name) {}
    ~Temporary()
    {
        if (armed_)
            (void)sys::unlinkat(dir_, name_.c_str(), 0);
    }
    void disarm() { armed_ = false; }
    const char* c_str() const { return name_.c_str(); }

private:
    int dir_;
    Name name_;
    bool armed_ = true;
};

// The last step of every replacement: rename the finished temporary over `name`.
Result<void> put_in_place(const Entry& entry, Temporary& temporary, const char* backup)
{
    if (backup)
        TRY(sys::linkat(entry.dir, entry.name, entry.dir, backup, 0)
                .describe("cannot keep a backup of ", entry.shown, " as ", backup));
    auto renamed = sys::renameat(entry.dir, temporary.c_str(), entry.dir, entry.name).describe("cannot replace ", entry.shown);
    if (!renamed.ok()) {
        Error saved = renamed.take_error();
        if (backup)
            (void)sys::unlinkat(entry.dir, backup, 0);  // the original is still in place
        return saved;
    }
    temporary.disarm();
    return {};
}

// The contents of a new file: written, executable, durable, read back
// (errno tells which step failed).
Result<void> fill(int fd, std::string_view bytes)
{
    TRY(sys::write_all(fd, bytes));
    TRY(sys::fchmod(fd, 0755));
    TRY(sys::fsync(fd));
    if (!TRY(has_contents(fd, bytes)))
        return Error::because("what was read back differs from what was written");
    return {};
}

}  // namespace

Result<void> replace(const Entry& entry, std::string_view bytes, const char* link, const char* backup)
{
    // The first free temporary name (EEXIST moves on to the next one).
    Name chosen;
    Fd file;
    for (unsigned attempt = 0;; ++attempt) {
        chosen = temporary_name(entry.name, attempt);
        Result<void> made;
        if (link) {
            made = sys::symlinkat(link, entry.dir, chosen.c_str());
        } else {
            auto created = sys::openat(entry.dir, chosen.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
            if (created.ok())
                file = created.take_value();
            else
                made = created.take_error();
        }
        if (made.ok())
            break;
        if (made.error().code != EEXIST || attempt == 100)
            return std::move(made).describe("cannot create a new entry beside ", entry.shown);
    }
    Temporary temporary(entry.dir, chosen);
    if (!link)
        TRY(fill(file.get(), bytes).describe("cannot write a new ", entry.shown));
    return put_in_place(entry, temporary, backup);
}

Result<void> restore(const Entry& entry, const char* backup)
{
    return sys::renameat(entry.dir, backup, entry.dir, entry.name)
        .describe("cannot restore ", entry.shown, " from ", backup);
}

Result<void> remove(const Entry& entry)
{
    return sys::unlinkat(entry.dir, entry.name, 0).describe("cannot remove ", entry.shown);
}

Result<void> sync_directory(int dir) { return sys::fsync(dir).describe("cannot sync the directory"); }

Result<bool> backup_needed(const Entry& entry, const char* backup)
{
    auto kept = sys::fstatat(entry.dir, backup, AT_SYMLINK_NOFOLLOW);
    if (!kept.ok())
        return kept.error().code == ENOENT ? Result<bool>(true) : Result<bool>(kept.take_error());
    struct stat now = TRY(sys::fstatat(entry.dir, entry.name, AT_SYMLINK_NOFOLLOW));
    if (now.st_ino == kept.value().st_ino && now.st_dev == kept.value().st_dev)
        return false;
    return Error::from_errno(EEXIST, "cannot keep a backup of ", entry.shown, " as ", backup);
}

void remove_stale_temporaries(int dir, std::string_view program)
{
    auto listed = sys::openat(dir, ".", O_RDONLY | O_DIRECTORY);  // its own offset
    if (!listed.ok())
        return;
    (void)for_each_entry(listed.value().get(), [&](const DirEntry& entry) {
        if (entry.name[0] == '.' && entry.name.find(".nskit-new.") != std::string_view::npos &&
            sys::unlinkat(dir, entry.name.data(), 0).ok())
            warn(program, "removed ", entry.name, ", left by an installer that was interrupted");
        return true;
    });
}

}  // namespace nskit::install
