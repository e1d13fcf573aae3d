#include "base/options.h"

namespace nskit {

Text<48> option_name(const Option& option)
{
    if (!option.long_name.empty())
        return Text<48>("--", option.long_name);
    return Text<48>('-', option.short_name);
}

Result<bool> OptionParser::next(OptionHit& hit)
{
    if (cluster_ && *cluster_)
        return next_short(hit);
    cluster_ = nullptr;
    if (index_ >= argc_)
        return false;
    std::string_view word = argv_[index_];
    if (word == "--") {
        ++index_;
        return false;
    }
    if (word.size() < 2 || word[0] != '-')
        return false;
    if (word[1] == '-')
        return next_long(word.substr(2), hit);
    cluster_ = argv_[index_++] + 1;
    return next_short(hit);
}

Result<bool> OptionParser::next_long(std::string_view word, OptionHit& hit)
{
    ++index_;
    std::string_view name = word;
    const char* value = nullptr;
    if (auto eq = word.find('='); eq != std::string_view::npos) {
        name = word.substr(0, eq);
        value = argv_[index_ - 1] + 2 + eq + 1;
    }

    const Option* found = nullptr;
    int prefix_matches = 0;
    for (const Option& option : options_) {
        std::string_view long_name = option.long_name;
        if (long_name.empty())
            continue;
        if (long_name == name) {
            found = &option;
            prefix_matches = 1;
            break;
        }
        if (starts_with(long_name, name) && (!found || found->id != option.id)) {
            found = &option;
            ++prefix_matches;
        }
    }
    if (!found)
        return Error::because("unrecognized option", "--", name);
    if (prefix_matches > 1)
        return Error::because("ambiguous option", "--", name);

    switch (found->arg) {
    case Arg::none:
        if (value)
            return Error::because("option does not take an argument", "--", found->long_name);
        break;
    case Arg::required:
        if (!value) {
            if (index_ >= argc_)
                return Error::because("option requires an argument", "--", found->long_name);
            value = argv_[index_++];
        }
        break;
    case Arg::optional:
    case Arg::optional_long:
        break;
    }
    hit = {found->id, value, found};
    return true;
}

Result<bool> OptionParser::next_short(OptionHit& hit)
{
    char letter = *cluster_++;
    const Option* found = nullptr;
    for (const Option& option : options_)
        if (option.short_name == letter) {
            found = &option;
            break;
        }
    if (!found) {
        cluster_ = nullptr;
        return Error::because("invalid option", '-', letter);
    }

    const char* value = nullptr;
    if ((found->arg == Arg::required || found->arg == Arg::optional) && *cluster_) {
        value = cluster_;
        cluster_ = nullptr;
    } else if (found->arg == Arg::required) {
        if (index_ >= argc_)
            return Error::because("option requires an argument", '-', letter);
        value = argv_[index_++];
    }
    hit = {found->id, value, found};
    return true;
}

void print_help(Writer& out, std::string_view program, const Usage& usage)
{
    out.put("\nUsage:\n ", program, ' ', usage.synopsis, "\n\n", usage.summary, "\n\nOptions:\n");
    for (const Option& option : usage.options) {
        Text<64> left(' ');
        bool has_long = !option.long_name.empty();
        if (option.short_name)
            left.append('-', option.short_name, has_long ? ", " : "");
        else
            left.append("    ");
        if (has_long)
            left.append("--", option.long_name);
        if (option.arg == Arg::required)
            left.append(" <", option.arg_name, '>');
        else if (option.arg == Arg::optional || option.arg == Arg::optional_long)
            left.append(has_long ? "[=<" : "[<", option.arg_name, ">]");
        out.put(left);
        for (std::size_t pad = left.size(); pad < 30; ++pad)
            out.put(' ');
        if (left.size() >= 30)
            out.put(' ');
        out.put(option.help_prefix, option.help, '\n');
    }
    out.put("\nFor more details see ", usage.manual, "(1).\n");
}

}  // namespace nskit
