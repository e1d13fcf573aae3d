// Keeping capabilities across exec(2) for a non-root user: a capability
// survives exec only when it is in the ambient set (capabilities(7)).
#pragma once

#include "base/result.h"

namespace nskit {

// Copies the permitted set into the inheritable and ambient sets.
Result<void> raise_ambient_capabilities();

}  // namespace nskit
