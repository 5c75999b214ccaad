#include "relay_server/app/config_loader.h"

#include "relay_server/app/peer_proxies.h"

#include <array>
#include <charconv>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

namespace tipring::relay {
namespace {

constexpr std::string_view kRule = "configuration";

std::string where(std::string_view source_name, const toml::source_region& region) {
  return std::string(source_name) + ":" + std::to_string(region.begin.line) + ":" +
         std::to_string(region.begin.column);
}

std::string_view toml_type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    default:
      return "a date/time";
  }
}

std::string shortest(double value) {
  std::array<char, 32> buffer{};
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return ec == std::errc() ? std::string(buffer.data(), end) : std::string("nan");
}

// The TOML node as flag text, if its TOML type fits the setting's kind.
std::optional<std::string> node_as_text(const SettingSpec& spec, const toml::node& node) {
  using K = SettingKind;
  switch (spec.kind) {
    case K::boolean:
      if (auto v = node.value<bool>(); v && node.is_boolean()) {
        return *v ? "true" : "false";
      }
      return std::nullopt;
    case K::integer:
      if (node.is_integer()) {
        return std::to_string(*node.value<std::int64_t>());
      }
      return std::nullopt;
    case K::number:
      if (node.is_integer()) {
        return std::to_string(*node.value<std::int64_t>());
      }
      if (node.is_floating_point()) {
        return shortest(*node.value<double>());
      }
      return std::nullopt;
    case K::duration:
      if (node.is_integer()) {
        return std::to_string(*node.value<std::int64_t>());
      }
      [[fallthrough]];
    case K::text:
    case K::choice:
    case K::ip_address:
    case K::optional_ip:
    case K::address:
    case K::optional_address:
      if (node.is_string()) {
        return std::string(*node.value<std::string_view>());
      }
      return std::nullopt;
    case K::address_list:
      if (node.is_string()) {
        return std::string(*node.value<std::string_view>());
      }
      if (const auto* array = node.as_array()) {
        std::string joined;
        for (const auto& element : *array) {
          if (!element.is_string()) {
            return std::nullopt;
          }
          joined += joined.empty() ? "" : ",";
          joined += *element.value<std::string_view>();
        }
        return joined;
      }
      return std::nullopt;
  }
  return std::nullopt;
}

std::string expected_type(const SettingSpec& spec) {
  using K = SettingKind;
  switch (spec.kind) {
    case K::boolean:
      return "a boolean";
    case K::integer:
      return "an integer";
    case K::number:
      return "a number";
    case K::duration:
      return "a duration (integer seconds or a string such as \"30s\")";
    case K::address_list:
      return "an array of \"IP:port\" strings";
    default:
      return "a string";
  }
}

// "<at>: <first>: <rest...>" (or "<at>: <first>" alone), built in one string.
template <class... Parts>
tl::unexpected<Error> located_error(const std::string& at, std::string_view first,
                                    const Parts&... rest) {
  std::string message = at;
  message.append(": ").append(first);
  if constexpr (sizeof...(rest) > 0) {
    message.append(": ");
    (message.append(rest), ...);
  }
  return fail(kRule, std::move(message));
}

class ConfigBuilder {
public:
  ConfigBuilder() {
    for (const auto& spec : setting_table()) {
      auto value = parse_setting_text(spec, spec.default_text);
      // The table's defaults are checked by a unit test; a bad one is a build defect.
      set(spec, *value, "default");
    }
  }

  void set(const SettingSpec& spec, const SettingValue& value, std::string origin) {
    spec.apply(loaded_.config, value);
    loaded_.values[std::string(spec.key)] = format_setting_value(value);
    origin_[std::string(spec.key)] = std::move(origin);
  }

  Result<void> read_toml(std::string_view text, std::string_view source_name) {
    toml::table root;
    try {
      root = toml::parse(text, source_name);
    } catch (const toml::parse_error& error) {
      return fail(kRule, where(source_name, error.source()) +
                             ": TOML syntax: " + std::string(error.description()));
    }
    for (const auto& [section_key, section] : root) {
      const auto* table = section.as_table();
      const std::string section_name(section_key.str());
      if (table == nullptr || !is_known_section(section_name)) {
        return fail(kRule, where(source_name, section_key.source()) + ": unknown " +
                               (table ? "table [" : "key '") + section_name + (table ? "]" : "'") +
                               " (tables: sip, store, media, http, limits, log)");
      }
      for (const auto& [key, node] : *table) {
        const std::string full_key = section_name + "." + std::string(key.str());
        const auto* spec = find_setting_by_key(full_key);
        const std::string at = where(source_name, key.source());
        if (spec == nullptr) {
          return located_error(at, "unknown key '" + full_key + "'");
        }
        auto text_value = node_as_text(*spec, node);
        if (!text_value) {
          return located_error(at, full_key, "expected ", expected_type(*spec), ", found ",
                               toml_type_name(node));
        }
        auto value = parse_setting_text(*spec, *text_value);
        if (!value) {
          return located_error(at, full_key, value.error().detail);
        }
        set(*spec, *value, at);
      }
    }
    return {};
  }

