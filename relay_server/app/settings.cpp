#include "relay_server/app/settings.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <type_traits>

#include <arpa/inet.h>

namespace tipring::relay {
namespace {

constexpr std::string_view kRule = "tipring-relay setting";

void from_choice(std::string_view text, StoreBackend& out) {
  out = text == "redis" ? StoreBackend::redis : StoreBackend::sqlite;
}
void from_choice(std::string_view text, MediaPathSetting& out) {
  out = text == "steered" ? MediaPathSetting::steered : MediaPathSetting::sockets;
}
void from_choice(std::string_view text, LogFormat& out) {
  out = text == "json" ? LogFormat::json : LogFormat::text;
}
void from_choice(std::string_view text, SyslogPrefix& out) {
  out = text == "always"  ? SyslogPrefix::always
        : text == "never" ? SyslogPrefix::never
                          : SyslogPrefix::automatic;
}
void from_choice(std::string_view text, LogLevel& out) {
  for (auto level :
       {LogLevel::error, LogLevel::warning, LogLevel::notice, LogLevel::info, LogLevel::debug}) {
    if (to_string(level) == text) {
      out = level;
    }
  }
}

// Stores a checked value into `(config.*Section).*Field`; choices become enums.
template <auto Section, auto Field>
void assign(RelayConfig& config, const SettingValue& value) {
  auto& field = (config.*Section).*Field;
  using T = std::remove_cvref_t<decltype(field)>;
  if constexpr (std::is_enum_v<T>) {
    from_choice(std::get<std::string>(value), field);
  } else {
    field = std::get<T>(value);
  }
}

using K = SettingKind;
using C = RelayConfig;

// clang-format off
constexpr std::array kSettings = {
  SettingSpec{"sip.listen", "--sip-listen", K::address_list, "0.0.0.0:5060",
    "UDP addresses the SIP proxy listens on (comma-separated on the command line)", false,
    0, 0, "", &assign<&C::sip, &SipSettings::listen>},
  SettingSpec{"sip.domain", "--sip-domain", K::text, "localhost",
    "SIP domain this proxy is responsible for (the host part of its users' AORs)", false,
    0, 0, "", &assign<&C::sip, &SipSettings::domain>},
  SettingSpec{"sip.realm", "--sip-realm", K::text, "",
    "digest authentication realm; empty means the domain", false,
    0, 0, "", &assign<&C::sip, &SipSettings::realm>},
  SettingSpec{"sip.peers", "--sip-peers", K::text, "",
    "other proxies sharing the directory, id=host:port comma-separated: calls to users bound "
    "there are forwarded to them, and their requests need no authentication here", false,
    0, 0, "", &assign<&C::sip, &SipSettings::peers>},
  SettingSpec{"sip.digest_sha256", "--sip-digest-sha256", K::boolean, "true",
    "challenge with SHA-256 (RFC 8760) as well as MD5; turn it off for user agents that give "
    "up on a challenge whose algorithm they do not know (baresip 1.0 with libre 1.1)", false,
    0, 0, "", &assign<&C::sip, &SipSettings::digest_sha256>},
  SettingSpec{"sip.flow_timer", "--sip-flow-timer", K::integer, "25",
    "seconds between client keepalives, sent as Flow-Timer (RFC 5626)", false,
    5, 3600, "", &assign<&C::sip, &SipSettings::flow_timer_s>},
  SettingSpec{"sip.min_expires", "--sip-min-expires", K::integer, "60",
    "shortest registration accepted, seconds (shorter gets 423 Interval Too Brief)", false,
    1, 86400, "", &assign<&C::sip, &SipSettings::min_expires_s>},
  SettingSpec{"sip.max_expires", "--sip-max-expires", K::integer, "3600",
    "longest registration granted, seconds", false,
    1, 604800, "", &assign<&C::sip, &SipSettings::max_expires_s>},
  SettingSpec{"sip.default_expires", "--sip-default-expires", K::integer, "600",
    "registration lifetime when the REGISTER asks for none, seconds", false,
    1, 604800, "", &assign<&C::sip, &SipSettings::default_expires_s>},

  SettingSpec{"sip.advertised_address", "--sip-advertised-address", K::text, "",
    "host[:port] the proxy writes into Via, Record-Route and Contact; empty means each "
    "listen address (set it when listening on a wildcard or behind a NAT)", false,
    0, 0, "", &assign<&C::sip, &SipSettings::advertised_address>},
  SettingSpec{"sip.echo_user", "--sip-echo-user", K::text, "echo",
    "user part of the built-in echo test number (sip:echo@domain); empty disables it", false,
    0, 0, "", &assign<&C::sip, &SipSettings::echo_user>},
  SettingSpec{"sip.callback_user", "--sip-callback-user", K::text, "callback",
    "user part of the built-in call-me-back test number; empty disables it", false,
    0, 0, "", &assign<&C::sip, &SipSettings::callback_user>},
  SettingSpec{"sip.callback_delay", "--sip-callback-delay", K::integer, "5",
    "seconds the call-me-back number waits after hanging up before calling back", false,
    1, 600, "", &assign<&C::sip, &SipSettings::callback_delay_s>},
  SettingSpec{"sip.callback_answers", "--sip-callback-answers", K::boolean, "false",
    "the call-me-back number answers (with an echo), hangs up after 3 s, then calls back; "
    "false: it rings, refuses with 486, then calls back", false,
    0, 0, "", &assign<&C::sip, &SipSettings::callback_answers>},

  SettingSpec{"sip.poll_window", "--sip-poll-window", K::integer, "2",
    "seconds a callee's flow may stay silent (not even 100 Trying) before its INVITE is held "
    "for the callee's next keepalive or REGISTER (the poll); 0 turns the poll off", false,
    0, 30, "", &assign<&C::sip, &SipSettings::poll_window_s>},

  SettingSpec{"store.backend", "--store-backend", K::choice, "sqlite",
    "where users and bindings live: sqlite (one file) or redis (shared by proxies)", false,
    0, 0, "sqlite|redis", &assign<&C::store, &StoreSettings::backend>},
  SettingSpec{"store.sqlite_path", "--store-sqlite-path", K::text, "tipring-relay.sqlite",
    "SQLite database file", false,
    0, 0, "", &assign<&C::store, &StoreSettings::sqlite_path>},
  SettingSpec{"store.redis_address", "--store-redis-address", K::address, "127.0.0.1:6379",
    "Redis server", false,
    0, 0, "", &assign<&C::store, &StoreSettings::redis_address>},
  SettingSpec{"store.redis_prefix", "--store-redis-prefix", K::text, "tipring:",
    "prefix of every Redis key this relay writes", false,
    0, 0, "", &assign<&C::store, &StoreSettings::redis_prefix>},
  SettingSpec{"store.proxy_id", "--store-proxy-id", K::text, "",
    "this proxy's name in the shared directory (owner of its bindings); empty: host name",
    false, 0, 0, "", &assign<&C::store, &StoreSettings::proxy_id>},

  SettingSpec{"media.bind_address", "--media-bind-address", K::ip_address, "127.0.0.1",
    "address the media relay's ports are bound to (a real address, not the wildcard)", false,
    0, 0, "", &assign<&C::media, &MediaSettings::bind_address>},
  SettingSpec{"media.advertised_address", "--media-advertised-address", K::optional_ip, "",
    "address written into SDP for relay channels; empty: the bind address", false,
    0, 0, "", &assign<&C::media, &MediaSettings::advertised_address>},
  SettingSpec{"media.port_min", "--media-port-min", K::integer, "20000",
    "lowest relay port", false,
    1024, 65535, "", &assign<&C::media, &MediaSettings::port_min>},
  SettingSpec{"media.port_max", "--media-port-max", K::integer, "29999",
    "highest relay port", false,
    1024, 65535, "", &assign<&C::media, &MediaSettings::port_max>},
  SettingSpec{"media.workers", "--media-workers", K::integer, "1",
    "forwarding threads", false,
    1, 64, "", &assign<&C::media, &MediaSettings::workers>},
  SettingSpec{"media.data_path", "--media-data-path", K::choice, "sockets",
    "how datagrams reach the workers: sockets (one UDP socket per leg, unprivileged) or "
    "steered (Linux, IPv4, root or CAP_BPF+CAP_NET_ADMIN+CAP_NET_RAW: an eBPF sk_lookup "
    "program steers every relay port to one socket per worker; no socket per call)", false,
    0, 0, "sockets|steered", &assign<&C::media, &MediaSettings::data_path>},
  SettingSpec{"media.probation_packets", "--media-probation-packets", K::integer, "3",
    "consecutive packets of one SSRC needed before a leg latches", false,
    1, 64, "", &assign<&C::media, &MediaSettings::probation_packets>},
  SettingSpec{"media.media_handover", "--media-handover", K::boolean, "false",
    "allow a locked leg to move to a new port of the same IP (rate-limited)", false,
    0, 0, "", &assign<&C::media, &MediaSettings::media_handover>},
  SettingSpec{"media.idle_timeout", "--media-idle-timeout", K::duration, "60s",
    "release a call whose media stopped for this long", false,
    1, 86400, "", &assign<&C::media, &MediaSettings::idle_timeout>},
  SettingSpec{"media.held_timeout", "--media-held-timeout", K::duration, "1h",
    "the same for a call on hold", false,
    1, 604800, "", &assign<&C::media, &MediaSettings::held_timeout>},
  SettingSpec{"media.quarantine", "--media-quarantine", K::duration, "30s",
    "a released port is not reused for this long", false,
    0, 3600, "", &assign<&C::media, &MediaSettings::quarantine>},
  SettingSpec{"media.learning_window", "--media-learning-window", K::duration, "3s",
    "after signalling, how long a leg may learn its source address", false,
    1, 600, "", &assign<&C::media, &MediaSettings::learning_window>},
  SettingSpec{"media.busy_poll_us", "--media-busy-poll-us", K::integer, "50",
    "a forwarding worker keeps polling this many microseconds after a datagram before it "
    "sleeps, sparing a wake-up per packet under load; 0: always sleep", false,
    0, 10000, "", &assign<&C::media, &MediaSettings::busy_poll_us>},
  SettingSpec{"media.ng_listen", "--media-ng-listen", K::optional_address, "",
    "UDP address of the rtpengine-compatible ng control socket; empty: off", false,
    0, 0, "", &assign<&C::media, &MediaSettings::ng_listen>},
  SettingSpec{"media.ng_relays", "--media-ng-relays", K::text, "",
    "ng control addresses (host:port, comma-separated) of remote media relays (tipring-relay "
    "or rtpengine) the proxy steers calls through instead of its own relay; empty: its own",
    false, 0, 0, "", &assign<&C::media, &MediaSettings::ng_relays>},

  SettingSpec{"http.metrics_listen", "--http-metrics-listen", K::address, "127.0.0.1:9090",
    "TCP address serving /metrics (Prometheus) and /health", false,
    0, 0, "", &assign<&C::http, &HttpSettings::metrics_listen>},

  SettingSpec{"limits.register_rate", "--limits-register-rate", K::number, "8",
    "REGISTER requests per second allowed from one source IP", true,
    0.01, 100000, "", &assign<&C::limits, &LimitSettings::register_rate>},
  SettingSpec{"limits.register_burst", "--limits-register-burst", K::integer, "16",
    "REGISTER requests one source IP may send at once", true,
    1, 100000, "", &assign<&C::limits, &LimitSettings::register_burst>},
  SettingSpec{"limits.invite_rate", "--limits-invite-rate", K::number, "4",
    "INVITE requests per second allowed from one source IP", true,
    0.01, 100000, "", &assign<&C::limits, &LimitSettings::invite_rate>},
  SettingSpec{"limits.invite_burst", "--limits-invite-burst", K::integer, "8",
    "INVITE requests one source IP may send at once", true,
    1, 100000, "", &assign<&C::limits, &LimitSettings::invite_burst>},
  SettingSpec{"limits.tracked_sources", "--limits-tracked-sources", K::integer, "65536",
    "source IPs each rate limiter remembers (least recently seen forgotten first)", false,
    16, 10000000, "", &assign<&C::limits, &LimitSettings::tracked_sources>},
  SettingSpec{"limits.max_message_size", "--limits-max-message-size", K::integer, "16384",
    "largest SIP message accepted, bytes", false,
    1024, 65535, "", &assign<&C::limits, &LimitSettings::max_message_size>},
  SettingSpec{"limits.max_transactions", "--limits-max-transactions", K::integer, "100000",
    "open SIP transactions at most; beyond it new requests get 503", false,
    100, 10000000, "", &assign<&C::limits, &LimitSettings::max_transactions>},

  SettingSpec{"log.level", "--log-level", K::choice, "info",
    "least severe level written", true,
    0, 0, "error|warning|notice|info|debug", &assign<&C::log, &LogSettings::level>},
  SettingSpec{"log.format", "--log-format", K::choice, "text",
    "text (key=value) or json (one object per line)", true,
    0, 0, "text|json", &assign<&C::log, &LogSettings::format>},
  SettingSpec{"log.syslog_prefix", "--log-syslog-prefix", K::choice, "auto",
    "<N> priority prefixes: auto (when stderr is the journal), always or never", false,
    0, 0, "auto|always|never", &assign<&C::log, &LogSettings::syslog_prefix>},
};
// clang-format on

bool is_choice(std::string_view choices, std::string_view text) {
  while (!choices.empty()) {
    const auto bar = choices.find('|');
    if (choices.substr(0, bar) == text) {
      return true;
    }
    if (bar == std::string_view::npos) {
      break;
    }
    choices.remove_prefix(bar + 1);
  }
  return false;
}

std::string describe_number(double value) {
  std::array<char, 32> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%g", value);
  return buffer.data();
}

bool is_numeric_ip(const std::string& text) {
  std::array<unsigned char, sizeof(in6_addr)> scratch{};
  return inet_pton(AF_INET, text.c_str(), scratch.data()) == 1 ||
         inet_pton(AF_INET6, text.c_str(), scratch.data()) == 1;
}

Result<Duration> parse_duration(std::string_view text) {
  std::int64_t amount = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, amount);
  if (ec != std::errc() || amount < 0) {
    return fail(kRule, "'" + std::string(text) + "' is not a duration such as 250ms, 30s, 5m, 1h");
  }
  const std::string_view unit(ptr, static_cast<std::size_t>(end - ptr));
  using std::chrono::hours, std::chrono::minutes, std::chrono::seconds, std::chrono::milliseconds;
  if (unit.empty() || unit == "s") {
    return Duration(seconds(amount));
  }
  if (unit == "ms") {
    return Duration(milliseconds(amount));
  }
  if (unit == "m") {
    return Duration(minutes(amount));
  }
  if (unit == "h") {
    return Duration(hours(amount));
  }
  return fail(kRule, "unit '" + std::string(unit) + "' is not one of ms, s, m, h");
}

Result<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return fail(kRule, "'" + std::string(text) + "' is not an integer");
  }
  return value;
}

