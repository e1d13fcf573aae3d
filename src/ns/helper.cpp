#include "ns/helper.h"

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <utility>

#include "base/sys.h"

namespace nskit {

Result<void> Helper::start(Job job, const void* context)
{
    sys::Pipe ends = TRY(sys::socket_pair());
    pid_t caller = ::getpid();
    pid_t pid = TRY(sys::fork());
    if (pid == 0) {
        ends.read.reset();  // ours
        int channel = ends.write.get();
        char byte;
        auto asked = sys::read(channel, &byte, 1);
        if (!asked.ok() || asked.value() == 0)
            ::_exit(0);
        auto done = job(caller, context);
        if (!done.ok()) {
            const Error& error = done.error();
            (void)sys::write_all(channel, {reinterpret_cast<const char*>(&error), sizeof error});
            ::_exit(1);
        }
        (void)sys::write_all(channel, "k");  // done: one byte
        ::_exit(0);
    }
    pid_ = pid;
    channel_ = std::move(ends.read);
    return {};
}

Helper::~Helper()
{
    if (pid_ <= 0)
        return;
    channel_.reset();
    (void)sys::waitpid(pid_, 0);
    pid_ = 0;
}

Result<void> Helper::run()
{
    TRY(sys::write_all(channel_.get(), "x").describe("cannot start the helper process"));
    Error error;
    std::size_t got = 0;
    while (got < sizeof error) {
        std::size_t n = TRY(sys::read(channel_.get(), reinterpret_cast<char*>(&error) + got, sizeof error - got));
        if (n == 0)
            break;
        got += n;
    }
    channel_.reset();
    // From a child that disowned it, the helper is reaped when its parent exits.
    if (pid_ > 0)
        (void)sys::waitpid(pid_, 0);
    pid_ = 0;
    if (got == sizeof error)
        return error;
    if (got != 1)
        return Error::because("it died", "the helper process failed");
    return {};
}

void Helper::forget()
{
    pid_ = 0;
    channel_.reset();
}

}  // namespace nskit
