// Version and build identity, set by the Makefile. The identity string is
// also how an installer recognises an nskit binary without running it.
#pragma once

#ifndef NSKIT_VERSION
#define NSKIT_VERSION "0.0.0-dev"
#endif
#ifndef NSKIT_COMMIT
#define NSKIT_COMMIT "unknown"
#endif

namespace nskit {

inline constexpr const char version[] = NSKIT_VERSION;
inline constexpr const char commit[] = NSKIT_COMMIT;
// Appears once in the binary, as "NSKIT-IDENTITY:<version>+<commit>\n".
extern const char identity[];

}  // namespace nskit
