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

// The architecture the compiler built for, in Debian's words (make ARCH=...).
#if defined(__x86_64__)
inline constexpr const char architecture[] = "x86_64";
#elif defined(__aarch64__)
inline constexpr const char architecture[] = "arm64";
#elif defined(__arm__)
inline constexpr const char architecture[] = "armhf";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
inline constexpr const char architecture[] = "ppc64le";
#elif defined(__s390x__)
inline constexpr const char architecture[] = "s390x";
#else
#error "not an architecture nskit is built and tested for: see ARCH in the Makefile"
#endif
// Appears once in the binary, as "NSKIT-IDENTITY:<version>+<commit>\n".
extern const char identity[];

}  // namespace nskit
