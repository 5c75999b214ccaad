// Where `tipring-relay user add|passwd` gets a password: never from the command line (it
// would show in `ps` and shell history). From a terminal it prompts twice with echo off;
// from a pipe it reads one line, for scripts.
#pragma once

#include "protocol/core/error.h"

#include <functional>
#include <string>

namespace tipring::relay {

// Reads a new password: the prompt goes to stderr, the answer is never echoed.
using PasswordSource = std::function<Result<std::string>()>;

// Reads from file descriptor `fd`: prompts with echo off when it is a terminal, else reads
// one line (without its line end).
PasswordSource password_from_fd(int fd);

}  // namespace tipring::relay
