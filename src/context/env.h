// The environment a program is started with: built up from pieces (a
// container's configured variables, -e options, an env file, another
// process's /proc/PID/environ), where a later setting of a name replaces an
// earlier one, then handed to execve as an envp array.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string_view>

#include "base/buffer.h"
#include "base/result.h"

namespace nskit {

class Environment {
public:
    // "NAME=value": replaces an earlier NAME. An entry without '=' is refused.
    Result<void> set(std::string_view entry);
    Result<void> set(std::string_view name, std::string_view value);
    // Every "NAME=value" of a NUL-separated block (as /proc/PID/environ has
    // it); entries without '=' are skipped, as the kernel does not check them.
    Result<void> set_all(std::string_view block);
    bool has(std::string_view name) const;
    std::string_view get(std::string_view name) const;  // "" when unset
    std::size_t count() const;

    // A NULL-terminated array for execve, valid until the next set.
    Result<char* const*> envp();

    // Calls visit(entry) for each live "NAME=value", in order.
    template <class Visit>
    void for_each(Visit visit) const;

private:
    bool shadowed(std::size_t offset, std::string_view name) const;
    Buffer strings_;   // "NAME=value\0" entries; a later one wins
    Buffer pointers_;  // char* array built by envp()
};

// The name part of "NAME=value" (everything when there is no '=').
std::string_view env_name(std::string_view entry);

// /proc/PID/environ of another process (NUL-separated "NAME=value" entries).
Result<Buffer> read_process_environ(pid_t pid);

// HOME as runc gives it to every process it starts, and as Docker relies on:
// the user's home (`home`, from the container's passwd) where the
// environment leaves HOME unset or empty. Podman 5 writes "HOME=" into the
// configuration of a user that has no passwd entry; runc still gives "/".
Result<void> default_home(Environment& env, std::string_view home);

// How `docker run --env-file` and `-e` read a setting: "NAME=value" is
// taken as it is; a bare "NAME" takes NAME's value from our own environment
// and is dropped when we have none.
Result<void> set_from_option(Environment& env, std::string_view setting);

// An env file: one setting per line as above; blank lines and lines starting
// with '#' are skipped, leading white space is dropped. `file` names it in errors.
Result<void> set_from_env_file(Environment& env, std::string_view text, std::string_view file);

template <class Visit>
void Environment::for_each(Visit visit) const
{
    std::string_view all = strings_.view();
    std::size_t offset = 0;
    while (offset < all.size()) {
        std::string_view entry(all.data() + offset);
        if (!shadowed(offset, env_name(entry)))
            visit(entry);
        offset += entry.size() + 1;
    }
}

}  // namespace nskit
