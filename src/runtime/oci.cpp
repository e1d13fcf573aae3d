#include "runtime/oci.h"

#include "base/json.h"

namespace nskit {

using namespace std::literals;

namespace {

// Capabilities 0 to 40 in number order (linux/capability.h), each with one space after it.
constexpr std::string_view capability_names =
    "CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP LINUX_IMMUTABLE "
    "NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT "
    "SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE "
    "AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ "
    "PERFMON BPF CHECKPOINT_RESTORE ";

// RLIMIT_CPU ... RLIMIT_RTTIME in number order, as /proc/PID/limits lists them.
constexpr std::string_view limit_names =
    "CPU FSIZE DATA STACK CORE RSS NPROC NOFILE MEMLOCK AS LOCKS SIGPENDING MSGQUEUE NICE RTPRIO RTTIME ";

Error bad(const char* what) { return Error::because("not understood", "the OCI configuration's ", what); }

// A set of capabilities given by name; names this kernel table lacks grant nothing.
Result<std::uint64_t> capability_set(json::Value list, const char* what)
{
    std::uint64_t set = 0;
    if (!list || list.is_null())
        return set;
    if (list.kind() != json::Kind::array)
        return bad(what);
    json::Value name;
    for (json::Elements e(list); e.next(name);) {
        Text<40> text;
        if (!name.unescape(text))
            return bad(what);
        if (auto number = capability_number(text.view()))
            set |= std::uint64_t(1) << *number;
    }
    return set;
}

Result<std::uint32_t> id(json::Value value, const char* what)
{
    auto number = value.unsigned_integer();
    if (!number || *number > 0xfffffffe)
        return bad(what);
    return static_cast<std::uint32_t>(*number);
}

Result<void> read_capabilities(json::Value capabilities, OciProcess& process)
{
    if (!capabilities || capabilities.is_null())
        return {};
    if (capabilities.kind() != json::Kind::object)
        return bad("process.capabilities");
    process.has_capabilities = true;
    CapabilityState& caps = process.caps;
    caps.bounding = TRY(capability_set(capabilities.get("bounding"sv), "capabilities.bounding"));
    caps.effective = TRY(capability_set(capabilities.get("effective"sv), "capabilities.effective"));
    caps.permitted = TRY(capability_set(capabilities.get("permitted"sv), "capabilities.permitted"));
    caps.inheritable = TRY(capability_set(capabilities.get("inheritable"sv), "capabilities.inheritable"));
    caps.ambient = TRY(capability_set(capabilities.get("ambient"sv), "capabilities.ambient"));
    // The kernel keeps no capability ambient unless it is permitted and
    // inheritable. runc raises what is asked and goes on when the kernel says
    // no (`runc spec` lists ambient capabilities and no inheritable ones), so
    // the container's processes carry what is left, and so does ours.
    caps.ambient &= caps.permitted & caps.inheritable;
    return {};
}

Result<void> read_user(json::Value user, OciProcess& process)
{
    if (!user)
        return {};
    process.uid = TRY(id(user.get("uid"sv), "process.user.uid"));
    process.gid = TRY(id(user.get("gid"sv), "process.user.gid"));
    json::Value gid;
    for (json::Elements e(user.get("additionalGids"sv)); e.next(gid);) {
        if (process.additional_gid_count == process.additional_gids.size())
            return bad("process.user.additionalGids (more than 64)");
        process.additional_gids[process.additional_gid_count++] = TRY(id(gid, "process.user.additionalGids"));
    }
    if (json::Value umask = user.get("umask"sv)) {
        auto mask = umask.unsigned_integer();
        if (!mask || *mask > 0777)
            return bad("process.user.umask");
        process.umask = static_cast<mode_t>(*mask);
    }
    return {};
}

Result<void> read_rlimits(json::Value rlimits, OciProcess& process)
{
    json::Value limit;
    for (json::Elements e(rlimits); e.next(limit);) {
        Text<32> type;
        if (!limit.get("type"sv).unescape(type) || !starts_with(type.view(), "RLIMIT_"sv))
            return bad("process.rlimits type");
        int resource = word_index(type.view().substr(7), limit_names);
        auto soft = limit.get("soft"sv).unsigned_integer();
        auto hard = limit.get("hard"sv).unsigned_integer();
        if (resource < 0 || !soft || !hard || *soft > *hard)
            return bad("process.rlimits");
        process.rlimits[static_cast<std::size_t>(resource)] = sys::Limit{*soft, *hard};
    }
    return {};
}

}  // namespace

std::optional<int> capability_number(std::string_view name)
{
    if (!starts_with(name, "CAP_"sv))
        return std::nullopt;
    int number = word_index(name.substr(4), capability_names);
    return number < 0 ? std::nullopt : std::optional<int>(number);
}

Result<OciProcess> parse_oci_process(std::string_view config_json)
{
    return parse_oci_process(TRY(json::parse(config_json)));
}

Result<OciProcess> parse_oci_process(json::Value doc)
{
    OciProcess process;
    json::Value spec_process = doc.get("process"sv);
    if (spec_process.kind() != json::Kind::object)
        return bad("process");
    TRY(read_capabilities(spec_process.get("capabilities"sv), process));
    if (json::Value nnp = spec_process.get("noNewPrivileges"sv)) {
        auto value = nnp.boolean();
        if (!value)
            return bad("process.noNewPrivileges");
        process.caps.no_new_privs = *value;
    }
    TRY(read_user(spec_process.get("user"sv), process));
    TRY(read_rlimits(spec_process.get("rlimits"sv), process));
    if (json::Value oom = spec_process.get("oomScoreAdj"sv)) {
        auto score = oom.integer();
        if (!score || *score < -1000 || *score > 1000)
            return bad("process.oomScoreAdj");
        process.oom_score_adj = static_cast<int>(*score);
    }
    if (json::Value profile = spec_process.get("apparmorProfile"sv); profile && !profile.unescape(process.apparmor_profile))
        return bad("process.apparmorProfile");
    if (json::Value label = spec_process.get("selinuxLabel"sv); label && !label.unescape(process.selinux_label))
        return bad("process.selinuxLabel");
    return process;
}

}  // namespace nskit
