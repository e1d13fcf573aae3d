// nskit links with gcc against musl alone, without libstdc++ (see Makefile).
// Header-only parts of the C++ library still refer to a few out-of-line
// helpers, such as std::__throw_out_of_range_fmt from string_view::substr;
// with -fno-exceptions those conditions are bugs, so each one aborts.
// On Debian the headers come from the glibc-configured libstdc++, whose
// bits/os_defines.h asks __GLIBC_PREREQ: the Makefile defines it as 0.
#include <stdlib.h>
#include <unistd.h>

#ifdef NSKIT_FREESTANDING
namespace {
[[noreturn]] void die(const char* what)
{
    static const char prefix[] = "nskit: internal error: ";
    (void)!::write(2, prefix, sizeof prefix - 1);
    std::size_t n = 0;
    while (what[n])
        ++n;
    (void)!::write(2, what, n);
    (void)!::write(2, "\n", 1);
    ::abort();
}
}  // namespace

namespace std {
[[noreturn]] void __throw_out_of_range_fmt(const char*, ...) { die("out of range"); }
[[noreturn]] void __throw_out_of_range(const char*) { die("out of range"); }
[[noreturn]] void __throw_length_error(const char*) { die("length error"); }
[[noreturn]] void __throw_logic_error(const char*) { die("logic error"); }
[[noreturn]] void __throw_bad_optional_access() { die("bad optional access"); }
[[noreturn]] void __throw_bad_alloc() { die("out of memory"); }
[[noreturn]] void __throw_bad_array_new_length() { die("bad array length"); }
}  // namespace std

// Pure virtual calls and guarded statics would otherwise pull in libsupc++.
extern "C" [[noreturn]] void __cxa_pure_virtual() { die("pure virtual call"); }
#endif
