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

bool name(const state::StateEntry& entry, const state::Places&, Named& named)
{
    std::string_view storage = entry.bundle;
    if (!entry.config.get("annotations"sv).get("io.container.manager"sv).equals("libpod"sv) ||
        !storage.ends_with("/userdata"sv))
        return false;
    storage.remove_suffix(9);
    if (!storage.ends_with(entry.id))
        return false;
    storage.remove_suffix(entry.id.size());
    Text<600> list(storage, "containers.json");
    auto text = read_file(AT_FDCWD, list.c_str(), 64 * 1024 * 1024);
    auto doc = text.ok() ? json::parse(text.value().view()) : Result<json::Value>(text.take_error());
    json::Value container;
    for (json::Elements e(doc.ok() ? doc.value() : json::Value()); e.next(container);) {
        Text<256> given;
        json::Value first;
        if (!container.get("id"sv).equals(entry.id) || !json::Elements(container.get("names"sv)).next(first) ||
            !first.unescape(given) || given.empty())
            continue;
        named.name = given;
        Buffer metadata;
        if (auto image = container.get("metadata"sv).unescape(metadata) ? json::parse(metadata.view())
                                                                         : Result<json::Value>(Error::because("not a string", "metadata"));
            image.ok())
            (void)image.value().get("image-name"sv).unescape(named.image);
        return true;
    }
    return false;
}

}  // namespace

extern const Source podman{.prefix = "podman", .name = name, .init_hostname = true};

}  // namespace nskit::sources