Result<double> parse_number(std::string_view text) {
  double value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value)) {
    return fail(kRule, "'" + std::string(text) + "' is not a number");
  }
  return value;
}

Result<std::vector<SocketAddress>> parse_address_list(std::string_view text) {
  std::vector<SocketAddress> out;
  if (text.empty()) {
    return fail(kRule, "needs at least one address");
  }
  while (true) {
    const auto comma = text.find(',');
    auto address = SocketAddress::parse(text.substr(0, comma));
    if (!address) {
      return tl::unexpected(address.error());
    }
    out.push_back(*address);
    if (comma == std::string_view::npos) {
      return out;
    }
    text.remove_prefix(comma + 1);
  }
}

Result<void> check_range(const SettingSpec& spec, double value, std::string_view unit) {
  if (value < spec.min || value > spec.max) {
    return fail(kRule, describe_number(value) + std::string(unit) + " is outside " +
                           describe_number(spec.min) + ".." + describe_number(spec.max) +
                           std::string(unit));
  }
  return {};
}

}  // namespace

std::span<const SettingSpec> setting_table() {
  return kSettings;
}

const SettingSpec* find_setting_by_key(std::string_view key) {
  for (const auto& spec : kSettings) {
    if (spec.key == key) {
      return &spec;
    }
  }
  return nullptr;
}

