#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "base/options.h"

using namespace nskit;

namespace {

enum { TARGET = 1, MOUNT, NET, ALL, PRESERVE, WD, WDNS };
constexpr Option table[] = {
    {TARGET, 't', Arg::required, "target", "pid", "target process"},
    {MOUNT, 'm', Arg::optional, "mount", "file", "enter mount namespace"},
    {NET, 'n', Arg::optional, "net", "file", "enter network namespace"},
    {ALL, 'a', Arg::none, "all", "", "enter all namespaces"},
    {PRESERVE, '\0', Arg::none, "preserve-credentials", "", "keep ids"},
    {WD, 'w', Arg::optional, "wd", "dir", "working directory"},
    {WDNS, 'W', Arg::required, "wdns", "dir", "working directory in namespace"},
};

// Parses argv and renders what was found as "id=value" words, then "| rest".
std::string parse(std::vector<const char*> words)
{
    words.insert(words.begin(), "nsenter");
    OptionParser parser(table, static_cast<int>(words.size()), const_cast<char**>(words.data()));
    std::string seen;
    OptionHit hit;
    for (;;) {
        auto more = parser.next(hit);
        if (!more.ok())
            return seen + "error: " + std::string(more.error().what.view()) + ": " + more.error().why();
        if (!more.value())
            break;
        seen += std::to_string(hit.id) + "=" + (hit.value ? hit.value : "-") + " ";
    }
    seen += "|";
    for (std::size_t i = static_cast<std::size_t>(parser.index()); i < words.size(); ++i)
        seen += std::string(" ") + words[i];
    return seen;
}

}  // namespace

TEST_CASE("options are parsed as getopt_long with '+' does")
{
    struct Case {
        std::vector<const char*> argv;
        const char* expected;
    } cases[] = {
        {{"-t", "42", "-m", "sh"}, "1=42 2=- | sh"},
        {{"-t42", "-a"}, "1=42 4=- |"},
        {{"--target", "42", "--all"}, "1=42 4=- |"},
        {{"--target=42"}, "1=42 |"},
        {{"-mun"}, "2=un |"},  // an optional argument takes the rest of the cluster
        {{"-am/x", "true"}, "4=- 2=/x | true"},
        {{"--mount=/x", "--net"}, "2=/x 3=- |"},
        {{"--mount", "/x"}, "2=- | /x"},  // a long optional argument needs '='
        {{"--tar", "7"}, "1=7 |"},        // unambiguous prefix
        {{"--preserve-credentials"}, "5=- |"},
        {{"-a", "--", "-t", "1"}, "4=- | -t 1"},
        {{"prog", "-t", "1"}, "| prog -t 1"},  // stop at the first operand
        {{"-"}, "| -"},
        {{"--bogus"}, "error: --bogus: unrecognized option"},
        {{"-x"}, "error: -x: invalid option"},
        {{"-t"}, "error: -t: option requires an argument"},
        {{"--target"}, "error: --target: option requires an argument"},
        {{"--all=1"}, "error: --all: option does not take an argument"},
        {{"--w"}, "error: --w: ambiguous option"},
        {{"--wd", "x"}, "6=- | x"},  // an exact name wins over longer ones
    };
    for (const Case& c : cases) {
        std::string words;
        for (const char* w : c.argv)
            words += std::string(w) + " ";
        INFO(words);
        CHECK(parse(c.argv) == c.expected);
    }
}
