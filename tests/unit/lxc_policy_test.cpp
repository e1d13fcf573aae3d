#include <catch2/catch.hpp>

#include "mutate.h"

#include <random>
#include <string>

#include "context/seccomp/lxc_policy.h"
#include "seccomp_bpf.h"

using namespace seccomp_test;

namespace {

constexpr std::uint64_t mnt_force = 1, mnt_detach = 2;

// The policy compiled as liblxc on `host` builds it for a native ABI of `family`; throws with the error.
Program lxc_program(const std::string& text, LxcHost host = LxcHost::amd64, Family family = Family::x86_64)
{
    auto profile = value_or_throw(parse_lxc_policy(text, host, family));
    return value_or_throw(compile(profile, family));
}

// The error reading `text` gives, "ok" when it reads and compiles.
std::string lxc_error(const std::string& text, LxcHost host = LxcHost::amd64, Family family = Family::x86_64)
{
    try {
        lxc_program(text, host, family);
        return "ok";
    } catch (const std::runtime_error& e) {
        return e.what();
    }
}

}  // namespace

TEST_CASE("liblxc's host from uname's machine", "[lxc-seccomp]")
{
    CHECK(lxc_host("x86_64") == LxcHost::amd64);
    CHECK(lxc_host("i686") == LxcHost::i386);
    CHECK(lxc_host("i386") == LxcHost::unknown);  // liblxc knows i686 alone
    CHECK(lxc_host("aarch64") == LxcHost::arm64);
    CHECK(lxc_host("aarch64_be") == LxcHost::arm64);
    CHECK(lxc_host("armv7l") == LxcHost::arm);
    CHECK(lxc_host("armv8l") == LxcHost::unknown);
    CHECK(lxc_host("ppc64le") == LxcHost::ppc64le);
    CHECK(lxc_host("ppc64") == LxcHost::ppc64);
    CHECK(lxc_host("s390x") == LxcHost::s390x);
    CHECK(lxc_host("mips64") == LxcHost::elsewhere);
    CHECK(lxc_host("riscv64") == LxcHost::unknown);
}

TEST_CASE("Debian's common.seccomp: a denylist, reject_force_umount, on x86_64, x86 and x32", "[lxc-seccomp]")
{
    const std::string common = fixture("lxc-common.seccomp");
    auto profile = parse_lxc_policy(common, LxcHost::amd64, Family::x86_64);
    REQUIRE(profile.ok());
    CHECK(profile.value().loader == Loader::liblxc);
    CHECK(profile.value().default_action == allow);
    CHECK(profile.value().architectures == (arch_bit(Arch::x86) | arch_bit(Arch::x32)));
    CHECK(profile.value().rules.size() == 6);  // umount2, then the five of [all]
    Program program = lxc_program(common);
    CHECK(program.flags == 0);  // liblxc asks for none (runc 1.2 would ask SPEC_ALLOW)
    check_cases(program, {
        {"kexec_load", call(audit_x86_64, syscall_nr("kexec_load")), errno_ret(1)},
        {"open_by_handle_at", call(audit_x86_64, syscall_nr("open_by_handle_at")), errno_ret(1)},
        {"init_module", call(audit_x86_64, syscall_nr("init_module")), errno_ret(1)},
        {"finit_module", call(audit_x86_64, syscall_nr("finit_module")), errno_ret(1)},
        {"delete_module", call(audit_x86_64, syscall_nr("delete_module")), errno_ret(1)},
        {"umount2 MNT_FORCE", call(audit_x86_64, syscall_nr("umount2"), {0, mnt_force}), errno_ret(13)},
        {"umount2 MNT_FORCE|MNT_DETACH", call(audit_x86_64, syscall_nr("umount2"), {0, mnt_force | mnt_detach}), errno_ret(13)},
        {"umount2 MNT_DETACH", call(audit_x86_64, syscall_nr("umount2"), {0, mnt_detach}), allow},
        {"umount2 MNT_FORCE in the high word only", call(audit_x86_64, syscall_nr("umount2"), {0, 1ull << 32}), allow},
        {"read", call(audit_x86_64, syscall_nr("read")), allow},
        {"call 1000: no ENOSYS stub, liblxc has none", call(audit_x86_64, 1000), allow},
        {"x86 kexec_load", call(audit_i386, syscall_nr("kexec_load", Abi::x86)), errno_ret(1)},
        {"x86 umount2 MNT_FORCE", call(audit_i386, syscall_nr("umount2", Abi::x86), {0, mnt_force}), errno_ret(13)},
        {"x86 umount2 MNT_FORCE, high word ignored", call(audit_i386, syscall_nr("umount2", Abi::x86), {0, (1ull << 32) | 1}),
         errno_ret(13)},
        {"x86 read", call(audit_i386, syscall_nr("read", Abi::x86)), allow},
        {"x32 kexec_load", call(audit_x86_64, syscall_nr("kexec_load", Abi::x32)), errno_ret(1)},
        {"x32 umount2 MNT_FORCE", call(audit_x86_64, syscall_nr("umount2", Abi::x32), {0, mnt_force}), errno_ret(13)},
        {"x32 read", call(audit_x86_64, syscall_nr("read", Abi::x32)), allow},
        {"aarch64: not in the filter", call(audit_aarch64, 63), kill_thread},
    });
}