const SettingSpec* find_setting_by_flag(std::string_view flag) {
  for (const auto& spec : kSettings) {
    if (spec.flag == flag) {
      return &spec;
    }
  }
  return nullptr;
}

Result<SettingValue> parse_setting_text(const SettingSpec& spec, std::string_view text) {
  Result<SettingValue> value = fail(kRule, "unhandled kind");
  switch (spec.kind) {
    case K::boolean:
      if (text != "true" && text != "false") {
        return fail(kRule, "'" + std::string(text) + "' is not true or false");
      }
      value = SettingValue(text == "true");
      break;
    case K::integer:
      value = parse_integer(text).map([](std::int64_t v) { return SettingValue(v); });
      break;
    case K::number:
      value = parse_number(text).map([](double v) { return SettingValue(v); });
      break;
    case K::text:
    case K::choice:
    case K::ip_address:
    case K::optional_ip:
      value = SettingValue(std::string(text));
      break;
    case K::address:
      value = SocketAddress::parse(text).map([](SocketAddress a) { return SettingValue(a); });
      break;
    case K::optional_address:
      if (text.empty()) {
        value = SettingValue(std::optional<SocketAddress>());
      } else {
        value = SocketAddress::parse(text).map(
            [](SocketAddress a) { return SettingValue(std::optional<SocketAddress>(a)); });
      }
      break;
    case K::address_list:
      value = parse_address_list(text).map(
          [](std::vector<SocketAddress> list) { return SettingValue(std::move(list)); });
      break;
    case K::duration:
      value = parse_duration(text).map([](Duration d) { return SettingValue(d); });
      break;
  }
  if (!value) {
    return value;
  }
  if (auto checked = check_setting_value(spec, *value); !checked) {
    return tl::unexpected(checked.error());
  }
  return value;
}

