// nsenter's command line (nsenter.h): its options, declared once, from which
// parsing and --help are derived, and the checks of what they ask together.
#include "applets/nsenter.h"

#include "ns/toolbox.h"

namespace nskit {

namespace {

enum OptionId : int {
    ALL = 1, TARGET, SETUID, SETGID, PRESERVE_CREDENTIALS, KEEP_CAPS, ROOT, WD, WDNS, ENV,
    JOIN_CGROUP, NO_FORK, NET_SOCKET, USER_PARENT, FOLLOW_CONTEXT, RELAY, TOOLS, HELP, VERSION,
    NAMESPACE = 100,  // NAMESPACE + NsKind: -U, -C, -i, -u, -n, -p, -m, -T
};

constexpr auto options = [] {
    std::array<Option, 19 + namespace_kinds.size()> table{};
    std::size_t i = 0;
    table[i++] = {ALL, 'a', Arg::none, "all", "", "enter all namespaces of the target"};
    table[i++] = {TARGET, 't', Arg::required, "target", "pid[:inode]", "target process to get namespaces from"};
    for (const NsInfo& ns : namespace_kinds)
        table[i++] = {static_cast<short>(NAMESPACE + static_cast<int>(ns.kind)), ns.short_option, Arg::optional, ns.long_option, "file", ns.description,
                      "enter "};
    table[i++] = {NET_SOCKET, 'N', Arg::required, "net-socket", "fd", "network namespace of the target's socket fd"};
    table[i++] = {USER_PARENT, '\0', Arg::none, "user-parent", "", "enter the parent user namespace"};
    table[i++] = {SETUID, 'S', Arg::required, "setuid", "uid|follow", "set uid in entered namespace"};
    table[i++] = {SETGID, 'G', Arg::required, "setgid", "gid|follow", "set gid in entered namespace"};
    table[i++] = {PRESERVE_CREDENTIALS, '\0', Arg::none, "preserve-credentials", "", "do not touch uids or gids"};
    table[i++] = {KEEP_CAPS, '\0', Arg::none, "keep-caps", "", "keep capabilities granted in the user namespace"};
    table[i++] = {ROOT, 'r', Arg::optional, "root", "dir", "set the root directory"};
    table[i++] = {WD, 'w', Arg::optional, "wd", "dir", "set the working directory"};
    table[i++] = {WDNS, 'W', Arg::required, "wdns", "dir", "set the working directory in namespace"};
    table[i++] = {ENV, 'e', Arg::none, "env", "", "inherit environment variables from target process"};
    table[i++] = {JOIN_CGROUP, 'c', Arg::none, "join-cgroup", "", "join the cgroups of the target process"};
    table[i++] = {NO_FORK, 'F', Arg::none, "no-fork", "", "do not fork before exec'ing <program>"};
    table[i++] = {FOLLOW_CONTEXT, 'Z', Arg::none, "follow-context", "", "set security context of the target"};
    table[i++] = {RELAY, '\0', Arg::optional, "relay", "pty|pipes",
                  "the program gets pipes or a pty of its own, in its own session, and no other descriptor"};
    table[i++] = {TOOLS, '\0', Arg::optional, "tools", "dir",
                  "show a toolbox of static programs at /.nskit/tools (default /usr/local/lib/nskit/tools)"};
    table[i++] = {HELP, 'h', Arg::none, "help", "", "display this help"};
    table[i++] = {VERSION, 'V', Arg::none, "version", "", "display version"};
    return table;
}();
static_assert(options.back().id == VERSION, "every slot of the option table is filled");

}  // namespace

constexpr Usage nsenter_usage{"[options] [<program> [<argument>...]]", "Run a program with namespaces of other processes.",
                      options, "nskit-nsenter"};

namespace {


Result<IdChoice> parse_id(const char* text, const char* what)
{
    if (std::string_view(text) == "follow")
        return IdChoice{true, 0};
    auto id = parse_decimal(text, 0xfffffffeu);
    if (!id)
        return Error::because("not a number or 'follow'", "invalid ", what, " '", text, "'");
    return IdChoice{false, static_cast<std::uint32_t>(*id)};
}

}  // namespace

Result<Request> parse_nsenter_command_line(int argc, char** argv)
{
    Request request;
    OptionParser parser(options, argc, argv);
    OptionHit hit;
    while (TRY(parser.next(hit))) {
        switch (hit.id) {
        case ALL: request.all = true; break;
        case TARGET: request.target = TRY(parse_target(hit.value)); break;
        case NET_SOCKET: {
            auto fd = parse_decimal(hit.value, 0x7fffffff);
            if (!fd)
                return Error::because("not a file descriptor number", "invalid --net-socket '", hit.value, "'");
            request.net_socket = static_cast<int>(*fd);
            break;
        }
        case USER_PARENT: request.user_parent = true; break;
        case SETUID: request.uid = TRY(parse_id(hit.value, "uid")); break;
        case SETGID: request.gid = TRY(parse_id(hit.value, "gid")); break;
        case PRESERVE_CREDENTIALS: request.preserve_credentials = true; break;
        case KEEP_CAPS: request.keep_caps = true; break;
        case ROOT: request.root = true; request.root_dir = hit.value; break;
        case WD: request.wd = true; request.wd_dir = hit.value; break;
        case WDNS: request.wdns = hit.value; break;
        case ENV: request.inherit_env = true; break;
        case JOIN_CGROUP: request.join_cgroup = true; break;
        case NO_FORK: request.no_fork = true; break;
        case FOLLOW_CONTEXT: request.follow_context = true; break;
        case RELAY: {
            int mode = hit.value ? word_index(hit.value, "pty pipes ") : -1;
            if (hit.value && mode < 0)
                return Error::because("expected pty or pipes", "bad --relay '", hit.value, "'");
            request.relay = mode < 0 ? Terminal::automatic : mode == 0 ? Terminal::pty : Terminal::pipes;
            break;
        }
        case TOOLS: request.tools = hit.value ? hit.value : default_toolbox; break;
        case HELP: request.help = true; return request;
        case VERSION: request.version = true; return request;
        default: {
            auto& wish = request.wish(static_cast<NsKind>(hit.id - NAMESPACE));
            wish.wanted = true;
            wish.file = hit.value;
        }
        }
    }
    request.program = parser.index();

    // Combinations that cannot work are refused before anything is opened.
    if (request.wd && request.wdns)
        return Error::because("mutually exclusive options", "--wd and --wdns");
    if (request.net_socket && request.wish(NsKind::net).wanted)
        return Error::because("mutually exclusive options", "--net and --net-socket");
    // The toolbox is shown in a copy of the entered mount namespace; a
    // directory opened before entering would lie outside that view.
    if (request.tools && !request.all && !request.wish(NsKind::mnt).wanted)
        return Error::because("it is shown in the entered mount namespace: add -m or --all", "cannot use --tools");
    if (request.tools && request.wd)
        return Error::because("the directory is opened before the view is made: use --wdns", "cannot use --tools with --wd");
    if (!request.target) {
        for (const NsInfo& ns : namespace_kinds)
            if (request.wish(ns.kind).wanted && !request.wish(ns.kind).file)
                return Error::because("neither a file nor --target given", "cannot enter the ", ns.description);
        const char* needs_target = request.all                              ? "--all"
                                   : request.net_socket                     ? "--net-socket"
                                   : request.root && !request.root_dir      ? "--root without a directory"
                                   : request.wd && !request.wd_dir          ? "--wd without a directory"
                                   : request.inherit_env                    ? "--env"
                                   : request.join_cgroup                    ? "--join-cgroup"
                                   : request.follow_context                 ? "--follow-context"
                                   : request.uid && request.uid->follow     ? "--setuid follow"
                                   : request.gid && request.gid->follow     ? "--setgid follow"
                                                                            : nullptr;
        if (needs_target)
            return Error::because("it needs --target", "cannot use ", needs_target);
    }
    bool does_something = request.any_namespace() || request.root || request.wd || request.wdns || request.uid ||
                          request.gid || request.inherit_env || request.join_cgroup || request.follow_context;
    if (!does_something)
        return Error::because("use --all, or one of -m -u -i -n -p -U -C -T (see --help)", "no namespace selected");
    return request;
}

}  // namespace nskit
