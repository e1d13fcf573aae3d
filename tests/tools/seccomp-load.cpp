// tests/tools/seccomp-load PROFILE COMMAND [ARG...]: compiles PROFILE (a
// file holding one linux.seccomp object) with nskit's compiler, installs the
// program on itself (no_new_privs, then seccomp(2) with the profile's flags)
// and execs COMMAND under it. `seccomp-load --count PROFILE` prints the
// number of instructions instead, `--dump PROFILE` the instructions, one
// "code jt jf k" a line (tests/tools/seccomp-compare.py reads them). With
// --lxc first, PROFILE is an LXC seccomp policy, read as liblxc on this
// machine reads it. Built as nskit is (make build/tests/seccomp-load), for
// tests/integration/seccomp.sh and lxc.sh: the kernel, not an interpreter,
// then says what each call gets.
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "base/buffer.h"
#include "base/sys.h"
#include "context/seccomp/compile.h"
#include "base/json.h"
#include "context/seccomp/lxc_policy.h"

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

Result<seccomp::Program> compile_file(const char* path, bool lxc)
{
    Buffer text = TRY(read_file(AT_FDCWD, path, 1 << 20));
    if (lxc) {
        auto policy = TRY(seccomp::parse_lxc_policy(text.view(), seccomp::lxc_host(sys::machine().view())));
        return seccomp::compile(policy);
    }
    auto doc = TRY(json::parse(text.view()));
    auto profile = TRY(seccomp::parse_profile(doc));
    return seccomp::compile(profile);
}

}  // namespace

int main(int argc, char** argv)
{
    bool lxc = argc > 1 && std::strcmp(argv[1], "--lxc") == 0;
    argv += lxc;
    argc -= lxc;
    bool count_only = argc == 3 && std::strcmp(argv[1], "--count") == 0;
    bool dump = argc == 3 && std::strcmp(argv[1], "--dump") == 0;
    if (argc < 3) {
        put(2, "usage: seccomp-load [--lxc] PROFILE COMMAND [ARG...] | seccomp-load [--lxc] --count|--dump PROFILE\n");
        return 2;
    }
    auto program = compile_file(count_only || dump ? argv[2] : argv[1], lxc);
    if (!program.ok())
        return fail(program.error());
    if (count_only) {
        Text<32> line(program.value().count, '\n');
        put(1, line.view());
        return 0;
    }
    if (dump) {
        for (std::size_t i = 0; i < program.value().count; ++i) {
            const seccomp::Instruction& in = program.value().instructions()[i];
            put(1, Text<64>(in.code, ' ', in.jt, ' ', in.jf, ' ', in.k, '\n').view());
        }
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
