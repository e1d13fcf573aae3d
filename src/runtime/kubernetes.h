// Kubernetes pods on this node, without the kubelet or the CRI: a container
// named k8s:NAMESPACE/POD[/CONTAINER] is found by the annotations containerd's
// CRI plugin writes into each container's OCI config.json:
//   io.kubernetes.cri.sandbox-namespace, io.kubernetes.cri.sandbox-name,
//   io.kubernetes.cri.container-name, and io.kubernetes.cri.container-type
//   ("sandbox" for the pod's pause container, which is never entered).
// The bundles are the ones the runtime state names (runtime/state.h). A pod in
// a sandboxed runtime (Kata Containers, gVisor) is refused: the namespaces
// its task records are a VM's or a sandbox's, not the container's.
#pragma once

#include <string_view>

#include "base/result.h"
#include "base/text.h"
#include "runtime/state.h"

namespace nskit::kubernetes {

inline constexpr std::string_view prefix = "k8s:";

struct PodRef {
    std::string_view ns, pod, container;  // container empty: the pod's only one
};
// "k8s:NAMESPACE/POD[/CONTAINER]".
Result<PodRef> parse(std::string_view query);

// The ID of the container `ref` names. With no container named, the pod must
// have exactly one; with several, the error lists them.
Result<Text<72>> find(const PodRef& ref, const state::Places& places);

}  // namespace nskit::kubernetes
