#include "runtime/find.h"

#include "runtime/engine.h"
#include "runtime/sources.h"

namespace nskit {

using namespace std::literals;

namespace {

bool is_final(const Error& error)
{
    return error.reason == no_such_container || error.reason == ambiguous_prefix || error.reason == not_running;
}

Result<void> ask_engine(std::string_view query, Source kind, const FindOptions& options, FindReport& report,
                        ContainerInfo& info)
{
    report.engine_tried = true;
    engine::Endpoint endpoint;
    if (kind == Source::engine && options.engine_socket)
        endpoint.socket.append(options.engine_socket);
    else
        endpoint = TRY(kind == Source::engine && !options.only ? engine::default_endpoint() : engine::endpoint_for(kind));
    return engine::inspect(endpoint, query, options.timeout_ms, info);
}

}  // namespace

Result<pid_t> parse_pid_query(std::string_view query, bool bare_number_too)
{
    std::string_view number = query;
    if (starts_with(query, "pid:"sv))
        number = query.substr(4);
    else if (!bare_number_too)
        return Error::because("not pid:N", "bad container '", query, "'");
    auto pid = parse_decimal(number, 4194304);
    if (!pid || *pid == 0)
        return Error::because("not a process ID", "bad container '", query, "'");
    return static_cast<pid_t>(*pid);
}

Result<void> find_container(std::string_view query, const FindOptions& options, FindReport& report,
                            ContainerInfo& info)
{
    if (options.only == Source::pid || starts_with(query, "pid:"sv)) {
        pid_t pid = TRY(parse_pid_query(query, options.only == Source::pid));
        info.source = Source::pid;
        info.pid = pid;
        info.running = true;
        info.id.append("pid:", pid);
        info.found_at.append("PID ", pid);
        return {};
    }
    if (options.only == Source::state || sources::prefixed(query))  // "k8s:...": no engine knows pods
        return state::find(query, options.places, info);
    if (options.only)
        return ask_engine(query, *options.only, options, report, info);

    auto answer = ask_engine(query, Source::engine, options, report, info);
    if (answer.ok() || is_final(answer.error()))
        return answer;
    report.engine_failed = true;
    report.engine_error = answer.take_error();
    info = ContainerInfo();  // what a malformed reply may have left in it
    return state::find(query, options.places, info);
}

}  // namespace nskit