Result<void> check_setting_value(const SettingSpec& spec, const SettingValue& value) {
  switch (spec.kind) {
    case K::integer:
      return check_range(spec, static_cast<double>(std::get<std::int64_t>(value)), "");
    case K::number:
      return check_range(spec, std::get<double>(value), "");
    case K::duration: {
      const auto micros = std::get<Duration>(value).count();
      return check_range(spec, static_cast<double>(micros) / 1e6, "s");
    }
    case K::choice: {
      const auto& text = std::get<std::string>(value);
      if (!is_choice(spec.choices, text)) {
        return fail(kRule, "'" + text + "' is not one of " + std::string(spec.choices));
      }
      return {};
    }
    case K::ip_address:
    case K::optional_ip: {
      const auto& text = std::get<std::string>(value);
      if ((spec.kind == K::optional_ip && text.empty()) || is_numeric_ip(text)) {
        return {};
      }
      return fail(kRule, "'" + text + "' is not a numeric IPv4 or IPv6 address");
    }
    case K::address_list:
      if (std::get<std::vector<SocketAddress>>(value).empty()) {
        return fail(kRule, "needs at least one address");
      }
      return {};
    case K::boolean:
    case K::text:
    case K::address:
    case K::optional_address:
      return {};
  }
  return {};
}

