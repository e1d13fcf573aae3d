#include "context/caps.h"

#include <sys/prctl.h>

#include "base/sys.h"
#include "base/proc_status.h"

namespace nskit {

using namespace std::literals;

namespace {

std::uint64_t known_mask()
{
    int last = sys::last_capability();
    return last >= 63 ? ~std::uint64_t(0) : (std::uint64_t(1) << (last + 1)) - 1;
}

bool has(std::uint64_t set, int cap) { return set >> cap & 1; }

// One prctl step of become(); `what` (with the capability, when one is given) names it when it fails.
Result<void> prctl_step(int option, unsigned long a2, unsigned long a3, const char* what, int cap = -1,
                        const char* tail = "")
{
    auto done = sys::prctl(option, a2, a3);
    if (done.ok())
        return {};
    if (cap < 0)
        return done.take_error().describe(what);
    return done.take_error().describe(what, cap, tail);
}


}  // namespace

std::optional<CapabilityState> parse_capability_status(std::string_view status)
{
    CapabilityState caps;
    static constexpr struct Field {
        char name[7];
        std::uint64_t CapabilityState::*into;
    } fields[] = {{"CapInh", &CapabilityState::inheritable}, {"CapPrm", &CapabilityState::permitted},
                  {"CapEff", &CapabilityState::effective}, {"CapBnd", &CapabilityState::bounding},
                  {"CapAmb", &CapabilityState::ambient}};
    for (const Field& field : fields) {
        auto text = status_field(status, {field.name, 6});
        auto value = text ? parse_hex(trim(*text)) : std::nullopt;
        if (!value)
            return std::nullopt;
        caps.*field.into = *value;
    }
    // NoNewPrivs appeared in Linux 4.10; an older kernel's absence means 0.
    if (auto nnp = status_field(status, "NoNewPrivs"sv))
        caps.no_new_privs = trim(*nnp) == "1"sv;
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

CapabilityState known_capabilities(const CapabilityState& wanted)
{
    std::uint64_t known = known_mask();
    CapabilityState caps = wanted;
    caps.bounding &= known;
    caps.permitted &= known;
    caps.effective &= known;
    caps.inheritable &= known;
    caps.ambient &= known;
    return caps;
}

Result<void> become(const Credentials& creds, const CapabilityState& wanted)
{
    CapabilityState caps = known_capabilities(wanted);

    for (int cap = 0; cap <= sys::last_capability(); ++cap)
        if (!has(caps.bounding, cap))
            TRY(prctl_step(PR_CAPBSET_DROP, static_cast<unsigned long>(cap), 0, "cannot drop capability ", cap,
                           " from the bounding set"));

    TRY(prctl_step(PR_SET_KEEPCAPS, 1, 0, "cannot keep capabilities across the change of user"));
    if (!creds.setgroups_denied)
        TRY(sys::setgroups(creds.group_list()).describe("cannot set the supplementary groups"));
    TRY(sys::setresgid(creds.gid).describe("cannot set gid ", creds.gid));
    TRY(sys::setresuid(creds.uid).describe("cannot set uid ", creds.uid));

    sys::CapSets sets{caps.effective, caps.permitted, caps.inheritable};
    TRY(sys::capset(sets).describe("cannot set the capabilities of the container"));
    TRY(prctl_step(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, "cannot clear the ambient capabilities"));
    for (int cap = 0; cap <= sys::last_capability(); ++cap)
        if (has(caps.ambient, cap))
            TRY(prctl_step(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, static_cast<unsigned long>(cap),
                           "cannot raise ambient capability ", cap));
    if (caps.no_new_privs)
        TRY(prctl_step(PR_SET_NO_NEW_PRIVS, 1, 0, "cannot set no_new_privs"));
    TRY(prctl_step(PR_SET_KEEPCAPS, 0, 0, "cannot clear keep-capabilities"));

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
