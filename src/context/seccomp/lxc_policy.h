// LXC's own seccomp policy language (lxc.seccomp.profile; lxc.container.conf(5),
// "SECCOMP CONFIGURATION"), read as liblxc 5 to 7 reads it (src/lxc/seccomp.c)
// into a Profile (profile.h, Loader::liblxc) that compiles (compile.h) to the
// filter liblxc has libseccomp build for it. The file:
//
//   2                       the version, 1 or 2 (fscanf's "%d\n": the blanks
//                           and newlines after it are skipped)
//   denylist [ACTION]       the policy type, a prefix of the line: allowlist,
//                           denylist, or their old names whitelist, blacklist.
//                           After the line's first space, the default action:
//                           an allowlist's is kill, a denylist's allow. A line
//                           with "debug" anywhere is refused, as liblxc refuses it.
//   # a comment             only with '#' first on the line
//   [x86_64]                the rules that follow count when the host is one
//                           the section names (below); [all] always. The lines
//                           of a section that does not count are not read at
//                           all. A section that counts puts its rules on every
//                           ABI of the filter, not only on the one it names.
//   NAME [ACTION] [ARG]...  a rule. The name ends at the line's first space;
//                           after it, ACTION (else an allowlist's rules allow,
//                           a denylist's kill) and then up to six ARGs, each on
//                           an argument of its own: [index,value,op] or
//                           [index,value,op,mask], op one of == != < <= > >= &=
//                           or SCMP_CMP_EQ ... SCMP_CMP_MASKED_EQ; &= compares
//                           (argument & mask) with value, and without a mask it
//                           compares nothing (a mask of 0).
//   reject_force_umount     umount2(2) with MNT_FORCE gets EACCES, whatever
//                           the rest of the line says (which must still read).
// Version 1: "allowlist" somewhere in line 2, then one number a line, each a
// call of the native ABI that is allowed; everything else is killed.
//
// ACTION: kill (SECCOMP_RET_KILL_THREAD), errno N (0 ... 4094), allow, trap,
// each recognised by its first letters as liblxc does ("killall" is kill).
// notify is refused: it needs the monitor's seccomp agent to answer, which
// nskit is not. liblxc knows no other action (log is an error there too).
//
// Hosts. liblxc tells the host by uname(2)'s machine (lxc_host below). On
// x86_64 its filter has the x86_64, x86 and x32 ABIs; on aarch64, aarch64 and
// arm; on any other machine the native ABI alone (s390x without s390,
// unlike runc). Sections, each also spelt in capitals ([X86_64]): [x86] on
// x86_64 and i686, [x32] and [x86_64] on x86_64, [arm] on armv7 and aarch64,
// [arm64] on aarch64, [ppc64le], [ppc64], [ppc] on ppc64 too, [s390x], [s390];
// [mips64], [mips64n32], [mips], [mipsel64], [mipsel64n32], [mipsel] and
// [loongarch64] (LXC 6) are known but count on none of nskit's machines. On a
// machine liblxc does not know (an arm kernel that says armv8l), only [all]
// counts, from its first line on. Any other section is an error.
//
// Names. One that no ABI of the tables knows is skipped, as liblxc skips one
// libseccomp does not know. A name counts on each ABI of the filter where
// libseccomp resolves it to a number of the ABI's own, and only there: not
// on an ABI that lacks the call, and not where socketcall(2) or ipc(2)
// carries it (libseccomp names those calls by pseudo numbers there, which
// liblxc skips). So on an x86_64 host a socket rule reaches x86_64 and x32
// calls but no x86 one, neither socket(2) nor socketcall(2); on s390x and
// ppc64le, none at all. runc's rules reach them (compile.h).
//
// Refused, with the line named, because liblxc refuses the policy (and so
// the container does not start, and lxc-attach fails): a line that does not
// read; a section it does not know; a rule whose action is the default
// action, where liblxc hands it to libseccomp (EACCES); two ARGs on one
// argument (EINVAL). Refused where liblxc would go on: an errno over 4094 or
// below 0 (liblxc keeps its low 16 bits: 65537 would be 1), a NUL byte, a
// version 1 number below 0.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/result.h"
#include "context/seccomp/compile.h"
#include "context/seccomp/profile.h"

namespace nskit::seccomp {

// The host as liblxc's get_hostarch names it from uname(2)'s machine:
// "x86_64" amd64, "i686" i386, "armv7*" arm, "aarch64*" arm64, "ppc64le*",
// "ppc64*", "ppc*", "s390x*", "s390*"; mips and loongarch machines as
// `elsewhere` (nskit runs on none); anything else unknown.
enum class LxcHost : std::uint8_t { i386, amd64, arm, arm64, ppc64le, ppc64, ppc, s390x, s390, elsewhere, unknown };
LxcHost lxc_host(std::string_view machine);

// Reads `text`, the policy file's contents, for a filter whose native ABI is
// `family`'s, as liblxc running on `host` reads it. Errors start "line N: ".
Result<Profile> parse_lxc_policy(std::string_view text, LxcHost host, Family family = native_family());

}  // namespace nskit::seccomp
