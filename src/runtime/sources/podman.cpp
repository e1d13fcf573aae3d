// Podman's containers, without Podman or its database (BoltDB before 4.8,
// SQLite after): the bundles of containers Podman made carry the annotation
// io.container.manager=libpod, and sit in containers/storage as
// <graph root>/<driver>-containers/ID/userdata, beside that storage's
// containers.json, whose entries name them: {"id": ID, "names": [NAME], "metadata":
// "{\"image-name\": ...}"}. The runtime's state (root's /run/runc, or a
// rootless user's $XDG_RUNTIME_DIR/runc) says where the bundle is.
#include <fcntl.h>

#include "base/buffer.h"
#include "runtime/sources.h"

namespace nskit::sources {

using namespace std::literals;

namespace {

// The storage's containers.json, read and parsed once per walk.
json::Value containers_of(Walk& walk, std::string_view storage)
{
    Text<600> path(storage, "containers.json");
    for (std::size_t i = 0; i < walk.podman_storage_count; ++i)
        if (walk.podman_storages[i].path.view() == path.view())
            return walk.podman_storages[i].doc;
    if (walk.podman_storage_count == walk.podman_storages.size())
        walk.podman_storage_count = 0;  // more storages than a host has: start over
    Walk::PodmanStorage& slot = walk.podman_storages[walk.podman_storage_count++];
    slot.path = path;
    slot.doc = json::Value();
    auto text = read_file(AT_FDCWD, path.c_str(), 64 * 1024 * 1024);
    if (text.ok()) {
        slot.text = text.take_value();
        if (auto doc = json::parse(slot.text.view()); doc.ok())
            slot.doc = doc.value();
    }
    return slot.doc;
}

bool name(const state::StateEntry& entry, Walk& walk, Named& named)
{
    std::string_view storage = entry.bundle;
    if (!entry.config.get("annotations"sv).get("io.container.manager"sv).equals("libpod"sv) ||
        !storage.ends_with("/userdata"sv))
        return false;
    storage.remove_suffix(9);
    if (!storage.ends_with(entry.id))
        return false;
    storage.remove_suffix(entry.id.size());
    json::Value container;
    for (json::Elements e(containers_of(walk, storage)); e.next(container);) {
        Text<256> given;
        json::Value first;
        if (!container.get("id"sv).equals(entry.id) || !json::Elements(container.get("names"sv)).next(first) ||
            !first.unescape(given) || given.empty())
            continue;
        named.name = given;
        Buffer metadata;
        if (container.get("metadata"sv).unescape(metadata))
            if (auto image = json::parse(metadata.view()); image.ok())
                (void)image.value().get("image-name"sv).unescape(named.image);
        return true;
    }
    return false;
}

}  // namespace

extern const Source podman{.prefix = "podman", .name = name, .init_hostname = true};

}  // namespace nskit::sources
