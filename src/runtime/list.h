// docker-enter --list: every running container this host's runtime state
// records, named as its own source names it. The state files are the record
// (runtime/state.h), so the list needs no engine, and a container that has
// several records (a Docker container is also a containerd task and a runc
// state) is listed once:
//   docker   Docker's data root knows the ID: its name and image (config.v2.json)
//   k8s      containerd CRI's annotations: NAMESPACE/POD/CONTAINER and the image
//   nerdctl  the nerdctl/name annotation
//   runc, crun, containerd   no one named it: the runtime whose record it is
#pragma once

#include <sys/types.h>

#include <string_view>

#include "base/function_ref.h"
#include "base/text.h"
#include "runtime/state.h"

namespace nskit {

struct ListedContainer {
    std::string_view source;
    Text<256> name;  // as the source records it (Docker's begins with a /); empty when none
    std::string_view id;
    pid_t pid = 0;
    Text<256> image;  // empty when unknown
};

void list_containers(const state::Places& places, FunctionRef<void(const ListedContainer&)> visit);

}  // namespace nskit
