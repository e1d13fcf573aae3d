#include "context/lsm.h"

#include <errno.h>
#include <fcntl.h>

#include "base/buffer.h"
#include "base/sys.h"

namespace nskit {

Result<ExecLabel> read_exec_label(const Target& target)
{
    constexpr const char* no_lsm = "no security module that labels processes (SELinux, AppArmor, Smack) is active";
    ExecLabel result;
    char buffer[512];
    auto current = read_small_file(target.proc_dir(), "attr/current", buffer);
    if (!current.ok()) {
        if (current.error().code == EINVAL || current.error().code == ENOENT)
            return Error::because(no_lsm, "cannot follow the security context of PID ", target.pid());
        return Error::from_errno(current.error().code, "cannot read /proc/", target.pid(), "/attr/current");
    }
    std::string_view label = trim(current.value());
    while (!label.empty() && label.back() == '\0')
        label.remove_suffix(1);
    if (label.empty())
        return Error::because(no_lsm, "cannot follow the security context of PID ", target.pid());
    result.label.append(label);
    result.exec_attr = TRY(sys::open("/proc/thread-self/attr/exec", O_WRONLY));
    return result;
}

Result<void> apply_exec_label(const ExecLabel& label)
{
    return sys::write_all(label.exec_attr.get(), label.label.view())
        .describe("cannot set the security context '", label.label, "' for exec");
}

}  // namespace nskit
