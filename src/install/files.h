// Recognising nskit's own files in an install directory, without running
// anything: a link whose target is exactly "nskit" (as an installer makes
// it), or an ELF binary whose bytes carry the identity string of src/version.h.
#pragma once

#include <optional>
#include <string_view>

#include "base/result.h"
#include "base/text.h"

namespace nskit::install {

// "0.1.0+0123456789ab": the version and commit an nskit binary was built from.
using Version = Text<80>;

// The version in `identity`-formatted bytes of a file ("NSKIT-IDENTITY:<v>\n"),
// read in chunks so a large foreign file costs no memory.
Result<std::optional<Version>> find_version(int fd);

// The same search over bytes in memory (the running binary, unit tests).
std::optional<Version> find_version(std::string_view bytes);

// The version this binary identifies as.
Version own_version();

enum class Found {
    absent,
    own_binary,  // an ELF file that identifies as nskit
    own_link,    // a symbolic link "-> nskit" (never the nskit entry itself)
    foreign,     // anything else: never touched without --force
};

// What is in place of one entry of the install directory, measured against
// what the installer would put there.
struct Existing {
    Found found = Found::absent;
    bool same = false;          // already exactly what would be written
    Version version;            // own_binary: the version it identifies as
    Text<256> link_target;      // a link's target, as written
    std::string_view why = {};  // foreign: what it is ("a directory", "a different program")
    bool directory = false;
};

// What the installer wants at one name: a copy of `binary`, or a link to `link`.
struct Wanted {
    std::string_view binary;  // empty when a link is wanted
    std::string_view link;    // the link target, empty when a copy is wanted
};

// Looks at `name` in `dir` (never following a link, never executing).
Result<Existing> inspect(int dir, const char* name, const Wanted& wanted);

// True when an open file has exactly `bytes` as contents.
Result<bool> has_contents(int fd, std::string_view bytes);

}  // namespace nskit::install
