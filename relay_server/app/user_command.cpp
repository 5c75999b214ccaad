#include "relay_server/app/user_command.h"

#include "relay_server/store/ha1.h"

namespace tipring::relay {
namespace {

constexpr std::string_view kUsage =
    "usage: tipring-relay user add|passwd|del <user> [--realm R] [--config FILE]\n"
    "       tipring-relay user list [--config FILE]\n"
    "The password is read from standard input (prompted twice on a terminal).\n";

int set_password(const UserCommand& command, Directory& directory,
                 const PasswordSource& read_password, bool adding, std::ostream& err) {
  const std::string& user = command.arguments[1];
  auto existing = directory.find_user(user, command.realm);
  if (!existing) {
    err << "tipring-relay: " << existing.error().describe() << "\n";
    return 1;
  }
  if (adding && existing->has_value()) {
    err << "tipring-relay: user '" << user << "' already exists in realm '" << command.realm
        << "' (use 'user passwd')\n";
    return 1;
  }
  if (!adding && !existing->has_value()) {
    err << "tipring-relay: no user '" << user << "' in realm '" << command.realm << "'\n";
    return 1;
  }
  auto password = read_password();
  if (!password) {
    err << "tipring-relay: " << password.error().describe() << "\n";
    return 1;
  }
  if (password->empty()) {
    err << "tipring-relay: empty password refused\n";
    return 1;
  }
  auto record = make_user_record(user, command.realm, *password);
  password->assign(password->size(), '\0');
  if (auto r = directory.put_user(record); !r) {
    err << "tipring-relay: " << r.error().describe() << "\n";
    return 1;
  }
  err << (adding ? "added" : "changed password of") << " user '" << user << "' in realm '"
      << command.realm << "'\n";
  return 0;
}

}  // namespace

bool is_valid_user_name(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return false;
  }
  constexpr std::string_view kAllowed = "-_.!~*'()&=+$,;?/";
  for (char c : name) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && kAllowed.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

int run_user_command(const UserCommand& command, Directory& directory,
                     const PasswordSource& read_password, std::ostream& out, std::ostream& err) {
  const auto& args = command.arguments;
  if (args.empty()) {
    err << kUsage;
    return 2;
  }
  const std::string& action = args[0];
  if (action == "list") {
    if (args.size() != 1) {
      err << kUsage;
      return 2;
    }
    auto users = directory.list_users();
    if (!users) {
      err << "tipring-relay: " << users.error().describe() << "\n";
      return 1;
    }
    for (const auto& user : *users) {
      out << user.user << "\t" << user.realm << "\n";
    }
    return 0;
  }
  if ((action != "add" && action != "passwd" && action != "del") || args.size() != 2) {
    err << kUsage;
    return 2;
  }
  if (!is_valid_user_name(args[1])) {
    err << "tipring-relay: '" << args[1]
        << "' is not a valid user name (letters, digits and -_.!~*'()&=+$,;?/ only)\n";
    return 2;
  }
  if (action == "del") {
    auto removed = directory.remove_user(args[1], command.realm);
    if (!removed) {
      err << "tipring-relay: " << removed.error().describe() << "\n";
      return 1;
    }
    if (!*removed) {
      err << "tipring-relay: no user '" << args[1] << "' in realm '" << command.realm << "'\n";
      return 1;
    }
    err << "deleted user '" << args[1] << "' from realm '" << command.realm << "'\n";
    return 0;
  }
  return set_password(command, directory, read_password, action == "add", err);
}

}  // namespace tipring::relay
