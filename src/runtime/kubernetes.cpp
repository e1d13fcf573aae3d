#include "runtime/kubernetes.h"

#include <fcntl.h>

#include "base/buffer.h"
#include "base/dir.h"
#include "runtime/container.h"
#include "runtime/json.h"

namespace nskit::kubernetes {

using namespace std::literals;

namespace {

bool is_name(std::string_view part) { return !part.empty() && part.find('/') == std::string_view::npos; }

// Whether a containerd task runs in a sandboxed runtime (Kata Containers'
// shim, gVisor's runsc), from its task directory's shim-binary-path.
bool is_sandboxed(std::string_view task_dir)
{
    char buffer[256];
    auto text = read_small_file(AT_FDCWD, Text<620>(task_dir, "/shim-binary-path").c_str(), buffer);
    std::string_view shim = text.ok() ? text.value() : std::string_view();
    shim = shim.substr(shim.rfind('/') + 1);
    return shim.find("kata") != std::string_view::npos || shim.find("runsc") != std::string_view::npos;
}

struct Member {
    Text<72> id;
    Text<64> name;
    bool sandboxed = false;
};

}  // namespace

Result<PodRef> parse(std::string_view query)
{
    std::string_view rest = query.substr(prefix.size());
    PodRef ref;
    std::size_t slash = rest.find('/');
    ref.ns = rest.substr(0, slash);
    rest = rest.substr(slash == std::string_view::npos ? rest.size() : slash + 1);
    slash = rest.find('/');
    ref.pod = rest.substr(0, slash);
    if (slash != std::string_view::npos)
        ref.container = rest.substr(slash + 1);
    if (!is_name(ref.ns) || !is_name(ref.pod) || (slash != std::string_view::npos && !is_name(ref.container)))
        return Error::because("not k8s:NAMESPACE/POD[/CONTAINER]", "bad container '", query, "'");
    return ref;
}

Result<Text<72>> find(const PodRef& ref, const state::Places& places)
{
    Member members[8];  // the pod's containers (one container can have two records)
    std::size_t size = 0;
    bool pod_seen = false;
    state::for_each_state(places, [&](const state::StateEntry& entry) {
        json::Value annotations = entry.config.get("annotations"sv);
        if (!annotations.get("io.kubernetes.cri.sandbox-namespace"sv).equals(ref.ns) ||
            !annotations.get("io.kubernetes.cri.sandbox-name"sv).equals(ref.pod))
            return true;
        pod_seen = true;
        if (annotations.get("io.kubernetes.cri.container-type"sv).equals("sandbox"sv))
            return true;
        std::size_t i = 0;
        while (i < size && members[i].id.view() != entry.id)
            ++i;
        if (i == size && size < std::size(members)) {
            members[size].id = Text<72>(entry.id);
            (void)annotations.get("io.kubernetes.cri.container-name"sv).unescape(members[size++].name);
        }
        if (i < size && entry.task)
            members[i].sandboxed = is_sandboxed(entry.state_dir);
        return true;
    });

    std::size_t matches = 0, pick = 0;
    Text<200> what("k8s:", ref.ns, '/', ref.pod);
    for (std::size_t i = 0; i < size; ++i)
        if (ref.container.empty() || members[i].name.view() == ref.container) {
            ++matches;
            pick = i;
        }
    if (matches == 1 && !members[pick].sandboxed)
        return members[pick].id;
    const char* why = "several containers: name one as NAMESPACE/POD/CONTAINER";
    if (matches == 1)
        why = "a sandboxed runtime (Kata, gVisor) runs it: its namespaces are not the container's";
    else if (!pod_seen)
        why = "no such pod on this node";
    else if (size == 0)
        why = "the pod has no running container";
    else if (matches == 0)
        why = "no running container of that name";
    if (!ref.container.empty())
        what.append('/', ref.container);
    for (std::size_t i = 0; i < size && matches != 1; ++i)
        what.append(i ? ", " : " (its containers: ", members[i].name, i + 1 == size ? ")" : "");
    return Error::because(why, what);
}

}  // namespace nskit::kubernetes
