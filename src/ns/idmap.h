// User and group id maps of a new user namespace: parsing what a person asks
// for (--map-users=INNER:OUTER:COUNT, auto, subids, all), checking it the way
// the kernel will (no overlap on either side), and writing it, directly to
// /proc/PID/uid_map when we hold CAP_SETUID (CAP_SETGID) over the parent
// namespace, through the setuid helpers newuidmap/newgidmap otherwise.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "base/result.h"
#include "base/text.h"

namespace nskit {

enum class IdKind : std::uint8_t { user, group };

// One line of a map: ids [inner, inner+count) inside are [outer, outer+count) outside.
struct IdRange {
    std::uint32_t inner = 0, outer = 0, count = 0;
    friend bool operator==(const IdRange&, const IdRange&) = default;
};

class IdMap {
public:
    // The kernel's limit on lines in a map (since Linux 4.15).
    static constexpr std::size_t capacity = 340;

    // Adds a range; refuses an empty one, one past the last id, or one that
    // overlaps an earlier range inside or outside.
    Result<void> add(IdRange range);
    std::span<const IdRange> ranges() const { return {ranges_, size_}; }
    bool empty() const { return size_ == 0; }

    // "inner outer count\n" per range, the text uid_map/gid_map take; the
    // kernel takes less than a page of it. With NULs for both separators:
    // the words newuidmap takes.
    Result<Text<4096>> text(char space = ' ', char newline = '\n') const;

private:
    IdRange ranges_[capacity];
    std::size_t size_ = 0;
};

// "INNER:OUTER:COUNT", or util-linux's older "OUTER,INNER,COUNT".
Result<IdRange> parse_id_range(std::string_view text);

// The first range of /etc/subuid or /etc/subgid text ("owner:start:count")
// whose owner is `name` or the decimal `id`.
Result<IdRange> find_subordinate_range(std::string_view subid_text, std::string_view name, std::uint32_t id);

// Adds an identity range for every line of a uid_map/gid_map text: every id
// the current namespace has, passed through ("--map-users=all").
Result<void> add_identity_of(IdMap& map, std::string_view proc_map_text);

// `single` plus every range of `ranges`, each with the single inner and outer
// id cut out (the "hole"): what is left of a range inside is paired in order
// with what is left of it outside, so the last id of a range may go unmapped.
Result<IdMap> merge_single(const IdMap& ranges, IdRange single);

// Writes `text` to /proc/PID/NAME (pid 0: self) in one write.
Result<void> write_proc_file(pid_t pid, const char* name, std::string_view text);

// Writes `map` to /proc/PID/uid_map or gid_map (pid 0: self) in one write.
Result<void> write_id_map(pid_t pid, IdKind kind, const IdMap& map);

// Runs newuidmap or newgidmap PID INNER OUTER COUNT... and waits for it.
Result<void> run_id_map_helper(pid_t pid, IdKind kind, const IdMap& map);

enum class Setgroups : std::uint8_t { unchanged, allow, deny };  // allow, deny: the order of --setgroups' words

// Writes "allow" or "deny" to /proc/PID/setgroups (pid 0: self).
Result<void> write_setgroups(pid_t pid, Setgroups setting);

}  // namespace nskit