  Result<void> apply_flags(std::span<const FlagSetting> flags) {
    for (const auto& flag : flags) {
      auto value = parse_setting_text(*flag.spec, flag.text);
      const std::string at = "flag " + std::string(flag.spec->flag);
      if (!value) {
        return fail(kRule, at + ": " + std::string(flag.spec->key) + ": " + value.error().detail);
      }
      set(*flag.spec, *value, at);
    }
    return {};
  }

  // Rules between settings. The message points at the key of the pair that was set
  // explicitly (the later one if both were), since that is the line the operator must fix.
  Result<void> check_relations() const {
    const auto& c = loaded_.config;
    if (c.sip.min_expires_s > c.sip.max_expires_s) {
      return relation_error("sip.min_expires", "sip.max_expires", "is below");
    }
    if (c.sip.default_expires_s < c.sip.min_expires_s) {
      return relation_error("sip.min_expires", "sip.default_expires", "is below");
    }
    if (c.sip.default_expires_s > c.sip.max_expires_s) {
      return relation_error("sip.max_expires", "sip.default_expires", "is above");
    }
    if (c.media.port_min >= c.media.port_max) {
      return relation_error("media.port_min", "media.port_max", "is not above");
    }
    if (c.media.bind_address == "0.0.0.0" || c.media.bind_address == "::") {
      return relation_error("media.bind_address", "media.bind_address",
                            "is the wildcard; the relay must bind the address clients reach:");
    }
    if (c.store.backend == StoreBackend::sqlite && c.store.sqlite_path.empty()) {
      return relation_error("store.backend", "store.sqlite_path", "is empty with");
    }
    if (c.sip.domain.empty()) {
      return relation_error("sip.domain", "sip.domain", "is empty:");
    }
    if (auto peers = PeerProxies::parse(c.sip.peers); !peers) {
      return fail(kRule, origin_.at("sip.peers") + ": sip.peers: " + peers.error().describe());
    }
    return {};
  }

  LoadedConfig take() && { return std::move(loaded_); }

private:
  static bool is_known_section(const std::string& name) {
    for (const auto& spec : setting_table()) {
      if (spec.key.substr(0, spec.key.find('.')) == name) {
        return true;
      }
    }
    return false;
  }

  // "<where>: <second> = <v> <problem> <first> = <v>"
  tl::unexpected<Error> relation_error(const std::string& first, const std::string& second,
                                       std::string_view problem) const {
    const std::string& first_origin = origin_.at(first);
    const std::string& second_origin = origin_.at(second);
    const std::string& at = second_origin != "default" ? second_origin : first_origin;
    return fail(kRule, at + ": " + second + " = " + loaded_.values.at(second) + " " +
                           std::string(problem) + " " + first + " = " + loaded_.values.at(first));
  }

  LoadedConfig loaded_;
  std::map<std::string, std::string, std::less<>> origin_;
};

}  // namespace

Result<LoadedConfig> load_config_text(std::string_view toml_text, std::string_view source_name,
                                      std::span<const FlagSetting> flags) {
  ConfigBuilder builder;
  if (auto r = builder.read_toml(toml_text, source_name); !r) {
    return tl::unexpected(r.error());
  }
  if (auto r = builder.apply_flags(flags); !r) {
    return tl::unexpected(r.error());
  }
  if (auto r = builder.check_relations(); !r) {
    return tl::unexpected(r.error());
  }
  return std::move(builder).take();
}

Result<LoadedConfig> load_config(const std::optional<std::string>& path,
                                 std::span<const FlagSetting> flags) {
  std::string text;
  if (path) {
    std::ifstream in(*path, std::ios::binary);
    if (!in) {
      return fail(kRule, *path + ": cannot be opened");
    }
    std::ostringstream content;
    content << in.rdbuf();
    text = content.str();
  }
  return load_config_text(text, path.value_or("(no file)"), flags);
}

std::vector<SettingChange> diff_settings(const LoadedConfig& before, const LoadedConfig& after) {
  std::vector<SettingChange> changes;
  for (const auto& spec : setting_table()) {
    const std::string key(spec.key);
    const auto& old_value = before.values.at(key);
    const auto& new_value = after.values.at(key);
    if (old_value != new_value) {
      changes.push_back({key, old_value, new_value, spec.live});
    }
  }
  return changes;
}

}  // namespace tipring::relay
