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

Result<void> keep_backup(int dir, const char* name, const char* backup)
{
    if (!backup)
        return {};
    return sys::linkat(dir, name, dir, backup, 0).describe("cannot keep a backup of ", name, " as ", backup);
}

// The last step of every replacement: rename the finished temporary over `name`.
Result<void> put_in_place(int dir, Temporary& temporary, const char* name, const char* backup)
{
    TRY(keep_backup(dir, name, backup));
    auto renamed = sys::renameat(dir, temporary.c_str(), dir, name).describe("cannot replace ", name);
    if (!renamed.ok()) {
        if (backup)
            (void)sys::unlinkat(dir, backup, 0);  // the original is still in place
        return renamed.take_error();
    }
    temporary.disarm();
    return {};
}

}  // namespace

Result<void> replace_with_file(int dir, const char* name, std::string_view bytes, const char* backup)
{
    Fd fd;
    Name chosen;
    for (unsigned attempt = 0;; ++attempt) {
        chosen = temporary_name(name, attempt);
        auto created = sys::openat(dir, chosen.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
        if (created.ok()) {
            fd = created.take_value();
            break;
        }
        if (created.error().code != EEXIST || attempt == 100)
            return std::move(created).describe("cannot create a file beside ", name).take_error();
    }
    Temporary temporary(dir, chosen);
    TRY(sys::write_all(fd.get(), bytes).describe("cannot write a new ", name));
    TRY(sys::fchmod(fd.get(), 0755).describe("cannot make the new ", name, " executable"));
    TRY(sys::fsync(fd.get()).describe("cannot write a new ", name));
    if (!TRY(has_contents(fd.get(), bytes).describe("cannot read back the new ", name)))
        return Error::because("what was read back differs from what was written", "cannot verify the new ", name);
    return put_in_place(dir, temporary, name, backup);
}

Result<void> replace_with_link(int dir, const char* name, const char* target, const char* backup)
{
    Name chosen;
    for (unsigned attempt = 0;; ++attempt) {
        chosen = temporary_name(name, attempt);
        auto made = sys::symlinkat(target, dir, chosen.c_str());
        if (made.ok())
            break;
        if (made.error().code != EEXIST || attempt == 100)
            return std::move(made).describe("cannot create a link beside ", name).take_error();
    }
    Temporary temporary(dir, chosen);
    return put_in_place(dir, temporary, name, backup);
}

Result<void> restore(int dir, const char* from, const char* to)
{
    return sys::renameat(dir, from, dir, to).describe("cannot restore ", to, " from ", from);
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