TEST_CASE("common.seccomp on the other hosts: aarch64 with arm, arm alone, s390x alone, ppc64le", "[lxc-seccomp]")
{
    const std::string common = fixture("lxc-common.seccomp");
    check_cases(lxc_program(common, LxcHost::arm64, Family::aarch64), {
        {"kexec_load", call(audit_aarch64, syscall_nr("kexec_load", Abi::aarch64)), errno_ret(1)},
        {"umount2 MNT_FORCE", call(audit_aarch64, syscall_nr("umount2", Abi::aarch64), {0, mnt_force}), errno_ret(13)},
        {"arm kexec_load", call(audit_arm, syscall_nr("kexec_load", Abi::arm)), errno_ret(1)},
        {"arm read", call(audit_arm, syscall_nr("read", Abi::arm)), allow},
        {"x86_64: not in the filter", call(audit_x86_64, 0), kill_thread},
    });
    // armhf nskit on an aarch64 kernel: liblxc (armhf) merges aarch64 into its arm filter.
    check_cases(lxc_program(common, LxcHost::arm64, Family::arm), {
        {"arm kexec_load", call(audit_arm, syscall_nr("kexec_load", Abi::arm)), errno_ret(1)},
        {"aarch64 kexec_load", call(audit_aarch64, syscall_nr("kexec_load", Abi::aarch64)), errno_ret(1)},
    });
    check_cases(lxc_program(common, LxcHost::arm, Family::arm), {
        {"arm kexec_load", call(audit_arm, syscall_nr("kexec_load", Abi::arm)), errno_ret(1)},
        {"aarch64: not in the filter", call(audit_aarch64, 63), kill_thread},
    });
    check_cases(lxc_program(common, LxcHost::s390x, Family::s390x), {
        {"kexec_load", call(audit_s390x, syscall_nr("kexec_load", Abi::s390x)), errno_ret(1)},
        {"s390: not in liblxc's filter (runc's has it)", call(audit_s390, 3), kill_thread},
    }, true);
    check_cases(lxc_program(common, LxcHost::ppc64le, Family::ppc64le), {
        {"kexec_load", call(audit_ppc64le, syscall_nr("kexec_load", Abi::ppc64le)), errno_ret(1)},
        {"read", call(audit_ppc64le, syscall_nr("read", Abi::ppc64le)), allow},
    });
}

