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

// True when release `a` ("0.1.0+commit") is later than `b`'s, compared
// number by number; commits do not order, so two builds of one release are not.
bool later(const char* a, const char* b)
{
    for (;;) {
        unsigned long x = 0, y = 0;
        for (; *a >= '0' && *a <= '9'; ++a)
            x = x * 10 + unsigned(*a - '0');
        for (; *b >= '0' && *b <= '9'; ++b)
            y = y * 10 + unsigned(*b - '0');
        if (x != y || *a != '.' || *b != '.')
            return x > y;
        ++a, ++b;
    }
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
            target_.line(Outcome::unchanged, entry_name, now.view());
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
        bool older = existing.found == Found::own_binary && later(existing.version.c_str(), own_version().c_str());
        return act(older ? Outcome::downgraded : Outcome::upgraded, name.c_str(), wanted, nullptr, changed.view());
    }
    case Found::foreign:
        break;
    }

    if (!force_ || existing.directory) {
        const char* hint = existing.directory ? "never replaced" : "--force replaces it and keeps a backup";
        target_.line(Outcome::skipped, entry_name, Details(" (not installed by nskit: ", existing.why, "; ", hint, ')').view());
        warn(target_.program(), "warning: left ", target_.path(entry_name), " alone: ", existing.why,
             ", not installed by nskit");
        // Applets beside a foreign nskit would run it: install none.
        if (role == Role::binary) {
            target_.failed(Error::because("it is not nskit", "installed no applet beside ", target_.path(entry_name)),
                           entry_name);
            return false;
        }
        return true;
    }
    Text<300> backup = backup_name(entry_name);
    Text<4096> shown = target_.path(entry_name);
    auto needed = backup_needed(Entry{target_.dir(), name.c_str(), shown.c_str()}, backup.c_str());
    if (!needed.ok()) {
        target_.failed(needed.error(), entry_name);
        return false;
    }
    now.append(" (", existing.why, " kept as ", backup, ')');
    return act(Outcome::replaced, name.c_str(), wanted, needed.value() ? backup.c_str() : nullptr, now.view());
}

bool Plan::act(Outcome outcome, const char* name, const Wanted& wanted, const char* backup, std::string_view details)
{
    if (!target_.dry_run()) {
        int dir = target_.dir();
        Text<4096> shown = target_.path(name);
        Entry entry{dir, name, shown.c_str()};
        auto done = replace(entry, wanted.binary, wanted.binary.empty() ? "nskit" : nullptr, backup);
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
    int dir = target_.dir();
    Text<4096> shown = target_.path(entry_name);
    Entry entry{dir, name.c_str(), shown.c_str()};
    auto inspected = inspect(dir, name.c_str(), Wanted{});
    if (!inspected.ok()) {
        target_.failed(inspected.error(), entry_name);
        return false;
    }
    const Existing& existing = inspected.value();
    Text<300> backup = backup_name(entry_name);
    bool has_backup = sys::fstatat(dir, backup.c_str(), AT_SYMLINK_NOFOLLOW).ok();
    if (existing.found == Found::foreign) {
        // The same file under both names: a --force killed before its rename; the backup is ours.
        auto needed = has_backup ? backup_needed(entry, backup.c_str()) : Result<bool>(true);
        if (needed.ok() && !needed.value() && !target_.dry_run())
            (void)sys::unlinkat(dir, backup.c_str(), 0);
        target_.line(Outcome::skipped, entry_name, Details(" (not installed by nskit: ", existing.why, ')').view());
        return true;
    }
    if (existing.found == Found::absent && !has_backup)
        return true;
    Details was(" (");
    if (existing.found != Found::absent)
        describe(was, existing, entry_name == "nskit" ? Role::binary : Role::applet);
    else
        was.append("nothing");
    was.append(')');

    if (!target_.dry_run()) {
        auto done = has_backup ? restore(entry, backup.c_str()) : install::remove(entry);
        if (!done.ok()) {
            target_.failed(done.error(), entry_name);
            return false;
        }
    }
    if (has_backup)
        target_.line(Outcome::restored, entry_name, Details(" (from ", backup, ", replacing ", was.view().substr(2)).view());
    else
        target_.line(Outcome::removed, entry_name, was.view());
    return true;
}

}  // namespace nskit::install
