// System call numbers by name for every ABI a process on one of nskit's
// architectures can call the kernel with: the kernel's own tables, generated
// from its UAPI headers by scripts/gen-syscall-tables into syscall_tables.cpp
// (never edited by hand). Debian 12's kernel headers (6.1) name exactly the
// calls upstream libseccomp 2.5.4's table names for these ABIs, with one alias
// more: arm's sync_file_range2 (the kernel's other name for
// arm_sync_file_range). Debian 12's own libseccomp (2.5.4-1+deb12u1) also
// knows Linux 6.2-6.7's calls (cachestat ... futex_requeue, 451-456 on most
// ABIs), which these tables will know once generated from newer headers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace nskit::seccomp {

// The columns of the generated table, in its order.
enum class Abi : std::uint8_t { x86_64, x86, x32, aarch64, arm, ppc64le, s390x, s390 };
inline constexpr std::size_t abi_count = 8;

struct SyscallRow {
    const char* name;
    std::int32_t number[abi_count];  // -1: the ABI has no such call
};
extern const SyscallRow syscall_rows[];  // sorted by name
extern const std::size_t syscall_row_count;

// A call that socketcall(2) or ipc(2) stands in for, and its first argument there.
struct MultiplexedCall {
    const char* name;
    std::uint32_t call;
};
extern const MultiplexedCall socketcall_calls[];
extern const std::size_t socketcall_call_count;
extern const MultiplexedCall ipc_calls[];
extern const std::size_t ipc_call_count;

// The number of `name` on `abi`; nullopt when the ABI has no such call.
std::optional<std::uint32_t> syscall_number(std::string_view name, Abi abi);

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