TEST_CASE("an allowlist with a default action; rule actions; version 1", "[lxc-seccomp]")
{
    Program with_default = lxc_program("2\nallowlist errno 38\nread\nwrite allow\nexit_group kill\ngetpid trap\n"
                                       "getppid errno 0\n");
    check_cases(with_default, {
        {"read", call(audit_x86_64, syscall_nr("read")), allow},
        {"write", call(audit_x86_64, syscall_nr("write")), allow},
        {"exit_group", call(audit_x86_64, syscall_nr("exit_group")), kill_thread},
        {"getpid", call(audit_x86_64, syscall_nr("getpid")), trap},
        {"getppid", call(audit_x86_64, syscall_nr("getppid")), errno_ret(0)},
        {"close: the default", call(audit_x86_64, syscall_nr("close")), errno_ret(38)},
        {"x86 read", call(audit_i386, syscall_nr("read", Abi::x86)), allow},
        {"call 1000", call(audit_x86_64, 1000), errno_ret(38)},
    });
    Program plain = lxc_program("2\nwhitelist\nread\n");
    check_cases(plain, {
        {"read", call(audit_x86_64, syscall_nr("read")), allow},
        {"close: an allowlist kills", call(audit_x86_64, syscall_nr("close")), kill_thread},
    });
    // Version 1: numbers of the native ABI, the native ABI alone; 1000 is no call, allowed all the same.
    Program numbers = lxc_program("1\nallowlist\n0\n1\n60 exit\n231\n1000\n");
    check_cases(numbers, {
        {"read", call(audit_x86_64, 0), allow},
        {"write", call(audit_x86_64, 1), allow},
        {"exit", call(audit_x86_64, 60), allow},
        {"exit_group", call(audit_x86_64, 231), allow},
        {"call 1000", call(audit_x86_64, 1000), allow},
        {"close", call(audit_x86_64, 3), kill_thread},
        {"x86 read: version 1 has no x86", call(audit_i386, 3), kill_thread},
        {"x32 read: a bad architecture", call(audit_x86_64, x32_bit), kill_thread},
    });
}

