#include "runtime/list.h"

#include <fcntl.h>

#include "base/buffer.h"
#include "runtime/json.h"

namespace nskit {

using namespace std::literals;

void list_containers(const state::Places& places, FunctionRef<void(const ListedContainer&)> visit)
{
    Buffer listed;  // "\0ID\0ID\0...": the IDs so far, each between NULs
    (void)listed.append("\0"sv);
    state::for_each_state(places, [&](const state::StateEntry& entry) {
        Text<82> key('\0', entry.id, '\0');
        if (listed.view().find(key.view()) != std::string_view::npos)
            return true;
        json::Value annotations = entry.config.get("annotations"sv);
        if (annotations.get("io.kubernetes.cri.container-type"sv).equals("sandbox"sv))
            return true;  // a pod's pause container: nothing to enter
        (void)listed.append(key.view().substr(1));

        ListedContainer c;
        c.id = entry.id;
        c.pid = entry.pid;
        c.source = entry.runtime;
        Text<600> record(places.data_root, "/containers/", entry.id, "/config.v2.json");
        if (auto text = read_file(AT_FDCWD, record.c_str(), 8 * 1024 * 1024); text.ok())
            if (auto doc = json::parse(text.value().view()); doc.ok()) {
                c.source = "docker";
                (void)doc.value().get("Name"sv).unescape(c.name);  // "/web"
                (void)doc.value().get("Config"sv).get("Image"sv).unescape(c.image);
            }
        json::Value pod = annotations.get("io.kubernetes.cri.sandbox-name"sv);
        bool named_by_docker = c.source == "docker"sv;
        if (!named_by_docker && pod) {
            c.source = "k8s";
            (void)annotations.get("io.kubernetes.cri.sandbox-namespace"sv).unescape(c.name);
            c.name.append('/');
            (void)pod.unescape(c.name);
            c.name.append('/');
            (void)annotations.get("io.kubernetes.cri.container-name"sv).unescape(c.name);
            (void)annotations.get("io.kubernetes.cri.image-name"sv).unescape(c.image);
        } else if (!named_by_docker && annotations.get("nerdctl/name"sv).unescape(c.name) && !c.name.empty()) {
            c.source = "nerdctl";
        }
        visit(c);
        return true;
    });
}

}  // namespace nskit
