// Deciding, for each entry of the install directory, what to do with what is
// there, and doing it: install, upgrade, leave unchanged, skip (not ours),
// replace with a backup (--force); for uninstall, remove or restore.
#pragma once

#include <string_view>

#include "install/files.h"
#include "install/target.h"

namespace nskit::install {

enum class Mode { links, copies };
enum class Role { binary, applet };

class Plan {
public:
    Plan(Target& target, std::string_view self, Mode mode, bool force)
        : target_(target), self_(self), mode_(mode), force_(force)
    {
    }

    // Installs one entry: "nskit" (Role::binary) or an applet's link or copy.
    // False after a failure, which has been reported.
    bool entry(std::string_view name, Role role);

    // Uninstalls one entry if it is ours; puts back a --force backup.
    bool remove(std::string_view name);

private:
    bool act(Outcome outcome, const char* name, const Wanted& wanted, const char* backup, std::string_view details);

    Target& target_;
    std::string_view self_;
    Mode mode_;
    bool force_;
};

// "nsenter.nskit-backup": where --force keeps a file it replaces.
Text<300> backup_name(std::string_view name);

}  // namespace nskit::install