TEST_CASE("sections: which count on which host, and a counting one reaches every ABI", "[lxc-seccomp]")
{
    const std::string policy = "2\ndenylist\ngetpid errno 1\n"
                               "[x86_64]\ngetppid errno 2\n"
                               "[arm64]\nthis line is never read [\ngettid errno 3\n"
                               "[X86]\ngetuid errno 4\n"
                               "[arm]\ngetgid errno 5\n"
                               "[ALL]\ngeteuid errno 6\n"
                               "[s390x]\ngetegid errno 7\n";
    check_cases(lxc_program(policy), {
        {"getpid, before any section", call(audit_x86_64, syscall_nr("getpid")), errno_ret(1)},
        {"getppid of [x86_64]", call(audit_x86_64, syscall_nr("getppid")), errno_ret(2)},
        {"x86 getppid of [x86_64]: liblxc adds it everywhere", call(audit_i386, syscall_nr("getppid", Abi::x86)), errno_ret(2)},
        {"x32 getppid of [x86_64]", call(audit_x86_64, syscall_nr("getppid", Abi::x32)), errno_ret(2)},
        {"gettid of [arm64]", call(audit_x86_64, syscall_nr("gettid")), allow},
        {"getuid of [X86]", call(audit_x86_64, syscall_nr("getuid")), errno_ret(4)},
        {"getgid of [arm]", call(audit_x86_64, syscall_nr("getgid")), allow},
        {"geteuid of [ALL]", call(audit_x86_64, syscall_nr("geteuid")), errno_ret(6)},
        {"getegid of [s390x]", call(audit_x86_64, syscall_nr("getegid")), allow},
    });
    CHECK(lxc_error(policy, LxcHost::arm64, Family::aarch64).find("line 7: ") == 0);  // [arm64] is read there
    std::string on_arm64 = policy;
    const std::string junk = "this line is never read [\n";
    on_arm64.erase(on_arm64.find(junk), junk.size());
    check_cases(lxc_program(on_arm64, LxcHost::arm64, Family::aarch64), {
        {"getpid", call(audit_aarch64, syscall_nr("getpid", Abi::aarch64)), errno_ret(1)},
        {"getppid of [x86_64]", call(audit_aarch64, syscall_nr("getppid", Abi::aarch64)), allow},
        {"gettid of [arm64]", call(audit_aarch64, syscall_nr("gettid", Abi::aarch64)), errno_ret(3)},
        {"arm gettid of [arm64]", call(audit_arm, syscall_nr("gettid", Abi::arm)), errno_ret(3)},
        {"getuid of [X86]", call(audit_aarch64, syscall_nr("getuid", Abi::aarch64)), allow},
        {"getgid of [arm]", call(audit_aarch64, syscall_nr("getgid", Abi::aarch64)), errno_ret(5)},
    });
    // A machine liblxc does not know (an arm kernel saying armv8l): [all] alone counts.
    check_cases(lxc_program(on_arm64, LxcHost::unknown, Family::arm), {
        {"getpid, before any section", call(audit_arm, syscall_nr("getpid", Abi::arm)), allow},
        {"getgid of [arm]", call(audit_arm, syscall_nr("getgid", Abi::arm)), allow},
        {"geteuid of [ALL]", call(audit_arm, syscall_nr("geteuid", Abi::arm)), errno_ret(6)},
    });
    // i686 (an x86_64 kernel under linux32): [x86] counts, [x86_64] does not, and the filter is the native ABI's alone.
    check_cases(lxc_program(policy, LxcHost::i386, Family::x86_64), {
        {"getppid of [x86_64]", call(audit_x86_64, syscall_nr("getppid")), allow},
        {"getuid of [X86]", call(audit_x86_64, syscall_nr("getuid")), errno_ret(4)},
        {"x86: not in the filter", call(audit_i386, 20), kill_thread},
    });
}

