#include "context/lsm.h"

#include <errno.h>
#include <fcntl.h>

#include "base/buffer.h"
#include "base/sys.h"

namespace nskit {

using namespace std::literals;

namespace {

bool apparmor_active()
{
    char buffer[8];
    auto enabled = read_small_file(AT_FDCWD, "/sys/module/apparmor/parameters/enabled", buffer);
    return enabled.ok() && starts_with(enabled.value(), "Y"sv);
}

bool selinux_active() { return sys::stat("/sys/fs/selinux/enforce").ok(); }

}  // namespace

Result<ExecLabel> read_exec_label(int proc_dir, pid_t pid)
{
    constexpr const char* no_lsm = "no security module that labels processes (SELinux, AppArmor, Smack) is active";
    ExecLabel result;
    char buffer[512];
    auto current = read_small_file(proc_dir, "attr/current", buffer);
    if (!current.ok()) {
        if (current.error().code == EINVAL || current.error().code == ENOENT)
            return Error::because(no_lsm, "cannot follow the security context of PID ", pid);
        return Error::from_errno(current.error().code, "cannot read /proc/", pid, "/attr/current");
    }
    std::string_view label = trim(current.value());
    while (!label.empty() && label.back() == '\0')
        label.remove_suffix(1);
    if (label.empty())
        return Error::because(no_lsm, "cannot follow the security context of PID ", pid);
    // AppArmor shows "profile (enforce)" and takes "exec profile" for the
    // next exec; SELinux takes its context as it shows it.
    if (auto mode = label.rfind(" ("sv); mode != std::string_view::npos && label.back() == ')') {
        result.module = ExecLabel::Module::apparmor;
        result.label.append("exec ", label.substr(0, mode));
    } else {
        result.label.append(label);
    }
    return result;
}

std::optional<ExecLabel> exec_label_from_record(std::string_view apparmor_profile, std::string_view selinux_label)
{
    ExecLabel result;
    if (!apparmor_profile.empty() && apparmor_active()) {
        result.module = ExecLabel::Module::apparmor;
        result.label.append("exec ", apparmor_profile);
        return result;
    }
    if (!selinux_label.empty() && selinux_active()) {
        result.module = ExecLabel::Module::selinux;
        result.label.append(selinux_label);
        return result;
    }
    return std::nullopt;
}

Result<void> apply_exec_label(const ExecLabel& label)
{
    // With several security modules stacked (Linux 5.8+), AppArmor has a
    // directory of its own; the plain file goes to the first one.
    const char* file = "/proc/thread-self/attr/exec";
    if (label.module == ExecLabel::Module::apparmor && sys::stat("/proc/thread-self/attr/apparmor/exec").ok())
        file = "/proc/thread-self/attr/apparmor/exec";
    Fd attr = TRY(sys::open(file, O_WRONLY).describe("cannot set the security context '", label.label, "' for exec"));
    return sys::write_all(attr.get(), label.label.view())
        .describe("cannot set the security context '", label.label, "' for exec");
}

}  // namespace nskit
