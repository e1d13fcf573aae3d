#include "base/private_copy.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/auxv.h>

#include "base/sys.h"
#include "base/text.h"

namespace nskit {

namespace {

constexpr int all_seals = sys::seal_seal | sys::seal_shrink | sys::seal_grow | sys::seal_write;

// Whether the binary open on `self` is already one of the three copies.
bool is_private(int self)
{
    if (auto seals = sys::seals(self); seals.ok() && (seals.value() & all_seals) == all_seals)
        return true;  // 1: a sealed memfd
    auto st = sys::fstat(self);
    if (st.ok() && st.value().st_nlink == 0)
        return true;  // 3: an unlinked copy
    // 2: a clone is executed through its descriptor ("/dev/fd/N") and is read-only.
    const char* exec_name = reinterpret_cast<const char*>(::getauxval(AT_EXECFN));
    return exec_name && starts_with(exec_name, "/dev/fd/") && sys::on_read_only_mount(self);
}

Error sealed_memfd(int self, std::uint64_t size, char* const argv[], char* const envp[])
{
    unsigned flags = sys::memfd_cloexec | sys::memfd_allow_sealing;
    // MFD_EXEC (Linux 6.3+) says what we want where vm.memfd_noexec = 1 makes "no exec" the default.
    Fd memfd;
    if (auto with_exec = sys::memfd_create("nskit", flags | sys::memfd_exec); with_exec.ok())
        memfd = with_exec.take_value();
    else if (with_exec.error().code != EINVAL)
        return with_exec.take_error();
    if (!memfd) {
        auto plain = sys::memfd_create("nskit", flags);
        if (!plain.ok())
            return plain.take_error();
        memfd = plain.take_value();
    }
    int fd = memfd.get();
    if (auto copied = sys::copy_file(self, fd, size); !copied.ok())
        return copied.take_error();
    if (auto sealed = sys::add_seals(fd, all_seals); !sealed.ok())
        return sealed.take_error();
    return sys::execveat(fd, argv, envp);
}

Error read_only_clone(char* const argv[], char* const envp[])
{
    auto clone = sys::read_only_clone("/proc/self/exe");
    if (!clone.ok())
        return clone.take_error();
    return sys::execveat(clone.value().get(), argv, envp);
}

// An O_TMPFILE copy (never linked anywhere), reopened read-only to be executed.
Error unlinked_copy(int self, std::uint64_t size, char* const argv[], char* const envp[])
{
    char here[4096];
    auto link = sys::readlinkat(AT_FDCWD, "/proc/self/exe", here, sizeof here - 1);
    Text<4096> beside;
    if (link.ok()) {
        std::string_view path(here, link.value());
        beside.append(path.substr(0, path.rfind('/') + 1));
    }
    Error last = Error::because("no directory to hold it", "cannot copy nskit");
    for (const char* dir : {beside.c_str(), "/dev/shm", "/tmp"}) {
        if (!*dir)
            continue;
        auto copy = sys::open(dir, O_TMPFILE | O_RDWR | O_EXCL, 0500);
        if (!copy.ok()) {
            last = copy.take_error();
            continue;
        }
        Text<48> reopen("/proc/self/fd/", copy.value().get());
        auto copied = sys::copy_file(self, copy.value().get(), size);
        auto readable = copied.ok() ? sys::open(reopen.c_str(), O_RDONLY) : Result<Fd>(copied.take_error());
        if (!readable.ok()) {
            last = readable.take_error();
            continue;
        }
        copy.value().reset();  // the writable descriptor would make the exec fail (ETXTBSY)
        last = sys::execveat(readable.value().get(), argv, envp);
    }
    return last;
}

}  // namespace

Result<void> run_from_private_copy(char* const argv[], char* const envp[])
{
    Fd self = TRY(sys::open("/proc/self/exe", O_RDONLY).describe("cannot open our own binary (/proc/self/exe)"));
    if (is_private(self.get()))
        return {};
    std::uint64_t size = static_cast<std::uint64_t>(TRY(sys::fstat(self.get())).st_size);
    // Each way returns only when it failed; the last failure is the one reported.
    (void)sealed_memfd(self.get(), size, argv, envp);
    (void)read_only_clone(argv, envp);
    Error failed = unlinked_copy(self.get(), size, argv, envp);
    return Error::because("without one a container could take hold of the binary itself",
                          "cannot run from a private copy of nskit (", failed.what, ": ", failed.why(), ")");
}

}  // namespace nskit
