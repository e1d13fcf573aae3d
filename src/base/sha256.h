// SHA-256 (FIPS 180-4), for the one place nskit needs it: the Docker CLI
// names a context's directory by the hex digest of the context's name.
#pragma once

#include <string_view>

#include "base/text.h"

namespace nskit {

// The lowercase hex SHA-256 of `data` (64 characters).
Text<65> sha256_hex(std::string_view data);

}  // namespace nskit
