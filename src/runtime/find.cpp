#include "runtime/find.h"

#include "runtime/engine.h"

namespace nskit {

namespace {

bool is_final(const Error& error)
{
    return error.reason == no_such_container || error.reason == ambiguous_prefix || error.reason == not_running;
}

Result<ContainerInfo> from_pid(pid_t pid)
{
    ContainerInfo info;
    info.source = Source::pid;
    info.pid = pid;
    info.running = true;
    info.id.append("pid:", pid);
    info.found_at.append("PID ", pid);
    return info;
}

Result<ContainerInfo> ask_engine(std::string_view query, Source kind, const FindOptions& options, FindReport& report)
{
    report.engine_tried = true;
    auto endpoint = kind == Source::engine && !options.only ? engine::default_endpoint() : engine::endpoint_for(kind);
    if (!endpoint.ok())
        return endpoint.take_error();
    return engine::inspect(endpoint.value(), query, options.timeout_ms);
}

}  // namespace

Result<pid_t> parse_pid_query(std::string_view query, bool bare_number_too)
{
    std::string_view number = query;
    if (starts_with(query, "pid:"))
        number = query.substr(4);
    else if (!bare_number_too)
        return Error::because("not pid:N", "bad container '", query, "'");
    auto pid = parse_decimal(number, 4194304);
    if (!pid || *pid == 0)
        return Error::because("not a process ID", "bad container '", query, "'");
    return static_cast<pid_t>(*pid);
}

Result<ContainerInfo> find_container(std::string_view query, const FindOptions& options, FindReport& report)
{
    if (options.only == Source::pid || starts_with(query, "pid:"))
        return from_pid(TRY(parse_pid_query(query, options.only == Source::pid)));
    if (options.only == Source::state)
        return state::find(query, options.places);
    if (options.only)
        return ask_engine(query, *options.only, options, report);

    auto answer = ask_engine(query, Source::engine, options, report);
    if (answer.ok() || is_final(answer.error()))
        return answer;
    report.engine_failed = true;
    report.engine_error = answer.take_error();
    return state::find(query, options.places);
}

}  // namespace nskit
