// nsenter's parts, shared by its two files:
//   nsenter_options.cpp  the command line: the option table, --help, and
//                        the Request it makes (bad combinations refused first)
//   nsenter.cpp          the run: pin the target, open what must be opened
//                        before entering, enter, fork when the pid namespace
//                        changed, set credentials, exec
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "base/options.h"
#include "base/result.h"
#include "ns/kinds.h"
#include "ns/session.h"
#include "ns/target.h"

namespace nskit {

// -S/-G: a number, or "follow" (the target's own id).
struct IdChoice {
    bool follow = false;
    std::uint32_t id = 0;
};

struct Request {
    std::optional<TargetSpec> target;
    bool all = false;
    struct NamespaceWish {
        bool wanted = false;
        const char* file = nullptr;
    };
    std::array<NamespaceWish, namespace_kinds.size()> namespaces{};
    std::optional<int> net_socket;
    bool user_parent = false;
    std::optional<IdChoice> uid, gid;
    bool preserve_credentials = false, keep_caps = false, no_fork = false;
    bool inherit_env = false, join_cgroup = false, follow_context = false;
    std::optional<Terminal> relay;
    bool root = false, wd = false;
    const char* root_dir = nullptr;
    const char* wd_dir = nullptr;
    const char* wdns = nullptr;
    const char* tools = nullptr;  // --tools: the toolbox directory
    bool help = false, version = false;
    int program = 0;  // argv index of the program, argc when none

    NamespaceWish& wish(NsKind kind) { return namespaces[static_cast<std::size_t>(kind)]; }
    const NamespaceWish& wish(NsKind kind) const { return namespaces[static_cast<std::size_t>(kind)]; }
    bool any_namespace() const
    {
        for (const NamespaceWish& w : namespaces)
            if (w.wanted)
                return true;
        return all || net_socket.has_value();
    }
};

// Parses nsenter's command line into a Request, refusing combinations that
// cannot work before anything is opened.
Result<Request> parse_nsenter_command_line(int argc, char** argv);

extern const Usage nsenter_usage;

}  // namespace nskit
