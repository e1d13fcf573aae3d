// tests/tools/seccomp-load PROFILE COMMAND [ARG...]: compiles PROFILE (a
// file holding one linux.seccomp object) with nskit's compiler, installs the
// program on itself (no_new_privs, then seccomp(2) with the profile's flags)
// and execs COMMAND under it. `seccomp-load --count PROFILE` prints the
// number of instructions instead. Built as nskit is (make
// build/tests/seccomp-load), for tests/integration/seccomp.sh: the kernel,
// not an interpreter, then says what each call gets.
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "base/buffer.h"
#include "context/seccomp/compile.h"
#include "base/json.h"

using namespace nskit;

namespace {

void put(int fd, std::string_view text) { (void)!::write(fd, text.data(), text.size()); }

int fail(const Error& error)
{
    Text<400> line("seccomp-load: ", error.what.view(), ": ", error.why(), '\n');
    put(2, line.view());
    return 1;
}

struct FilterProgram {  // struct sock_fprog
    unsigned short length;
    const seccomp::Instruction* filter;
};

}  // namespace

int main(int argc, char** argv)
{
    bool count_only = argc == 3 && std::strcmp(argv[1], "--count") == 0;
    if (argc < 3) {
        put(2, "usage: seccomp-load PROFILE COMMAND [ARG...] | seccomp-load --count PROFILE\n");
        return 2;
    }
    const char* path = count_only ? argv[2] : argv[1];
    auto text = read_file(AT_FDCWD, path, 1 << 20);
    if (!text.ok())
        return fail(text.error());
    auto doc = json::parse(text.value().view());
    if (!doc.ok())
        return fail(doc.error());
    auto profile = seccomp::parse_profile(doc.value());
    if (!profile.ok())
        return fail(profile.error());
    auto program = seccomp::compile(profile.value());
    if (!program.ok())
        return fail(program.error());
    if (count_only) {
        Text<32> line(program.value().count, '\n');
        put(1, line.view());
        return 0;
    }
    if (program.value().count > 0) {
        FilterProgram fprog{static_cast<unsigned short>(program.value().count), program.value().instructions()};
        if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
            ::syscall(SYS_seccomp, 1 /* SECCOMP_SET_MODE_FILTER */, program.value().flags, &fprog) != 0) {
            put(2, "seccomp-load: cannot install the filter\n");
            return 1;
        }
    }
    ::execv(argv[2], argv + 2);
    put(2, "seccomp-load: cannot run the command\n");
    return 127;
}
