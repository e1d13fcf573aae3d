// Kubernetes pods on this node, without the kubelet or the CRI: their
// containers are k8s:NAMESPACE/POD/CONTAINER, from the annotations the CRI
// writes into each container's OCI config.json. The pause container of a pod
// (its sandbox) holds the pod's namespaces and is never entered.
//   containerd: io.kubernetes.cri.container-type ("sandbox" or "container"),
//               io.kubernetes.cri.sandbox-namespace, .sandbox-name,
//               .container-name and .image-name.
//   CRI-O:      io.kubernetes.cri-o.ContainerType, the same two values, and
//               the pod's labels as one JSON document in a string,
//               io.kubernetes.cri-o.Labels: io.kubernetes.pod.namespace,
//               io.kubernetes.pod.name, io.kubernetes.container.name; the
//               image in io.kubernetes.cri-o.ImageName.
#include "runtime/sources.h"

namespace nskit::sources {

using namespace std::literals;

namespace {

bool name(const state::StateEntry& entry, Walk&, Named& named)
{
    json::Value annotations = entry.config.get("annotations"sv);
    json::Value type = annotations.get("io.kubernetes.cri.container-type"sv);
    json::Value labels = annotations, image = annotations.get("io.kubernetes.cri.image-name"sv);
    std::string_view keys[] = {"io.kubernetes.cri.sandbox-namespace", "io.kubernetes.cri.sandbox-name",
                               "io.kubernetes.cri.container-name"};
    Buffer crio_labels;
    if (!type) {
        type = annotations.get("io.kubernetes.cri-o.ContainerType"sv);
        auto doc = annotations.get("io.kubernetes.cri-o.Labels"sv).unescape(crio_labels)
                       ? json::parse(crio_labels.view())
                       : Result<json::Value>(Error::because("not a string", "io.kubernetes.cri-o.Labels"));
        if (!type || !doc.ok())
            return false;
        labels = doc.value();
        image = annotations.get("io.kubernetes.cri-o.ImageName"sv);
        keys[0] = "io.kubernetes.pod.namespace";
        keys[1] = "io.kubernetes.pod.name";
        keys[2] = "io.kubernetes.container.name";
    }
    if (type.equals("sandbox"sv))
        return named.sandbox = true;
    Text<256> full;  // NAMESPACE/POD/CONTAINER, each part neither empty nor with a '/'
    for (std::size_t i = 0; i < 3; ++i) {
        if (i)
            full.append('/');
        std::size_t start = full.size();
        if (!labels.get(keys[i]).unescape(full) || full.size() == start ||
            full.view().find('/', start) != std::string_view::npos || full.truncated())
            return false;
    }
    named.name = full;
    (void)image.unescape(named.image);
    return true;
}

}  // namespace

extern const Source kubernetes{.prefix = "k8s", .name = name, .last_part_optional = true};

}  // namespace nskit::sources
