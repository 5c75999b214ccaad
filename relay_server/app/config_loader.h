// Loading tipring-relay's configuration: table defaults, then the TOML file, then
// command-line flags (which win). Every rejection names where the bad value came from —
// "relay.toml:12:15: sip.flow_timer: ..." or "flag --sip-flow-timer: ..." — and the key.
#pragma once

#include "protocol/core/error.h"
#include "relay_server/app/relay_config.h"
#include "relay_server/app/settings.h"

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tipring::relay {

struct FlagSetting {
  const SettingSpec* spec = nullptr;
  std::string text;
};

struct LoadedConfig {
  RelayConfig config;
  // Canonical text of every effective value by key, for the reload diff and logs.
  std::map<std::string, std::string, std::less<>> values;
};

// `toml_text` is the file's content and `source_name` its path as shown in messages.
Result<LoadedConfig> load_config_text(std::string_view toml_text, std::string_view source_name,
                                      std::span<const FlagSetting> flags);
// Reads `path` (if given) and applies `flags`.
Result<LoadedConfig> load_config(const std::optional<std::string>& path,
                                 std::span<const FlagSetting> flags);

struct SettingChange {
  std::string key;
  std::string old_value;
  std::string new_value;
  bool live = false;  // applied by SIGHUP; otherwise it waits for a restart
};
std::vector<SettingChange> diff_settings(const LoadedConfig& before, const LoadedConfig& after);

}  // namespace tipring::relay
