#include "install/replace.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/sys.h"
#include "base/text.h"
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

// Removes the temporary file when the replacement did not happen.
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

Result<void> keep_backup(const Entry& entry, const char* backup)
{
    if (!backup)
        return {};
    return sys::linkat(entry.dir, entry.name, entry.dir, backup, 0)
        .describe("cannot keep a backup of ", entry.shown, " as ", backup);
}

// The last step of every replacement: rename the finished temporary over `name`.
Result<void> put_in_place(const Entry& entry, Temporary& temporary, const char* backup)
{
    TRY(keep_backup(entry, backup));
    auto renamed = sys::renameat(entry.dir, temporary.c_str(), entry.dir, entry.name).describe("cannot replace ", entry.shown);
    if (!renamed.ok()) {
        if (backup)
            (void)sys::unlinkat(entry.dir, backup, 0);  // the original is still in place
        return renamed.take_error();
    }
    temporary.disarm();
    return {};
}

// Gives a finished new entry a temporary name with make(name), taking the
// next name while one exists.
template <class Make>
Result<Name> name_new_entry(const char* name, Make make)
{
    for (unsigned attempt = 0;; ++attempt) {
        Name chosen = temporary_name(name, attempt);
        Result<void> made = make(chosen.c_str());
        if (made.ok())
            return chosen;
        if (made.error().code != EEXIST || attempt == 100)
            return made.take_error();
    }
}

// The contents of a new file: written, executable, durable, read back.
Result<void> fill(int fd, std::string_view bytes, const char* shown)
{
    TRY(sys::write_all(fd, bytes).describe("cannot write a new ", shown));
    TRY(sys::fchmod(fd, 0755).describe("cannot make the new ", shown, " executable"));
    TRY(sys::fsync(fd).describe("cannot write a new ", shown));
    if (!TRY(has_contents(fd, bytes).describe("cannot read back the new ", shown)))
        return Error::because("what was read back differs from what was written", "cannot verify the new ", shown);
    return {};
}

}  // namespace

Result<void> replace_with_file(const Entry& entry, std::string_view bytes, const char* backup)
{
    int dir = entry.dir;
    // First choice: a file without a name (O_TMPFILE) that is linked in only
    // once it is complete, so even a crash or SIGKILL while writing leaves nothing.
    auto unnamed = sys::openat(dir, ".", O_TMPFILE | O_RDWR, 0600);
    if (unnamed.ok()) {
        int fd = unnamed.value().get();
        TRY(fill(fd, bytes, entry.shown));
        Text<32> self("/proc/self/fd/", fd);
        auto named = name_new_entry(entry.name, [&](const char* temporary) {
            return sys::linkat(AT_FDCWD, self.c_str(), dir, temporary, AT_SYMLINK_FOLLOW);
        });
        if (named.ok()) {
            Temporary temporary(dir, named.value());
            return put_in_place(entry, temporary, backup);
        }
        if (named.error().code != ENOENT)  // ENOENT: no /proc to link through; write it again under a name
            return std::move(named).describe("cannot create a file beside ", entry.shown).take_error();
    } else if (int code = unnamed.error().code; code != EOPNOTSUPP && code != EISDIR && code != EINVAL) {
        return std::move(unnamed).describe("cannot create a file beside ", entry.shown).take_error();
    }

    // A filesystem without O_TMPFILE: a named temporary file, removed on failure.
    Fd fd;
    auto named = name_new_entry(entry.name, [&](const char* temporary) -> Result<void> {
        fd = TRY(sys::openat(dir, temporary, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, 0600));
        return {};
    });
    if (!named.ok())
        return std::move(named).describe("cannot create a file beside ", entry.shown).take_error();
    Temporary temporary(dir, named.value());
    TRY(fill(fd.get(), bytes, entry.shown));
    return put_in_place(entry, temporary, backup);
}

Result<void> replace_with_link(const Entry& entry, const char* target, const char* backup)
{
    auto named = name_new_entry(entry.name, [&](const char* temporary) {
        return sys::symlinkat(target, entry.dir, temporary);
    });
    if (!named.ok())
        return std::move(named).describe("cannot create a link beside ", entry.shown).take_error();
    Temporary temporary(entry.dir, named.value());
    return put_in_place(entry, temporary, backup);
}

Result<void> restore(const Entry& entry, const char* backup)
{
    return sys::renameat(entry.dir, backup, entry.dir, entry.name)
        .describe("cannot restore ", entry.shown, " from ", backup);
}

Result<void> remove(int dir, const char* name) { return sys::unlinkat(dir, name, 0); }

Result<void> sync_directory(int dir) { return sys::fsync(dir).describe("cannot sync the directory"); }

Result<bool> try_lock(int dir)
{
    auto locked = sys::flock(dir, LOCK_EX | LOCK_NB);
    if (locked.ok())
        return true;
    if (locked.error().code == EWOULDBLOCK)
        return false;
    // A filesystem without locks (some network ones): renames alone still
    // leave whole files, so go on unlocked.
    return true;
}

Result<void> lock(int dir)
{
    return sys::flock(dir, LOCK_EX).describe("cannot lock the install directory");
}

}  // namespace nskit::install
