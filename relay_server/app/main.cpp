// tipring-relay: the operator's SIP proxy/registrar and latching media relay.
//   tipring-relay --config relay.toml [flags]     run
//   tipring-relay --config relay.toml --check-config
//   tipring-relay user add|passwd|del|list ...   manage users (HA1 digests only)
#include "relay_server/app/command_line.h"
#include "relay_server/app/config_loader.h"
#include "relay_server/app/directory_backend.h"
#include "relay_server/app/relay_app.h"
#include "relay_server/app/user_command.h"

#include <iostream>
#include <string_view>
#include <vector>

#include <unistd.h>

namespace {

using namespace tipring::relay;

constexpr int kExitConfigError = 2;

int run_user(const CommandLine& line, const LoadedConfig& loaded) {
  auto directory = open_directory(loaded.config.store);
  if (!directory) {
    std::cerr << "tipring-relay: " << directory.error().describe() << "\n";
    return 1;
  }
  const UserCommand command{line.user_arguments,
                            line.realm.value_or(loaded.config.sip.effective_realm())};
  return run_user_command(command, **directory, password_from_fd(STDIN_FILENO), std::cout,
                          std::cerr);
}

int serve(const CommandLine& line, LoadedConfig loaded) {
  const auto& log_settings = loaded.config.log;
  Logger log =
      Logger::to_stderr(log_settings.level, log_settings.format, log_settings.syslog_prefix);
  auto app = RelayApp::start(std::move(loaded), ConfigOrigin{line.config_path, line.flags}, log);
  if (!app) {
    log.error("start-up failed", {{"error", app.error().describe()}});
    return 1;
  }
  if (auto r = (*app)->run(); !r) {
    log.error("event loop failed", {{"error", r.error().describe()}});
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> arguments(argv + 1, argv + argc);
  auto line = parse_command_line(arguments);
  if (!line) {
    std::cerr << "tipring-relay: " << line.error().describe() << "\n";
    return kExitConfigError;
  }
  if (line->mode == RunMode::help) {
    std::cout << settings_help();
    return 0;
  }
  if (line->mode == RunMode::version) {
    std::cout << "tipring-relay " << TIPRING_VERSION << "\n";
    return 0;
  }
  auto loaded = load_config(line->config_path, line->flags);
  if (!loaded) {
    std::cerr << "tipring-relay: " << loaded.error().describe() << "\n";
    return kExitConfigError;
  }
  switch (line->mode) {
    case RunMode::check_config:
      std::cout << "configuration OK" << (line->config_path ? ": " + *line->config_path : "")
                << "\n";
      return 0;
    case RunMode::user:
      return run_user(*line, *loaded);
    default:
      return serve(*line, std::move(*loaded));
  }
}
