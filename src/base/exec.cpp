#include "base/exec.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <string_view>

#include "base/text.h"

namespace nskit {

Error exec_program(char* const argv[], char* const envp[])
{
    std::string_view name = argv[0];
    if (name.empty())
        return Error::from_errno(ENOENT, "failed to execute ''");
    if (name.find('/') != std::string_view::npos) {
        ::execve(argv[0], argv, envp);
        return Error::from_errno(errno, "failed to execute ", name);
    }

    // PATH comes from the environment the program gets, as execvpe does.
    const char* path = nullptr;
    for (char* const* entry = envp; entry && *entry; ++entry)
        if (starts_with(*entry, "PATH="))
            path = *entry + 5;
    std::string_view dirs = path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    // Like execvp: a program found but not executable is reported over a
    // later "not found".
    int first_error = ENOENT;
    while (true) {
        auto colon = dirs.find(':');
        std::string_view dir = dirs.substr(0, colon);
        Text<4096> candidate(dir.empty() ? "." : dir, '/', name);
        if (!candidate.truncated()) {
            ::execve(candidate.c_str(), argv, envp);
            if (errno != ENOENT && errno != ENOTDIR && first_error == ENOENT)
                first_error = errno;
        }
        if (colon == std::string_view::npos)
            break;
        dirs.remove_prefix(colon + 1);
    }
    return Error::from_errno(first_error, "failed to execute ", name);
}

int exit_status_for(const Error& exec_error) { return exec_error.code == ENOENT ? 127 : 126; }

}  // namespace nskit