TEST_CASE("argument comparisons as liblxc reads them", "[lxc-seccomp]")
{
    Program program = lxc_program("2\ndenylist\n"
                                  "dup errno 11 [0,1000,==]\n"
                                  "dup2 errno 12 [1,0x10,SCMP_CMP_NE]\n"
                                  "fchdir errno 13 [0,5,<]\n"
                                  "fsync errno 14 [0,5,<=]\n"
                                  "fdatasync errno 15 [0,010,>]\n"
                                  "syncfs errno 16 [0,0xffffffff00000000,SCMP_CMP_GE]\n"
                                  "fchmod errno 17 [1,0x12,&=,0xff]\n"
                                  "fchown errno 18 [1,7,==][2,9,SCMP_CMP_EQ]\n"
                                  "flock errno 19 [1,3,SCMP_CMP_MASKED_EQ]\n"
                                  "ioctl errno 20 [0,1,==,0]\n");
    check_cases(program, {
        {"dup ==", call(audit_x86_64, syscall_nr("dup"), {1000}), errno_ret(11)},
        {"dup == no", call(audit_x86_64, syscall_nr("dup"), {1001}), allow},
        {"dup2 !=", call(audit_x86_64, syscall_nr("dup2"), {0, 17}), errno_ret(12)},
        {"dup2 != no", call(audit_x86_64, syscall_nr("dup2"), {0, 16}), allow},
        {"fchdir <", call(audit_x86_64, syscall_nr("fchdir"), {4}), errno_ret(13)},
        {"fchdir < no", call(audit_x86_64, syscall_nr("fchdir"), {5}), allow},
        {"fsync <=", call(audit_x86_64, syscall_nr("fsync"), {5}), errno_ret(14)},
        {"fdatasync > octal 010", call(audit_x86_64, syscall_nr("fdatasync"), {9}), errno_ret(15)},
        {"fdatasync > no", call(audit_x86_64, syscall_nr("fdatasync"), {8}), allow},
        {"syncfs >=", call(audit_x86_64, syscall_nr("syncfs"), {0xffffffff00000001}), errno_ret(16)},
        {"syncfs >= no", call(audit_x86_64, syscall_nr("syncfs"), {0xfffffffe00000001}), allow},
        {"fchmod &= mask 0xff", call(audit_x86_64, syscall_nr("fchmod"), {0, 0x1012}), errno_ret(17)},
        {"fchmod &= no", call(audit_x86_64, syscall_nr("fchmod"), {0, 0x1013}), allow},
        {"fchown and", call(audit_x86_64, syscall_nr("fchown"), {0, 7, 9}), errno_ret(18)},
        {"fchown and not", call(audit_x86_64, syscall_nr("fchown"), {0, 7, 8}), allow},
        {"flock: masked without a mask compares nothing", call(audit_x86_64, syscall_nr("flock"), {0, 12345}), errno_ret(19)},
        {"ioctl: the mask of == is read, not used", call(audit_x86_64, syscall_nr("ioctl"), {1}), errno_ret(20)},
        {"x86 dup: the low 32 bits", call(audit_i386, syscall_nr("dup", Abi::x86), {1000}), errno_ret(11)},
    });
    // Only the first six [...] of a line are read.
    CHECK(lxc_error("2\ndenylist\nfchown kill [0,1,==][1,1,==][2,1,==][3,1,==][4,1,==][5,1,==]junk\n") == "ok");
    // Comparisons on socket: x86_64 and x32 get them; x86, where socketcall carries it, gets no rule.
    check_cases(lxc_program("2\ndenylist\nsocket errno 1 [0,40,==]\n"), {
        {"socket AF_VSOCK", call(audit_x86_64, syscall_nr("socket"), {40}), errno_ret(1)},
        {"socket AF_INET", call(audit_x86_64, syscall_nr("socket"), {2}), allow},
        {"x32 socket AF_VSOCK", call(audit_x86_64, syscall_nr("socket", Abi::x32), {40}), errno_ret(1)},
        {"x86 socket AF_VSOCK", call(audit_i386, syscall_nr("socket", Abi::x86), {40}), allow},
    });
}

TEST_CASE("names liblxc skips, and its quirks that still read", "[lxc-seccomp]")
{
    // Unknown names, a name cut at a tab, a line starting with a blank (its
    // first word is read as an action, and it names no call), a comment after
    // the action, an action by its first letters, errno without a space.
    Program program = lxc_program("2\ndenylist\nno_such_call\nread\tkill\n  kill [0,1,==]\n"
                                  "getpid errno 3 # why\ngetppid killall\ngettid errno5\n"
                                  "semop errno 7\nsocket errno 8\n\n");
    check_cases(program, {
        {"read", call(audit_x86_64, syscall_nr("read")), allow},
        {"write", call(audit_x86_64, syscall_nr("write")), allow},
        {"getpid", call(audit_x86_64, syscall_nr("getpid")), errno_ret(3)},
        {"getppid", call(audit_x86_64, syscall_nr("getppid")), kill_thread},
        {"gettid", call(audit_x86_64, syscall_nr("gettid")), errno_ret(5)},
        {"semop", call(audit_x86_64, syscall_nr("semop")), errno_ret(7)},
        {"x32 socket", call(audit_x86_64, syscall_nr("socket", Abi::x32)), errno_ret(8)},
        // On x86 libseccomp resolves what socketcall and ipc carry to pseudo
        // numbers, and liblxc skips them: no rule, neither direct nor multiplexed.
        {"x86 ipc(SEMOP)", call(audit_i386, syscall_nr("ipc", Abi::x86), {1}), allow},
        {"x86 socket", call(audit_i386, syscall_nr("socket", Abi::x86)), allow},
        {"x86 socketcall(SYS_SOCKET)", call(audit_i386, syscall_nr("socketcall", Abi::x86), {1}), allow},
    });
    // socketcall itself is no multiplexed call: x86 has a number of its own for it.
    check_cases(lxc_program("2\ndenylist\nsocketcall errno 9\nsocket errno 8\n", LxcHost::s390x, Family::s390x), {
        {"socketcall", call(audit_s390x, syscall_nr("socketcall", Abi::s390x)), errno_ret(9)},
        {"socket: none on s390x", call(audit_s390x, syscall_nr("socket", Abi::s390x)), allow},
    }, true);
    // A rule with the default action is refused only where liblxc hands it to libseccomp.
    CHECK(lxc_error("2\ndenylist\nno_such_call allow\n") == "ok");
    CHECK(lxc_error("2\ndenylist\nwaitpid allow\n").find("line 3: waitpid: libseccomp refuses") == 0);  // x86 has it
    CHECK(lxc_error("2\ndenylist\nwaitpid allow\n", LxcHost::arm64, Family::aarch64) == "ok");
    CHECK(lxc_error("2\ndenylist\nsocket allow\n", LxcHost::s390x, Family::s390x) == "ok");
}

