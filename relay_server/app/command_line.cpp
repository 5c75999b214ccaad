#include "relay_server/app/command_line.h"

namespace tipring::relay {
namespace {

constexpr std::string_view kRule = "tipring-relay command line";

}  // namespace

Result<CommandLine> parse_command_line(std::span<const std::string_view> arguments) {
  CommandLine out;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    std::string_view argument = arguments[i];
    if (argument == "user" && out.mode == RunMode::serve) {
      out.mode = RunMode::user;
      continue;
    }
    if (!argument.starts_with("--")) {
      if (out.mode == RunMode::user) {
        out.user_arguments.emplace_back(argument);
        continue;
      }
      return fail(kRule, "unexpected argument '" + std::string(argument) + "' (see --help)");
    }
    if (argument == "--help" || argument == "-h") {
      out.mode = RunMode::help;
      continue;
    }
    if (argument == "--version") {
      out.mode = RunMode::version;
      continue;
    }
    if (argument == "--check-config") {
      if (out.mode == RunMode::user) {
        return fail(kRule, "--check-config does not combine with 'user'");
      }
      out.mode = RunMode::check_config;
      continue;
    }
    // The rest take a value: "--flag=value" or "--flag value".
    std::string_view name = argument;
    std::optional<std::string_view> value;
    if (const auto equals = argument.find('='); equals != std::string_view::npos) {
      name = argument.substr(0, equals);
      value = argument.substr(equals + 1);
    } else if (i + 1 < arguments.size()) {
      value = arguments[++i];
    }
    if (!value) {
      return fail(kRule, std::string(name) + " needs a value");
    }
    if (name == "--config") {
      out.config_path = std::string(*value);
    } else if (name == "--realm" && out.mode == RunMode::user) {
      out.realm = std::string(*value);
    } else if (const auto* spec = find_setting_by_flag(name)) {
      out.flags.push_back({spec, std::string(*value)});
    } else {
      return fail(kRule, "unknown option " + std::string(name) + " (see --help)");
    }
  }
  return out;
}

}  // namespace tipring::relay
