#include "install/files.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "base/sys.h"
#include "version.h"

namespace nskit::install {

namespace {

// The marker, taken from the identity itself so that the binary holds the
// text once (a second literal would be a second, version-less match).
std::string_view marker()
{
    std::string_view id = identity;
    return id.substr(0, id.find(':') + 1);
}

bool version_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '+' ||
           c == '-' || c == '_' || c == '~';
}

enum class Match { none, found, cut };

// Looks for marker + version + '\n' in `bytes`; `cut` when a match might
// continue past the end (the caller reads on and tries again).
Match search(std::string_view bytes, Version& version, std::size_t& resume)
{
    std::string_view mark = marker();
    std::size_t at = 0;
    while ((at = bytes.find(mark, at)) != std::string_view::npos) {
        std::size_t start = at + mark.size(), end = start;
        while (end < bytes.size() && end - start < 79 && version_char(bytes[end]))
            ++end;
        if (end == bytes.size()) {
            resume = at;
            return Match::cut;
        }
        if (bytes[end] == '\n' && end > start) {
            version.clear();
            version.append(bytes.substr(start, end - start));
            return Match::found;
        }
        at = start;
    }
    // Keep a tail that may hold the beginning of a marker.
    resume = bytes.size() > mark.size() ? bytes.size() - mark.size() : 0;
    return Match::none;
}

}  // namespace

std::optional<Version> find_version(std::string_view bytes)
{
    Version version;
    std::size_t resume;
    if (search(bytes, version, resume) == Match::found)
        return version;
    return std::nullopt;
}

Result<std::optional<Version>> find_version(int fd)
{
    char chunk[16384];
    std::size_t kept = 0;
    off_t offset = 0;
    for (;;) {
        std::size_t n = TRY(sys::pread(fd, chunk + kept, sizeof chunk - kept, offset));
        offset += static_cast<off_t>(n);
        std::size_t filled = kept + n;
        Version version;
        std::size_t resume = 0;
        Match match = search({chunk, filled}, version, resume);
        if (match == Match::found)
            return std::optional<Version>(version);
        if (n == 0)
            return std::optional<Version>();
        if (match == Match::cut && resume == 0 && filled == sizeof chunk)  // cannot happen: versions are short
            resume = filled - marker().size();
        kept = filled - resume;
        ::memmove(chunk, chunk + resume, kept);
    }
}

Version own_version()
{
    std::string_view id = identity;
    id.remove_prefix(marker().size());
    if (!id.empty() && id.back() == '\n')
        id.remove_suffix(1);
    return Version(id);
}

Result<bool> has_contents(int fd, std::string_view bytes)
{
    char chunk[16384];
    off_t offset = 0;
    for (;;) {
        std::size_t n = TRY(sys::pread(fd, chunk, sizeof chunk, offset));
        std::size_t at = static_cast<std::size_t>(offset);
        if (n == 0)
            return at == bytes.size();
        if (at + n > bytes.size() || ::memcmp(chunk, bytes.data() + at, n) != 0)
            return false;
        offset += static_cast<off_t>(n);
    }
}

Result<Existing> inspect(int dir, const char* name, const Wanted& wanted)
{
    Existing existing;
    auto st = sys::fstatat(dir, name, AT_SYMLINK_NOFOLLOW);
    if (!st.ok()) {
        if (st.error().code == ENOENT)
            return existing;
        return st.take_error();
    }
    mode_t type = st.value().st_mode & S_IFMT;

    if (type == S_IFLNK) {
        char target[256];
        std::size_t n = TRY(sys::readlinkat(dir, name, target, sizeof target));
        std::string_view link(target, n);
        existing.link_target.append(link);
        // Ours is exactly the relative link an installer makes, never the nskit entry itself.
        if (link == "nskit" && std::string_view(name) != "nskit") {
            existing.found = Found::own_link;
            existing.same = !wanted.link.empty() && link == wanted.link;
        } else {
            existing.found = Found::foreign;
            existing.why = "a link to another program";
        }
        return existing;
    }

    existing.found = Found::foreign;
    if (type == S_IFDIR) {
        existing.why = "a directory";
        existing.directory = true;
        return existing;
    }
    if (type != S_IFREG) {
        existing.why = "not a regular file";
        return existing;
    }
    // O_NOFOLLOW: the name was a file a moment ago; never read through a link swapped in since.
    Fd fd = TRY(sys::openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK));
    // A binary that identifies as nskit: an ELF file carrying the identity (a
    // script quoting it is not one).
    char magic[4];
    std::size_t got = TRY(sys::pread(fd.get(), magic, sizeof magic, 0).describe("cannot read ", name));
    auto version = got == sizeof magic && ::memcmp(magic, "\x7f" "ELF", 4) == 0
                       ? TRY(find_version(fd.get()).describe("cannot read ", name))
                       : std::nullopt;
    if (!version) {
        existing.why = "a different program";
        return existing;
    }
    existing.found = Found::own_binary;
    existing.version = *version;
    if (!wanted.binary.empty() && (st.value().st_mode & 07777) == 0755)
        existing.same = TRY(has_contents(fd.get(), wanted.binary).describe("cannot read ", name));
    return existing;
}

}  // namespace nskit::install