TEST_CASE("what liblxc refuses is refused, the line named", "[lxc-seccomp]")
{
    struct Refused {
        std::string policy;
        const char* error;
    } cases[] = {
        {"", "line 1: the first line is the version, 1 or 2"},
        {"3\ndenylist\n", "line 1: the first line is the version, 1 or 2"},
        {"two\ndenylist\n", "line 1: the first line is the version"},
        {"2\n", "line 2: no policy type (allowlist or denylist) follows the version"},
        {"2\n\n\n", "line 4: no policy type"},
        {"2\ngraylist\n", "line 2: the policy type 'graylist': not allowlist or denylist"},
        {"2\ndenylist debug\n", "line 2: the policy type: liblxc refuses a policy that asks for debug"},
        {"2\ndenylist \n", "line 2: '\n': not an action liblxc knows"},
        {"2\ndenylist log\n", "line 2: 'log\n': not an action liblxc knows"},
        {"2\ndenylist notify\n", "line 2: notify: it needs a seccomp agent"},
        {"1\ndenylist\n", "line 2: the policy type: version 1 is an allowlist"},
        {"1\nallowlist\n0\n# no comments in version 1\n", "line 4: '# no comments in version 1': version 1 has one call number"},
        {"1\nallowlist\n-5\n", "line 3: '-5': version 1 has one call number, 0 or more, a line"},
        {"2\ndenylist\nread bogus\n", "line 3: 'bogus': not an action liblxc knows"},
        {"2\ndenylist\n  write\n", "line 3: 'write': not an action liblxc knows"},
        {"2\ndenylist\n\nread log\n", "line 4: 'log': not an action liblxc knows"},
        {"2\ndenylist\nread notify\n", "line 3: notify: it needs a seccomp agent to answer the calls"},
        {"2\ndenylist\nread errno\n", "line 3: 'errno': errno needs a number"},
        {"2\ndenylist\nread errno 4095\n", "line 3: errno 4095: libseccomp takes 0 to 4094"},
        {"2\ndenylist\nread errno -1\n", "line 3: errno -1: libseccomp takes 0 to 4094"},
        {"2\ndenylist\nread allow\n", "line 3: read: libseccomp refuses a rule whose action is the default action"},
        {"2\nallowlist allow\nread\n", "line 3: read: libseccomp refuses a rule whose action is the default action"},
        {"2\ndenylist errno 13\nreject_force_umount\n", "line 3: umount2: libseccomp refuses a rule whose action"},
        {"2\ndenylist\nread [0,1,==]\n", "line 3: '[0,1,==]': not an action liblxc knows"},
        {"2\ndenylist\nread kill [6,1,==]\n", "line 3: argument index 6: a system call has six arguments"},
        {"2\ndenylist\nread kill [0,1,=~]\n", "line 3: '=~': not a comparison liblxc knows"},
        {"2\ndenylist\nread kill [0, 1, ==]\n", "line 3: ' ==': not a comparison liblxc knows"},
        {"2\ndenylist\nread kill [0,-1,==]\n", "line 3: '-1': not a number from 0 to 2^64-1"},
        {"2\ndenylist\nread kill [0,1,==,x]\n", "line 3: 'x': not a number from 0 to 2^64-1"},
        {"2\ndenylist\nread kill [0,1,2,&=]\n", "line 3: '[0,1,2,&=': not [index,value,op] or [index,value,op,mask]"},
        {"2\ndenylist\nread kill [0,1]\n", "line 3: '[0,1': not [index,value,op]"},
        {"2\ndenylist\nread kill [0,1,==] \n", "line 3: ' ': text outside the [...] of an argument"},
        {"2\ndenylist\nread kill [0,1,==][0,2,==]\n", "line 3: argument 0: libseccomp refuses two comparisons"},
        {"2\ndenylist\n[amd64]\n", "line 3: '[amd64]': not an architecture section liblxc knows"},
        {"2\ndenylist\n[i386]\n", "line 3: '[i386]': not an architecture section"},
        {"2\ndenylist\n[X86_64\n", "line 3: '[X86_64': not an architecture section"},
        {"2\ndenylist\n[X86_64] # x\n", "line 3: '[X86_64] # x': not an architecture section"},
        {"2\ndenylist\n[X86_64]\r\n", "line 3: '[X86_64]\r': not an architecture section"},
        {"2\ndenylist\n[X86_64]\nread kill\n[arm64]\nread kill [\n[all]\nwrite ki\n", "line 8: 'ki': not an action"},
        {std::string("2\ndenylist\nre\0ad\n", 17), "line 3: a NUL byte, which no policy has"},
    };
    for (const Refused& c : cases) {
        INFO(c.policy);
        std::string error = lxc_error(c.policy);
        CHECK(error.substr(0, std::string(c.error).size()) == c.error);
    }
}

