// nerdctl's containers: containerd tasks whose config.json carries the
// nerdctl/name annotation (nerdctl keeps no other record of names).
#include "runtime/sources.h"

namespace nskit::sources {

using namespace std::literals;

namespace {

bool name(const state::StateEntry& entry, Walk&, Named& named)
{
    Text<256> given;
    if (!entry.config.get("annotations"sv).get("nerdctl/name"sv).unescape(given) || given.empty())
        return false;
    named.name = given;
    return true;
}

}  // namespace

extern const Source nerdctl{.prefix = "nerdctl", .name = name};

}  // namespace nskit::sources
