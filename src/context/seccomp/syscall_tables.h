// System call numbers by name for every ABI a process on one of nskit's
// architectures can call the kernel with: the kernel's own tables, generated
// from its UAPI headers by scripts/gen-syscall-tables into syscall_tables.cpp
// (never edited by hand). The headers are Debian 13's linux-libc-dev (Linux
// 6.12), pinned by version and SHA256 in the script: calls up to mseal (462
// on most ABIs) and x86_64's uretprobe (335).
//
// Against Debian 12's libseccomp (2.5.4-1+deb12u1, Linux 6.7's calls, the
// one runc 1.1.5 links), checked by tests/integration/seccomp.sh: every
// number it knows is the same here, and these tables know more:
//   - the calls of Linux 6.8-6.12: statmount, listmount, lsm_get_self_attr,
//     lsm_set_self_attr, lsm_list_modules, mseal (457-462), uretprobe (x86_64 and x32 335);
//   - map_shadow_stack on x32 (0x400001c5: the kernel's unistd_x32.h names
//     it, libseccomp's table does not);
//   - arm's sync_file_range2, the kernel's other name for arm_sync_file_range;
//   - on x86, ppc64le, s390 and s390x the direct numbers of the calls
//     socketcall(2) and ipc(2) multiplex, which libseccomp's name look-up
//     gives as pseudo numbers there (compile.h: both are matched).
// compile.h says what becomes of a profile's names when the runtime beside
// nskit knows fewer of them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace nskit::seccomp {

// The columns of the generated table, in its order.
enum class Abi : std::uint8_t { x86_64, x86, x32, aarch64, arm, ppc64le, s390x, s390 };
inline constexpr std::size_t abi_count = 8;

// The names are held in the rows, not pointed to: a table of pointers in a
// static PIE is written by the loader at every start (each pointer relocated),
// so its pages are copied and faulted in before main even when no filter is
// compiled; held in place, the tables are read-only data, read only when used.
// A name too long for its row is a compile error (C++ refuses the initializer).
inline constexpr std::size_t syscall_name_size = 32;

struct SyscallRow {
    char name[syscall_name_size];
    std::int32_t number[abi_count];  // -1: the ABI has no such call
};
extern const SyscallRow syscall_rows[];  // sorted by name
extern const std::size_t syscall_row_count;

// A call that socketcall(2) or ipc(2) stands in for, and its first argument there.
struct MultiplexedCall {
    char name[syscall_name_size];
    std::uint32_t call;
};
extern const MultiplexedCall socketcall_calls[];
extern const std::size_t socketcall_call_count;
extern const MultiplexedCall ipc_calls[];
extern const std::size_t ipc_call_count;

// The row of `name`; null when no ABI has such a call.
const SyscallRow* find_syscall(std::string_view name);

// The number of `name` (or of a row's call) on `abi`; nullopt when the ABI has no such call.
std::optional<std::uint32_t> syscall_number(std::string_view name, Abi abi);
std::optional<std::uint32_t> syscall_number(const SyscallRow* row, Abi abi);

// Whether any ABI of the table knows `name`.
bool known_syscall(std::string_view name);

// The name of call `number` on `abi`, the first in name order when two
// share it (arm's arm_sync_file_range and sync_file_range2); null when none.
const char* syscall_name(std::uint32_t number, Abi abi);

// The multiplexer (socketcall or ipc) that stands in for `name`, and the
// first argument that selects it; nullopt for other calls.
struct Multiplexed {
    const char* multiplexer;
    std::uint32_t call;
};
std::optional<Multiplexed> multiplexed(std::string_view name);

const char* abi_name(Abi abi);

}  // namespace nskit::seccomp
