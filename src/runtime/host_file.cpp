#include "runtime/host_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/sys.h"
#include "base/text.h"

namespace nskit {

Result<void> check_owner(int fd, std::string_view what, uid_t also)
{
    auto st = TRY(sys::fstat(fd));
    bool owner_trusted = st.st_uid == 0 || st.st_uid == ::geteuid() || (also != 0 && st.st_uid == also);
    bool others_write = (st.st_mode & 002) || ((st.st_mode & 020) && st.st_gid != 0);
    if (!owner_trusted || others_write)
        return Error::because("it belongs to another user or others may write it", "cannot trust ", what);
    return {};
}

Result<Fd> open_host_directory(const char* path)
{
    Fd dir = TRY(sys::open(path, O_RDONLY | O_DIRECTORY));
    TRY(check_owner(dir.get(), path));
    return dir;
}

Result<Buffer> read_host_file(int dir, const char* name, std::size_t limit, std::string_view shown)
{
    Fd file = TRY(open_regular(dir, name).describe("cannot read ", shown));
    TRY(check_owner(file.get(), shown));
    Buffer text;
    TRY(read_all(file.get(), text, limit).describe("cannot read ", shown));
    return text;
}

Result<Buffer> read_host_file(std::string_view path, std::size_t limit)
{
    std::size_t slash = path.rfind('/');
    if (!path.starts_with('/') || slash + 1 == path.size())
        return Error::because("not the absolute path of a file", "cannot read '", path, "'");
    Text<4096> directory(path.substr(0, slash == 0 ? 1 : slash));
    Text<4096> name(path.substr(slash + 1));
    if (directory.truncated() || name.truncated())
        return Error::from_errno(ENAMETOOLONG, "cannot read ", path.substr(0, 100));
    Fd dir = TRY(open_host_directory(directory.c_str()));
    return read_host_file(dir.get(), name.c_str(), limit, path);
}

}  // namespace nskit
