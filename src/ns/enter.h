// Entering namespaces: which ones, from where, and the setns calls.
#pragma once

#include <array>

#include "base/fd.h"
#include "base/result.h"
#include "ns/kinds.h"
#include "ns/target.h"

namespace nskit {

// The namespaces to enter. Each comes either from the pinned target
// (/proc/PID/ns/NAME, or all at once through its pidfd) or from a file the
// caller opened (a bind mount, a /proc path, a socket's net namespace).
class NsSelection {
public:
    void from_target(NsKind kind) { from_target_ |= info(kind).clone_flag; }
    void from_file(NsKind kind, Fd file)
    {
        files_[index(kind)] = static_cast<Fd&&>(file);
        from_target_ &= ~info(kind).clone_flag;
    }
    void drop(NsKind kind)
    {
        from_target_ &= ~info(kind).clone_flag;
        files_[index(kind)].reset();
    }

    bool wants(NsKind kind) const { return (from_target_ & info(kind).clone_flag) || files_[index(kind)]; }
    bool empty() const { return mask() == 0; }
    bool all_from_target() const;
    // CLONE_NEW* flags of every namespace selected.
    int mask() const;
    int target_mask() const { return from_target_; }
    Fd& file(NsKind kind) { return files_[index(kind)]; }

private:
    static std::size_t index(NsKind kind) { return static_cast<std::size_t>(kind); }
    int from_target_ = 0;
    std::array<Fd, namespace_kinds.size()> files_;
};

// Opens a namespace file and checks that it is one, of the expected kind.
Result<Fd> open_namespace_file(const char* path, NsKind expected);

// Opens /proc/PID/ns/NAME of the target.
Result<Fd> open_target_namespace(const Target& target, NsKind kind);

// How the target's namespace of a kind relates to ours: one stat of each.
enum class Shared : unsigned char { missing, same, different };  // missing: the kernel lacks the kind
Shared compare_with_ours(const Target& target, NsKind kind);

// Resolves every namespace the selection takes from the target into an open
// file (for when they cannot all be entered through the pidfd), then checks
// the target is still the process that was pinned.
Result<void> open_target_namespaces(const Target& target, NsSelection& selection);

enum class HowEntered { pidfd, files };

// Enters the selected namespaces. With a pidfd and nothing but the target's
// namespaces, one setns(pidfd, mask) does it atomically (Linux >= 5.8).
// Otherwise each file is entered in namespace_kinds order in two passes: the
// user namespace is left out of the first pass, and what that pass could not
// enter is tried again after it (see ns/kinds.h for why).
Result<HowEntered> enter_namespaces(const Target* target, NsSelection& selection);

}  // namespace nskit
