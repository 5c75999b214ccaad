// The table of tipring-relay's settings: one row per setting gives its TOML key, its
// command-line flag, its type and range, its default, its help text and whether SIGHUP may
// change it. The TOML reader, the flag parser, `--help` and the reload diff all read it.
#pragma once

#include "protocol/core/error.h"
#include "relay_server/app/relay_config.h"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tipring::relay {

enum class SettingKind {
  boolean,
  integer,           // range [min, max]
  number,            // floating point, range [min, max]
  text,              // any string
  choice,            // one of `choices`
  ip_address,        // numeric IPv4 or IPv6 host, no port
  optional_ip,       // the same, or "" for "unset"
  address,           // host:port (SocketAddress::parse)
  optional_address,  // the same, or "" for "off"
  address_list,      // one or more addresses: TOML array or comma-separated flag
  duration,          // integer seconds, or a string "250ms", "30s", "5m", "1h"; range in seconds
};

using SettingValue =
    std::variant<bool, std::int64_t, double, std::string, SocketAddress,
                 std::optional<SocketAddress>, std::vector<SocketAddress>, Duration>;

struct SettingSpec {
  std::string_view key;   // "sip.listen": TOML table "sip", key "listen"
  std::string_view flag;  // "--sip-listen"
  SettingKind kind;
  std::string_view default_text;  // in flag syntax; parsed through the same checks
  std::string_view help;
  bool live;  // SIGHUP applies a change without a restart
  double min = 0;
  double max = 0;
  std::string_view choices;  // "sqlite|redis" for SettingKind::choice
  void (*apply)(RelayConfig&, const SettingValue&) = nullptr;
};

std::span<const SettingSpec> setting_table();
const SettingSpec* find_setting_by_key(std::string_view key);
const SettingSpec* find_setting_by_flag(std::string_view flag);

// Parses flag (and default) text for `spec`, checking type and range.
Result<SettingValue> parse_setting_text(const SettingSpec& spec, std::string_view text);
// Checks range and choices of an already typed value (from TOML).
Result<void> check_setting_value(const SettingSpec& spec, const SettingValue& value);
// Canonical text of a value, for `--help`, the reload diff and logs.
std::string format_setting_value(const SettingValue& value);
std::string_view kind_name(SettingKind kind);

// `--help` text generated from the table.
std::string settings_help();

}  // namespace tipring::relay
