// Docker's containers: the ones whose ID its data root keeps a record of,
// <data-root>/containers/ID/config.v2.json, named by its "Name" ("/web"),
// running (a runtime's state has them) or stopped.
#include <fcntl.h>

#include "base/buffer.h"
#include "runtime/sources.h"

namespace nskit::sources {

using namespace std::literals;

bool docker_record(std::string_view id, const state::Places& places, Named& named)
{
    Text<600> record(places.data_root, "/containers/", id, "/config.v2.json");
    auto text = read_file(AT_FDCWD, record.c_str(), 8 * 1024 * 1024);
    auto doc = text.ok() ? json::parse(text.value().view()) : Result<json::Value>(text.take_error());
    if (!doc.ok())
        return false;
    Text<258> slashed;
    (void)doc.value().get("Name"sv).unescape(slashed);
    named.name.clear();
    named.name.append(slashed.view().substr(slashed.view().starts_with('/')));
    (void)doc.value().get("Config"sv).get("Image"sv).unescape(named.image);
    return true;
}

namespace {

bool name(const state::StateEntry& entry, Walk& walk, Named& named)
{
    return docker_record(entry.id, walk.places, named);
}

}  // namespace

extern const Source docker{.prefix = "docker", .name = name};

}  // namespace nskit::sources
