#include "context/ambient.h"

#include <sys/prctl.h>

#include "base/sys.h"

namespace nskit {

Result<void> raise_ambient_capabilities()
{
    sys::CapSets caps = TRY(sys::capget());
    caps.inheritable = caps.permitted;
    TRY(sys::capset(caps));
    for (int cap = 0; cap <= sys::last_capability(); ++cap)
        if (caps.permitted & (std::uint64_t(1) << cap))
            TRY(sys::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, static_cast<unsigned long>(cap))
                    .describe("cannot keep capability ", cap));
    return {};
}

}  // namespace nskit
