// `tipring-relay user add|passwd|del|list`: the operator's way to manage the accounts the
// registrar authenticates (RFC 3261 §22 digest). Only HA1 digests reach the store.
#pragma once

#include "relay_server/app/password_source.h"
#include "relay_server/store/directory.h"

#include <ostream>
#include <string>
#include <vector>

namespace tipring::relay {

struct UserCommand {
  std::vector<std::string> arguments;  // action, then the user name where one is needed
  std::string realm;
};

// Returns the process exit code: 0 done, 1 refused (no such user, exists, bad password),
// 2 usage error. Messages go to `out` (listing) and `err` (everything else).
int run_user_command(const UserCommand& command, Directory& directory,
                     const PasswordSource& read_password, std::ostream& out, std::ostream& err);

// A user name fit for "user:realm:password" hashing and SIP URIs: 1-64 characters of
// unreserved/user-unreserved characters (RFC 3261 §25.1), no ':' or whitespace.
bool is_valid_user_name(std::string_view name);

}  // namespace tipring::relay
