// Starting the program an applet was asked to run.
#pragma once

#include "base/result.h"

namespace nskit {

// Replaces this process with argv[0], searched in $PATH when it has no '/'
// (as execvpe does, with the PATH of `envp`); returns only on failure.
Error exec_program(char* const argv[], char* const envp[]);

// util-linux's convention: 127 when the program is not found, 126 when it
// cannot be executed.
int exit_status_for(const Error& exec_error);

}  // namespace nskit
