// docker-enter --list: one line per container that can be entered, from every
// source (runtime/sources.h), as a table or as JSON for scripts.
// Names and images come from records that the containers' owners wrote (a
// pod's annotations, say): in the table they are shown visibly (Shown in
// base/output.h: an escape byte prints as \x1b), and in JSON each control
// character is escaped, so no record can write escape sequences to the
// operator's terminal or break the document.
#include "applets/enter.h"
#include "base/output.h"
#include "context/cgroup.h"
#include "runtime/sources.h"

namespace nskit {

using namespace std::literals;

namespace {

bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

// `out` shows its text visibly; the width counts the text as it was given.
void put_cell(Writer& out, std::string_view text, std::size_t width)
{
    if (text.empty())
        text = "-";
    out.put(text);
    for (std::size_t n = text.size(); n < width; ++n)
        out.put(' ');
    out.put(' ');
}

void put_json_string(Writer& out, std::string_view text)
{
    constexpr char hex[] = "0123456789abcdef";
    out.put('"');
    for (char c : text) {
        if (c == '"' || c == '\\')
            out.put('\\', c);
        else if (is_control(c))
            out.put("\\u00", hex[(c >> 4) & 0xf], hex[c & 0xf]);
        else
            out.put(c);
    }
    out.put('"');
}

std::string_view state_of(pid_t pid)
{
    if (pid <= 0)
        return "unknown";
    auto frozen = cgroup_frozen(pid);
    return !frozen.ok() ? "unknown"sv : frozen.value() ? "paused"sv : "running"sv;
}

}  // namespace

void print_container_list(const EnterRequest& request)
{
    Writer out(1, request.list_json ? Shown::as_is : Shown::visible);
    bool first = true;
    if (!request.list_json)
        out.put("SOURCE     NAME                           ID            PID      STATE    IMAGE", '\n');
    sources::for_each(request.find.places, [&](const sources::Named& c) {
        std::string_view state = state_of(c.pid);
        Text<24> pid(c.pid);
        if (request.list_json) {
            out.put(first ? "[\n  {\"source\": " : ",\n  {\"source\": ");
            put_json_string(out, c.source);
            out.put(", \"name\": ");
            put_json_string(out, c.name.view());
            out.put(", \"id\": ");
            put_json_string(out, c.id.view());
            out.put(", \"pid\": ", pid, ", \"image\": ");
            put_json_string(out, c.image.view());
            out.put(", \"state\": \"", state, "\"}");
        } else {
            put_cell(out, c.source, 10);
            put_cell(out, c.name.view(), 30);
            put_cell(out, c.id.view().substr(0, 12), 12);
            put_cell(out, pid.view(), 8);
            put_cell(out, state, 8);
            put_cell(out, c.image.view(), 0);
            out.put('\n');
        }
        first = false;
        return true;
    });
    if (request.list_json)
        out.put(first ? "[]\n" : "\n]\n");
}

}  // namespace nskit
