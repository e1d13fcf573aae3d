// A helper process, forked before unshare(2) so that it keeps the caller's
// namespaces and credentials: it waits until asked, does one job on the
// caller's behalf (write its id maps, bind-mount its namespaces where the
// caller no longer has the right to mount), and hands back an Error if the
// job failed. Dropping a helper that was never asked makes it exit unused.
#pragma once

#include <sys/types.h>

#include "base/fd.h"
#include "base/result.h"

namespace nskit {

class Helper {
public:
    // The job, run in the helper with the caller's pid. `context` is read in
    // the helper's copy of memory: fill it before start().
    using Job = Result<void> (*)(pid_t caller, const void* context);

    // Forks the helper; it waits for run() or for this Helper to go.
    Result<void> start(Job job, const void* context);

    Helper() = default;
    Helper(const Helper&) = delete;
    Helper& operator=(const Helper&) = delete;
    ~Helper();

    bool started() const { return channel_.valid(); }
    // Asks for the job and waits for the helper to finish it; also from a
    // process forked after start().
    Result<void> run();
    // In a child forked from the caller: let go of the helper without waiting for it.
    void forget();
    // In a child forked from the caller that will run() the helper: it is not
    // our child, so neither run() nor the destructor waits for it.
    void disown() { pid_ = 0; }

private:
    pid_t pid_ = 0;
    // Our end of a socket pair. To the helper: a byte, do the job; end of
    // file, exit unused. From it: the Error bytes on failure, one byte on success.
    Fd channel_;
};

}  // namespace nskit