std::string format_setting_value(const SettingValue& value) {
  struct Formatter {
    std::string operator()(bool v) const { return v ? "true" : "false"; }
    std::string operator()(std::int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const { return describe_number(v); }
    std::string operator()(const std::string& v) const { return v; }
    std::string operator()(const SocketAddress& v) const { return v.to_string(); }
    std::string operator()(const std::optional<SocketAddress>& v) const {
      return v ? v->to_string() : "";
    }
    std::string operator()(const std::vector<SocketAddress>& list) const {
      std::string out;
      for (const auto& address : list) {
        out += out.empty() ? "" : ",";
        out += address.to_string();
      }
      return out;
    }
    std::string operator()(Duration d) const {
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
      return ms % 1000 == 0 ? std::to_string(ms / 1000) + "s" : std::to_string(ms) + "ms";
    }
  };
  return std::visit(Formatter{}, value);
}

std::string_view kind_name(SettingKind kind) {
  switch (kind) {
    case K::boolean:
      return "true|false";
    case K::integer:
      return "integer";
    case K::number:
      return "number";
    case K::text:
      return "text";
    case K::choice:
      return "choice";
    case K::ip_address:
    case K::optional_ip:
      return "IP";
    case K::address:
    case K::optional_address:
      return "IP:port";
    case K::address_list:
      return "IP:port[,IP:port...]";
    case K::duration:
      return "duration";
  }
  return "value";
}

std::string settings_help() {
  std::string out =
      "usage: tipring-relay [--config FILE] [--check-config] [SETTING FLAGS...]\n"
      "       tipring-relay user add|passwd|del|list [--config FILE] [USER] [--realm REALM]\n"
      "\n"
      "Every setting can be given in the TOML file (as [table] key) or as a flag, which\n"
      "overrides the file. Settings marked (live) change on SIGHUP without a restart.\n"
      "Durations: an integer number of seconds, or a string such as \"250ms\", \"30s\", \"5m\".\n";
  std::string_view section;
  for (const auto& spec : kSettings) {
    const auto table = spec.key.substr(0, spec.key.find('.'));
    if (table != section) {
      section = table;
      out += "\n[" + std::string(section) + "]\n";
    }
    out += "  " + std::string(spec.flag) + " ";
    out += spec.kind == K::choice ? std::string(spec.choices) : std::string(kind_name(spec.kind));
    out += "\n      " + std::string(spec.help);
    if (spec.kind == K::integer || spec.kind == K::number || spec.kind == K::duration) {
      out += " [" + describe_number(spec.min) + ".." + describe_number(spec.max) + "]";
    }
    out += "\n      key " + std::string(spec.key) + ", default \"" +
           std::string(spec.default_text) + "\"" + (spec.live ? " (live)" : "") + "\n";
  }
  return out;
}

}  // namespace tipring::relay
