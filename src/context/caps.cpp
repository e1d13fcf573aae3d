#include "context/caps.h"

#include <sys/prctl.h>

#include "base/sys.h"
#include "ns/userns.h"

namespace nskit {

namespace {

std::uint64_t known_mask()
{
    int last = sys::last_capability();
    return last >= 63 ? ~std::uint64_t(0) : (std::uint64_t(1) << (last + 1)) - 1;
}

bool has(std::uint64_t set, int cap) { return set >> cap & 1; }


}  // namespace

std::optional<CapabilityState> parse_capability_status(std::string_view status)
{
    CapabilityState caps;
    struct Field {
        std::string_view name;
        std::uint64_t* into;
    } fields[] = {{"CapInh", &caps.inheritable}, {"CapPrm", &caps.permitted}, {"CapEff", &caps.effective},
                  {"CapBnd", &caps.bounding}, {"CapAmb", &caps.ambient}};
    for (const Field& field : fields) {
        auto text = status_field(status, field.name);
        auto value = text ? parse_hex(trim(*text)) : std::nullopt;
        if (!value)
            return std::nullopt;
        *field.into = *value;
    }
    // NoNewPrivs appeared in Linux 4.10; an older kernel's absence means 0.
    if (auto nnp = status_field(status, "NoNewPrivs"))
        caps.no_new_privs = trim(*nnp) == "1";
    return caps;
}

CapabilityState full_capabilities(const CapabilityState& container, const CapabilityState& ours)
{
    CapabilityState caps;
    caps.bounding = caps.permitted = caps.effective = ours.bounding & ours.permitted & known_mask();
    caps.no_new_privs = container.no_new_privs;
    return caps;
}

Result<CapabilityState> current_capabilities()
{
    CapabilityState caps;
    auto sets = TRY(sys::capget());
    caps.effective = sets.effective;
    caps.permitted = sets.permitted;
    caps.inheritable = sets.inheritable;
    for (int cap = 0; cap <= sys::last_capability(); ++cap) {
        if (TRY(sys::prctl(PR_CAPBSET_READ, static_cast<unsigned long>(cap))) == 1)
            caps.bounding |= std::uint64_t(1) << cap;
        if (TRY(sys::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, static_cast<unsigned long>(cap))) == 1)
            caps.ambient |= std::uint64_t(1) << cap;
    }
    caps.no_new_privs = TRY(sys::prctl(PR_GET_NO_NEW_PRIVS)) == 1;
    return caps;
}

Result<void> become(const Credentials& creds, const CapabilityState& wanted)
{
    std::uint64_t known = known_mask();
    CapabilityState caps = wanted;
    caps.bounding &= known;
    caps.permitted &= known;
    caps.effective &= known;
    caps.inheritable &= known;
    caps.ambient &= known;

    for (int cap = 0; cap <= sys::last_capability(); ++cap)
        if (!has(caps.bounding, cap))
            TRY(sys::prctl(PR_CAPBSET_DROP, static_cast<unsigned long>(cap))
                    .describe("cannot drop capability ", cap, " from the bounding set"));

    TRY(sys::prctl(PR_SET_KEEPCAPS, 1).describe("cannot keep capabilities across the change of user"));
    if (!creds.setgroups_denied)
        TRY(sys::setgroups(creds.group_list()).describe("cannot set the supplementary groups"));
    TRY(sys::setresgid(creds.gid).describe("cannot set gid ", creds.gid));
    TRY(sys::setresuid(creds.uid).describe("cannot set uid ", creds.uid));

    sys::CapSets sets{caps.effective, caps.permitted, caps.inheritable};
    TRY(sys::capset(sets).describe("cannot set the capabilities of the container"));
    TRY(sys::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL).describe("cannot clear the ambient capabilities"));
    for (int cap = 0; cap <= sys::last_capability(); ++cap)
        if (has(caps.ambient, cap))
            TRY(sys::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, static_cast<unsigned long>(cap))
                    .describe("cannot raise ambient capability ", cap));
    if (caps.no_new_privs)
        TRY(sys::prctl(PR_SET_NO_NEW_PRIVS, 1).describe("cannot set no_new_privs"));
    TRY(sys::prctl(PR_SET_KEEPCAPS, 0).describe("cannot clear keep-capabilities"));

    CapabilityState now = TRY(current_capabilities());
    // We may already carry no_new_privs from our caller: more restricted, not less.
    if (!caps.no_new_privs)
        now.no_new_privs = false;
    if (!(now == caps))
        return Error::because("the kernel holds other capabilities than the container's",
                              "refusing to run the command");
    return {};
}

Text<24> capability_mask(std::uint64_t set)
{
    Text<24> text;
    for (int shift = 60; shift >= 0; shift -= 4)
        text.append("0123456789abcdef"[set >> shift & 15]);
    return text;
}

}  // namespace nskit
