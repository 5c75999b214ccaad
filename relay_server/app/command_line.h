// The tipring-relay command line: the mode (run, --check-config, --help, --version, or the
// `user` subcommand) and setting flags, each looked up in the settings table.
#pragma once

#include "protocol/core/error.h"
#include "relay_server/app/config_loader.h"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tipring::relay {

enum class RunMode { serve, check_config, help, version, user };

struct CommandLine {
  RunMode mode = RunMode::serve;
  std::optional<std::string> config_path;
  std::vector<FlagSetting> flags;
  // For `user`: action (add|passwd|del|list), then the user name if the action takes one.
  std::vector<std::string> user_arguments;
  std::optional<std::string> realm;
};

// `arguments` excludes argv[0]. Flags take "--flag value" or "--flag=value".
Result<CommandLine> parse_command_line(std::span<const std::string_view> arguments);

}  // namespace tipring::relay
