// The build identity lives in its own file so that the hosted unit-test build
// (which leaves out main.cpp) links the code that looks for it. It stays in
// the static binary because the installer refers to it.
#include "version.h"

namespace nskit {

const char identity[] = "NSKIT-IDENTITY:" NSKIT_VERSION "+" NSKIT_COMMIT "\n";

}  // namespace nskit
