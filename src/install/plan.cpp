#include "install/plan.h"

#include <fcntl.h>

#include "base/sys.h"
#include "install/files.h"
#include "install/replace.h"

namespace nskit::install {

namespace {

using Name = Text<64>;
using Details = Text<400>;

// How an entry reads in a line: "nskit 0.1.0+abc", "copy of nskit 0.1.0+abc", "link to nskit".
void describe(Details& into, const Existing& existing, Role role)
{
    if (existing.found == Found::own_link)
        into.append("link to ", existing.link_target);
    else
        into.append(role == Role::binary ? "nskit " : "copy of nskit ", existing.version);
}

}  // namespace

Text<300> backup_name(std::string_view name) { return Text<300>(name, ".nskit-backup"); }

bool Plan::entry(std::string_view entry_name, Role role)
{
    Name name(entry_name);
    bool as_link = role == Role::applet && mode_ == Mode::links;
    Wanted wanted = as_link ? Wanted{{}, "nskit"} : Wanted{self_, {}};
    auto inspected = inspect(target_.dir(), name.c_str(), wanted);
    if (!inspected.ok()) {
        target_.failed(inspected.error(), entry_name);
        return false;
    }
    const Existing& existing = inspected.value();

    Details now;
    if (as_link)
        now.append(" -> nskit");
    else
        now.append(" (", role == Role::binary ? "nskit " : "copy of nskit ", own_version(), ')');

    switch (existing.found) {
    case Found::absent:
        return act(Outcome::installed, name.c_str(), wanted, nullptr, now.view());
    case Found::own_binary:
    case Found::own_link: {
        if (existing.same) {
            target_.line(Outcome::unchanged, entry_name, now);
            return true;
        }
        Details changed;
        if (as_link) {
            changed.append(now, " (was a ");
            describe(changed, existing, role);
            changed.append(')');
        } else {
            changed.append(" (");
            describe(changed, existing, role);
            changed.append(" -> ", role == Role::binary ? "nskit " : "copy of nskit ", own_version(), ')');
        }
        return act(Outcome::upgraded, name.c_str(), wanted, nullptr, changed.view());
    }
    case Found::foreign:
        break;
    }

    if (!force_ || existing.directory) {
        const char* hint = existing.directory ? "never replaced" : "--force replaces it and keeps a backup";
        target_.line(Outcome::skipped, entry_name, " (not installed by nskit: ", existing.why, "; ", hint, ')');
        warn(target_.program(), "warning: left ", target_.path(entry_name), " alone: ", existing.why,
             ", not installed by nskit");
        return true;
    }
    Text<300> backup = backup_name(entry_name);
    now.append(" (", existing.why, " kept as ", backup, ')');
    return act(Outcome::replaced, name.c_str(), wanted, backup.c_str(), now.view());
}

bool Plan::act(Outcome outcome, const char* name, const Wanted& wanted, const char* backup, std::string_view details)
{
    if (!target_.dry_run()) {
        int dir = target_.dir();
        auto done = wanted.binary.empty() ? replace_with_link(dir, name, "nskit", backup)
                                          : replace_with_file(dir, name, wanted.binary, backup);
        if (!done.ok()) {
            target_.failed(done.error(), name);
            return false;
        }
        // Read back what is there now, as a later reader will see it.
        auto check = inspect(dir, name, wanted);
        if (!check.ok() || !check.value().same) {
            target_.failed(check.ok() ? Error::because("it is not what was written", "cannot verify ", name)
                                      : check.error(),
                           name, Left::changed);
            return false;
        }
    }
    target_.line(outcome, name, details);
    return true;
}

bool Plan::remove(std::string_view entry_name)
{
    Name name(entry_name);
    auto inspected = inspect(target_.dir(), name.c_str(), Wanted{});
    if (!inspected.ok()) {
        target_.failed(inspected.error(), entry_name);
        return false;
    }
    const Existing& existing = inspected.value();
    if (existing.found == Found::absent)
        return true;
    if (existing.found == Found::foreign) {
        target_.line(Outcome::skipped, entry_name, " (not installed by nskit: ", existing.why, ')');
        return true;
    }
    Details was(" (");
    describe(was, existing, entry_name == "nskit" ? Role::binary : Role::applet);
    was.append(')');

    int dir = target_.dir();
    Text<300> backup = backup_name(entry_name);
    bool has_backup = sys::fstatat(dir, backup.c_str(), AT_SYMLINK_NOFOLLOW).ok();
    if (has_backup) {
        if (!target_.dry_run()) {
            auto restored = restore(dir, backup.c_str(), name.c_str());
            if (!restored.ok()) {
                target_.failed(restored.error(), entry_name);
                return false;
            }
        }
        target_.line(Outcome::restored, entry_name, " (from ", backup, ", replacing ", was.view().substr(2));
        return true;
    }
    if (!target_.dry_run()) {
        auto removed = install::remove(dir, name.c_str());
        if (!removed.ok()) {
            target_.failed(removed.error(), entry_name);
            return false;
        }
    }
    target_.line(Outcome::removed, entry_name, was);
    return true;
}

}  // namespace nskit::install
