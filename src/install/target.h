// The directory an installer works in, and what it tells the person: one
// line per entry ("installed", "upgraded", ...), warnings, a summary, the
// exit code.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include "base/buffer.h"
#include "base/fd.h"
#include "base/output.h"
#include "base/result.h"
#include "base/text.h"

namespace nskit::install {

// Where `docker run --rm -v /usr/local/bin:/target nskit` mounts the host directory.
inline constexpr const char default_directory[] = "/target";

// The bytes of the running binary (/proc/self/exe): what gets installed.
Result<Buffer> read_own_binary();

// The applets chosen for installation, in table order.
class Selection {
public:
    void add(std::string_view name)
    {
        if (count_ < names_.size())
            names_[count_++] = name;
    }
    std::span<const std::string_view> names() const { return {names_.data(), count_}; }

private:
    std::array<std::string_view, 16> names_{};
    std::size_t count_ = 0;
};

enum class Left { as_it_was, changed };
enum class Outcome { installed, upgraded, downgraded, unchanged, skipped, replaced, removed, restored };
inline constexpr std::size_t outcome_count = 8;

class Target {
public:
    Target(std::string_view program, const char* directory, bool dry_run);

    // Opens the directory, refuses an unmounted /target, takes the lock
    // (except for a dry run). Reports its own failures.
    [[nodiscard]] bool open();

    int dir() const { return dir_.get(); }
    bool dry_run() const { return dry_run_; }
    std::string_view program() const { return program_; }
    Text<4096> path(std::string_view name) const;

    // One line on standard output: "installed  /target/nsenter -> nskit".
    void line(Outcome outcome, std::string_view name, std::string_view details);

    // A step failed: the error, and whether `name` was left as it was.
    void failed(const Error& error, std::string_view name, Left left = Left::as_it_was);

    // Syncs the directory, prints the summary, returns the exit code.
    int finish();

private:
    std::string_view verb(Outcome outcome) const;
    bool refuse_unmounted();

    std::string_view program_;
    const char* directory_;
    bool dry_run_;
    bool failed_ = false;
    bool changed_ = false;
    Fd dir_;
    std::array<unsigned, outcome_count> counts_{};
    Writer out_{1};
};

}  // namespace nskit::install
