// Look-ups in the generated tables (syscall_tables.cpp).
#include "context/seccomp/syscall_tables.h"

namespace nskit::seccomp {

namespace {

// The order of `name` against a row's name (NUL-terminated in its array), as
// string_view's compare would give it, without measuring the row's name first.
int compare(std::string_view name, const char (&row)[syscall_name_size])
{
    for (std::size_t i = 0; i < syscall_name_size; ++i) {
        if (i == name.size())
            return row[i] == '\0' ? 0 : -1;
        auto ours = static_cast<unsigned char>(name[i]), theirs = static_cast<unsigned char>(row[i]);
        if (ours != theirs)
            return ours < theirs ? -1 : 1;
        if (theirs == '\0')
            return 1;  // the row's name ends here; `name` goes on past a NUL of its own
    }
    return 1;  // longer than any row's name
}

}  // namespace

// The row named `name`, by binary search over the rows sorted by name.
const SyscallRow* find_syscall(std::string_view name)
{
    std::size_t low = 0, high = syscall_row_count;
    while (low < high) {
        std::size_t middle = low + (high - low) / 2;
        int order = compare(name, syscall_rows[middle].name);
        if (order == 0)
            return &syscall_rows[middle];
        if (order < 0)
            high = middle;
        else
            low = middle + 1;
    }
    return nullptr;
}

namespace {

std::optional<std::uint32_t> find_call(std::string_view name, const MultiplexedCall* calls, std::size_t count)
{
    for (std::size_t i = 0; i < count; ++i)
        if (compare(name, calls[i].name) == 0)
            return calls[i].call;
    return std::nullopt;
}

}  // namespace

std::optional<std::uint32_t> syscall_number(const SyscallRow* row, Abi abi)
{
    if (!row || row->number[static_cast<std::size_t>(abi)] < 0)
        return std::nullopt;
    return static_cast<std::uint32_t>(row->number[static_cast<std::size_t>(abi)]);
}

std::optional<std::uint32_t> syscall_number(std::string_view name, Abi abi) { return syscall_number(find_syscall(name), abi); }

bool known_syscall(std::string_view name) { return find_syscall(name) != nullptr; }

const char* syscall_name(std::uint32_t number, Abi abi)
{
    for (std::size_t i = 0; i < syscall_row_count; ++i)
        if (syscall_rows[i].number[static_cast<std::size_t>(abi)] == static_cast<std::int64_t>(number))
            return syscall_rows[i].name;
    return nullptr;
}

std::optional<Multiplexed> multiplexed(std::string_view name)
{
    if (auto call = find_call(name, socketcall_calls, socketcall_call_count))
        return Multiplexed{"socketcall", *call};
    if (auto call = find_call(name, ipc_calls, ipc_call_count))
        return Multiplexed{"ipc", *call};
    return std::nullopt;
}

const char* abi_name(Abi abi)
{
    static const char* const names[abi_count] = {"x86_64", "x86", "x32", "aarch64", "arm", "ppc64le", "s390x", "s390"};
    return names[static_cast<std::size_t>(abi)];
}

}  // namespace nskit::seccomp
