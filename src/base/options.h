// Command-line options, declared once per applet in a constexpr table from
// which parsing and --help are both derived. Parsing follows getopt_long with
// a leading '+': options stop at the first operand or after "--"; a short
// option with an optional argument takes the rest of its cluster ("-mFILE"),
// a long one takes it only after '=' ("--mount=FILE"); unambiguous prefixes
// of long options are accepted.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "base/output.h"
#include "base/result.h"

namespace nskit {

// optional_long: no argument in the short form, an optional "=value" in the
// long one (unshare's -U / --user[=FILE], as util-linux declares them).
enum class Arg : std::uint8_t { none, required, optional, optional_long };

struct Option {
    short id;
    char short_name;             // '\0' for a long-only option
    Arg arg;
    std::string_view long_name;  // "" for a short-only option
    std::string_view arg_name;   // the argument's name in --help, "" for none
    std::string_view help;
    // A word before the help, so that one table of namespace kinds serves
    // two applets: "enter " + "user namespace", "unshare " + "user namespace".
    std::string_view help_prefix = {};
};

struct Usage {
    std::string_view synopsis;  // after the program name: "[options] [<program> [<argument>...]]"
    std::string_view summary;   // one sentence
    std::span<const Option> options;
    std::string_view manual = "nskit";  // its man page (section 1), named in --help's last line
};

struct OptionHit {
    int id = 0;
    const char* value = nullptr;  // the argument, or null when none was given
    const Option* option = nullptr;
};

class OptionParser {
public:
    OptionParser(std::span<const Option> options, int argc, char** argv, int first = 1)
        : options_(options), argc_(argc), argv_(argv), index_(first)
    {
    }

    // Fills `hit` and returns true for each option; false once the operands
    // begin, with index() at the first operand.
    Result<bool> next(OptionHit& hit);
    int index() const { return index_; }

private:
    Result<bool> next_long(std::string_view word, OptionHit& hit);
    Result<bool> next_short(OptionHit& hit);

    std::span<const Option> options_;
    int argc_;
    char** argv_;
    int index_;
    const char* cluster_ = nullptr;  // inside "-abc", the letters not yet read
};

// "--target" for a long option, "-t" for a short-only one: how to name it in a message.
Text<48> option_name(const Option& option);

void print_help(Writer& out, std::string_view program, const Usage& usage);

}  // namespace nskit
