// How the system call wrappers (sys.cpp, sys_descriptors.cpp) turn a failed
// call into an Error: errno captured at once, with what was being done.
#pragma once

#include <errno.h>

#include "base/result.h"

namespace nskit::sys {

template <class... Parts>
Error failed(const Parts&... what)
{
    return Error::from_errno(errno, what...);
}

inline Result<void> check(long rc, const char* what)
{
    if (rc < 0)
        return failed(what);
    return {};
}

}  // namespace nskit::sys
