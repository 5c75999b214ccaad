// RelayApp: one running tipring-relay. It owns the event loop, the directory, the SIP
// listen sockets, the metrics/health endpoint and the flood guard, and handles the
// process signals: SIGTERM/SIGINT shut down gracefully (bindings stay in the store),
// SIGHUP re-reads the configuration and applies what can change live.
//
// The media relay (relay_server/media) is started here and stopped on shutdown; the SIP
// proxy/registrar (relay_server/proxy) gets every SIP datagram at on_sip_datagram and
// steers each call's media through the in-process relay.
#pragma once

#include "relay_server/app/config_loader.h"
#include "relay_server/app/echo_sockets.h"
#include "relay_server/app/event_loop.h"
#include "relay_server/app/flood_guard.h"
#include "relay_server/app/http_server.h"
#include "relay_server/app/in_process_media.h"
#include "relay_server/app/log.h"
#include "relay_server/app/metrics.h"
#include "relay_server/app/peer_proxies.h"
#include "relay_server/app/relay_metrics.h"
#include "relay_server/app/sip_ingress.h"
#include "relay_server/media/media_relay.h"
#include "relay_server/proxy/proxy_core.h"
#include "relay_server/store/directory.h"

#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace tipring::relay {

// The [media] settings as the media relay's own configuration.
MediaRelayConfig to_media_relay_config(const MediaSettings& media);

struct ConfigOrigin {
  std::optional<std::string> path;  // re-read on SIGHUP
  std::vector<FlagSetting> flags;   // re-applied on SIGHUP, so flags keep winning
};

class RelayApp {
public:
  static Result<std::unique_ptr<RelayApp>> start(LoadedConfig config, ConfigOrigin origin,
                                                 Logger& log);
  RelayApp(const RelayApp&) = delete;
  RelayApp& operator=(const RelayApp&) = delete;
  ~RelayApp();

  // Runs until a shutdown signal, then returns after the graceful stop.
  Result<void> run();

  void reload();
  void begin_shutdown(int signal_number);

private:
  RelayApp(EventLoop loop, LoadedConfig config, ConfigOrigin origin, Logger& log);
  Result<void> open_parts();
  Result<void> start_media_relay();
  void warn_if_ports_overlap_ephemeral_range(const MediaSettings& media);
  void on_sip_datagram(const SipDatagram& datagram);
  void end_sip_batch();
  Result<void> start_proxy();
  // The in-process relay, or the remote relays of media.ng_relays.
  Result<std::unique_ptr<MediaLegs>> open_media_legs();
  Result<std::vector<std::uint8_t>> keep_proxy_secret(std::random_device& device);
  // Sends what the proxy core queued, re-arms its timer and copies its counters to metrics.
  void flush_proxy();
  void refresh_directory_gauges();
  HttpResponse serve_http(const HttpRequest& request);
  void apply_live_setting(const SettingChange& change);

  EventLoop loop_;
  LoadedConfig config_;
  ConfigOrigin origin_;
  Logger& log_;
  MetricsRegistry registry_;
  RelayMetrics metrics_;
  FloodGuard flood_guard_;
  std::unique_ptr<Directory> directory_;
  std::unique_ptr<MediaRelay> media_;
  std::unique_ptr<MediaLegs> media_legs_;  // outlives proxy_, which uses it
  std::unique_ptr<EchoSockets> echo_;      // the echo test number's media
  std::unique_ptr<SipIngress> sip_;
  std::unique_ptr<SeededRandom> random_;
  std::unique_ptr<ProxyCore> proxy_;
  TimerId proxy_timer_ = 0;
  TimerId gauge_timer_ = 0;  // a registrations gauge refresh is pending
  TimePoint last_gauge_refresh_{};
  TimePoint proxy_deadline_ = TimePoint::max();
  ProxyCounters proxy_counters_seen_;
  const SocketAddress* current_source_ = nullptr;  // of the datagram being handled
  std::unique_ptr<HttpServer> http_;
  std::string proxy_id_;
  PeerProxies peers_;  // the other proxies over a shared directory (sip.peers)
  bool store_healthy_ = true;
  bool shutting_down_ = false;
};

}  // namespace tipring::relay
