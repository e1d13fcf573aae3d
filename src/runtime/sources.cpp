#include "runtime/sources.h"

#include <fcntl.h>

#include <algorithm>

#include "base/buffer.h"
#include "base/sys.h"
#include "runtime/container.h"

namespace nskit::sources {

extern const Source docker, podman, kubernetes, nerdctl, lxc, machine;  // runtime/sources/*.cpp

using namespace std::literals;

namespace {

constexpr const Source* all[] = {&docker, &podman, &kubernetes, &nerdctl, &lxc, &machine};

// Whether a containerd task runs in a sandboxed runtime (Kata Containers'
// shim, gVisor's runsc), from its task directory's shim-binary-path: the
// namespaces it records are a VM's or a sandbox's, not the container's.
bool is_sandboxed(std::string_view task_dir)
{
    char buffer[256];
    auto text = read_small_file(AT_FDCWD, Text<620>(task_dir, "/shim-binary-path").c_str(), buffer);
    std::string_view shim = text.ok() ? text.value() : std::string_view();
    shim = shim.substr(shim.rfind('/') + 1);
    return shim.find("kata") != std::string_view::npos || shim.find("runsc") != std::string_view::npos;
}

// "A, B, C": the NUL-separated names in byte order, so that a message
// naming them is the same whatever order the state directories were read in.
Text<400> in_order(std::string_view names)
{
    std::string_view each[16];
    std::size_t count = 0, more = 0;
    for (std::size_t start = 0; start < names.size();) {
        std::string_view one = names.substr(start, names.find('\0', start) - start);
        start += one.size() + 1;
        if (count < std::size(each))
            each[count++] = one;
        else
            ++more;
    }
    std::sort(each, each + count);
    Text<400> out;
    for (std::size_t i = 0; i < count; ++i)
        out.append(i ? ", " : "", each[i]);
    if (more)
        out.append(" and ", more, " more");
    return out;
}

}  // namespace

void for_each(const state::Places& places, FunctionRef<bool(const Named&)> visit)
{
    Buffer seen;  // "\0ID\0ID\0...": a container has a record per runtime that keeps one
    (void)seen.append("\0"sv);
    bool go_on = true;
    Walk walk{places};
    state::for_each_state(places, [&](const state::StateEntry& entry) {
        Text<82> key('\0', entry.id, '\0');
        if (seen.view().find(key.view()) != std::string_view::npos)
            return true;
        (void)seen.append(key.view().substr(1));
        Named named;
        named.source = entry.runtime;
        named.id.append(entry.id);
        named.pid = entry.pid;
        for (const Source* source : all)
            if (source->name && source->name(entry, walk, named)) {
                named.by = source;
                named.source = source->prefix;
                break;
            }
        if (named.sandbox)
            return true;
        if (entry.task && is_sandboxed(entry.state_dir))
            named.refused = "a sandboxed runtime (Kata, gVisor) runs it: its namespaces are not the container's";
        return go_on = visit(named);
    });
    for (const Source* source : all)
        if (source->list && go_on)
            source->list([&](Named& named) {
                named.by = source;
                named.source = source->prefix;
                return go_on = visit(named);
            });
}

const Source* prefixed(std::string_view query)
{
    for (const Source* source : all)
        if (query.size() > source->prefix.size() && query[source->prefix.size()] == ':' &&
            query.starts_with(source->prefix))
            return source;
    return nullptr;
}

Result<Named> find(std::string_view query, const state::Places& places)
{
    const Source* only = prefixed(query);
    std::string_view name = only ? query.substr(only->prefix.size() + 1) : query.substr(query.starts_with('/'));
    Named match;
    std::size_t count = 0;
    Buffer all_named;  // "SOURCE:NAME\0" of each
    for_each(places, [&](const Named& named) {
        const Source* by = named.by;
        std::string_view given = named.name.view();
        bool partial = by && by->last_part_optional && given.starts_with(name) && given.size() > name.size() &&
                       given.rfind('/') == name.size();
        if (!by || (only && by != only) || name.empty() || (given != name && !partial))
            return true;
        if (count++ == 0)
            match = named;
        Text<300> full(named.source, ':', given);
        (void)(all_named.append(full.view()) && all_named.append("\0"sv));
        return true;
    });
    if (count > 1)
        return Error::because("name one of them in full, as SOURCE:NAME", "'", query, "' names ", count,
                              " containers: ", in_order(all_named.view()));
    if (match.refused)
        return Error::because(match.refused, "container ", query);
    return match;
}

}  // namespace nskit::sources