TEST_CASE("every truncation and many mutations of a policy: an error or a program, never a crash", "[lxc-seccomp]")
{
    const std::string policy = fixture("lxc-common.seccomp") +
                               "[x86_64]\nfchmod errno 17 [1,0x12,&=,0xff]\nsocket errno 9\n[arm64]\ngettid kill\n"
                               "[all]\nfchown trap [1,7,==][2,9,SCMP_CMP_LE]\nsyslog errno 4094\n";
    for (std::size_t n = 0; n <= policy.size(); ++n)
        (void)lxc_error(policy.substr(0, n));
    std::mt19937 random(2024);
    constexpr std::string_view alphabet = "[],#\n\r\t 0123456789xabcdefklnortw=<>!&^-_\x01\xff";
    int compiled = 0, refused = 0;
    for (int round = 0; round < 3000; ++round) {
        std::string text = mutate(policy, random, alphabet, 4);
        for (auto [host, family] : {std::pair{LxcHost::amd64, Family::x86_64}, {LxcHost::arm64, Family::aarch64},
                                    {LxcHost::s390x, Family::s390x}, {LxcHost::unknown, Family::arm}}) {
            auto profile = parse_lxc_policy(text, host, family);
            auto program = profile.ok() ? compile(profile.value(), family) : Result<Program>(profile.take_error());
            if (!program.ok()) {
                ++refused;
                continue;
            }
            ++compiled;
            for (std::uint32_t n : {0u, 1u, 59u, 102u, 166u, 1000u, 0x40000000u, 0xffffffffu})
                (void)run(program.value(), call(audit_x86_64, n, {1, 2, 3}), family == Family::s390x);
        }
    }
    CHECK(compiled > 0);
    CHECK(refused > 0);
}
