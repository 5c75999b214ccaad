// RelayConfig: every setting of tipring-relay as typed values, after the TOML file and the
// command-line flags have been read and checked (see settings.h for the one table that
// names, documents and validates each of them).
#pragma once

#include "protocol/core/time.h"
#include "relay_server/app/log.h"
#include "relay_server/app/socket_address.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tipring::relay {

enum class StoreBackend { sqlite, redis };
// media.data_path: one socket per leg, or the steered path (MediaDataPath in media_relay.h).
enum class MediaPathSetting { sockets, steered };

struct SipSettings {
  std::vector<SocketAddress> listen;
  std::string domain;
  std::string realm;  // empty: the domain
  // Other proxies over the same directory, "id=host:port,..." (PeerProxies::parse).
  std::string peers;
  // Offer a SHA-256 digest challenge besides the MD5 one (RFC 8760 §2.3).
  bool digest_sha256 = true;
  // RFC 5626 §4.4.1 Flow-Timer: how often a client must send a keepalive on its flow.
  std::int64_t flow_timer_s = 0;
  std::int64_t min_expires_s = 0;
  std::int64_t max_expires_s = 0;
  std::int64_t default_expires_s = 0;
  std::string advertised_address;  // host[:port] for Via/Record-Route/Contact; empty: listen
  std::string echo_user;           // the echo test number; empty: off
  std::string callback_user;       // the call-me-back test number; empty: off
  std::int64_t callback_delay_s = 0;
  bool callback_answers = false;   // answer, hang up, call back (else ring, 486, call back)
  std::int64_t poll_window_s = 0;  // 0: the poll is off

  [[nodiscard]] const std::string& effective_realm() const {
    return realm.empty() ? domain : realm;
  }
};

struct StoreSettings {
  StoreBackend backend = StoreBackend::sqlite;
  std::string sqlite_path;
  SocketAddress redis_address;
  std::string redis_prefix;
  std::string proxy_id;  // empty: the host name
};

// Maps onto the media relay's MediaRelayConfig.
struct MediaSettings {
  std::string bind_address;
  std::string advertised_address;  // empty: the bind address
  std::int64_t port_min = 0;
  std::int64_t port_max = 0;
  std::int64_t workers = 0;
  MediaPathSetting data_path = MediaPathSetting::sockets;
  std::int64_t probation_packets = 0;
  bool media_handover = false;
  Duration idle_timeout{0};
  Duration held_timeout{0};
  Duration quarantine{0};
  Duration learning_window{0};
  std::int64_t busy_poll_us = 0;
  std::optional<SocketAddress> ng_listen;  // nullopt: no ng control socket
  // "host:port,host:port": steer through these relays over ng; empty: the in-process relay.
  std::string ng_relays;
};

struct HttpSettings {
  SocketAddress metrics_listen;
};

struct LimitSettings {
  double register_rate = 0;  // per source IP, requests per second
  std::int64_t register_burst = 0;
  double invite_rate = 0;
  std::int64_t invite_burst = 0;
  std::int64_t tracked_sources = 0;  // capacity of each rate limiter's table
  std::int64_t max_message_size = 0;
  std::int64_t max_transactions = 0;
};

struct LogSettings {
  LogLevel level = LogLevel::info;
  LogFormat format = LogFormat::text;
  SyslogPrefix syslog_prefix = SyslogPrefix::automatic;
};

struct RelayConfig {
  SipSettings sip;
  StoreSettings store;
  MediaSettings media;
  HttpSettings http;
  LimitSettings limits;
  LogSettings log;
};

}  // namespace tipring::relay
