#include "relay_server/app/relay_app.h"

#include "protocol/core/hex.h"
#include "relay_server/app/directory_backend.h"
#include "relay_server/app/ng_media_legs.h"

#include <fstream>
#include <random>

#include <signal.h>

namespace tipring::relay {
namespace {

std::string join_addresses(const std::vector<SocketAddress>& addresses) {
  std::string out;
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    out += i == 0 ? "" : ",";
    out += addresses[i].to_string();
  }
  return out;
}

// How often bindings are purged and the registrations gauge refreshed.
constexpr Duration kDirectoryHousekeeping = std::chrono::seconds(30);
// How long the registrations gauge may lag a REGISTER.
constexpr Duration kGaugeRefresh = std::chrono::milliseconds(100);
// The proxy's timers fire on this grid.
constexpr Duration kTimerGrain = std::chrono::milliseconds(4);

}  // namespace

Result<std::unique_ptr<RelayApp>> RelayApp::start(LoadedConfig config, ConfigOrigin origin,
                                                  Logger& log) {
  auto loop = EventLoop::create();
  if (!loop) {
    return tl::unexpected(loop.error());
  }
  std::unique_ptr<RelayApp> app(
      new RelayApp(std::move(*loop), std::move(config), std::move(origin), log));
  if (auto r = app->open_parts(); !r) {
    return tl::unexpected(r.error());
  }
  return app;
}

RelayApp::RelayApp(EventLoop loop, LoadedConfig config, ConfigOrigin origin, Logger& log)
    : loop_(std::move(loop)),
      config_(std::move(config)),
      origin_(std::move(origin)),
      log_(log),
      metrics_(registry_),
      flood_guard_(config_.config.limits, metrics_) {}

RelayApp::~RelayApp() = default;

Result<void> RelayApp::open_parts() {
  const RelayConfig& c = config_.config;
  // Signals first: threads started later (media workers) inherit the blocked mask.
  for (int number : {SIGTERM, SIGINT}) {
    if (auto r = loop_.on_signal(number, [this](int n) { begin_shutdown(n); }); !r) {
      return r;
    }
  }
  if (auto r = loop_.on_signal(SIGHUP, [this](int) { reload(); }); !r) {
    return r;
  }
  // A store write past the file-size limit (ulimit -f) must be what a full disk is: an
  // error SQLite reports and the registrar answers 500 to, not a signal that kills every
  // call in progress.
  (void)::signal(SIGXFSZ, SIG_IGN);
  metrics_.start_time_seconds.set(static_cast<double>(unix_now().time_since_epoch().count()));
  proxy_id_ = effective_proxy_id(c.store);

  auto directory = open_directory(c.store);
  if (!directory) {
    return tl::unexpected(directory.error());
  }
  directory_ = std::move(*directory);
  refresh_directory_gauges();
  loop_.add_periodic(kDirectoryHousekeeping, [this] { refresh_directory_gauges(); });

  if (auto r = start_media_relay(); !r) {
    return r;
  }

  auto sip = SipIngress::open(
      loop_, c.sip.listen, static_cast<std::size_t>(c.limits.max_message_size), metrics_,
      [this](const SipDatagram& d) { on_sip_datagram(d); }, [this] { end_sip_batch(); });
  if (!sip) {
    return tl::unexpected(sip.error());
  }
  sip_ = std::move(*sip);
  if (auto r = start_proxy(); !r) {
    return r;
  }

  auto http = HttpServer::start(loop_, c.http.metrics_listen,
                                [this](const HttpRequest& request) { return serve_http(request); });
  if (!http) {
    return tl::unexpected(http.error());
  }
  http_ = std::move(*http);

  std::vector<SocketAddress> sip_bound;
  for (std::size_t i = 0; i < sip_->socket_count(); ++i) {
    sip_bound.push_back(sip_->socket(i).local_address());
  }
  log_.notice("tipring-relay ready", {{"sip", join_addresses(sip_bound)},
                                      {"http", http_->local_address().to_string()},
                                      {"store", c.store.backend == StoreBackend::redis
                                                    ? "redis " + c.store.redis_address.to_string()
                                                    : "sqlite " + c.store.sqlite_path},
                                      {"proxy_id", proxy_id_},
                                      {"domain", c.sip.domain},
                                      {"sip_proxy", "attached"}});
  return {};
}

MediaRelayConfig to_media_relay_config(const MediaSettings& media) {
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  MediaRelayConfig out;
  out.bind_address = media.bind_address;
  out.advertised_address = media.advertised_address;
  out.port_min = static_cast<std::uint16_t>(media.port_min);
  out.port_max = static_cast<std::uint16_t>(media.port_max);
  out.workers = static_cast<unsigned>(media.workers);
  out.data_path = media.data_path == MediaPathSetting::steered ? MediaDataPath::steered
                                                               : MediaDataPath::sockets;
  out.probation_packets = static_cast<unsigned>(media.probation_packets);
  out.media_handover = media.media_handover;
  out.idle_timeout = duration_cast<seconds>(media.idle_timeout);
  out.held_timeout = duration_cast<seconds>(media.held_timeout);
  out.quarantine = duration_cast<seconds>(media.quarantine);
  out.learning_window = duration_cast<seconds>(media.learning_window);
  out.busy_poll = std::chrono::microseconds(media.busy_poll_us);
  out.ng_listen = media.ng_listen ? media.ng_listen->to_string() : "";
  return out;
}

// Ports the kernel hands out to outgoing sockets (connect() without bind()) can collide
// with the relay's media ports: such a port is skipped when a leg is opened, but an operator
// should know the range is shared.
void RelayApp::warn_if_ports_overlap_ephemeral_range(const MediaSettings& media) {
  std::ifstream file("/proc/sys/net/ipv4/ip_local_port_range");
  std::int64_t low = 0;
  std::int64_t high = 0;
  if (!(file >> low >> high) || media.port_max < low || media.port_min > high) {
    return;
  }
  log_.warning(
      "media port range overlaps the kernel's ephemeral port range",
      {{"media_ports", std::to_string(media.port_min) + "-" + std::to_string(media.port_max)},
       {"ephemeral_ports", std::to_string(low) + "-" + std::to_string(high)},
       {"hint", "move media.port_min/port_max outside net.ipv4.ip_local_port_range"}});
}

// The media relay runs its own forwarding threads; they start after the signal mask is set
// (open_parts), so signals stay with the event loop. The proxy will drive it in-process
// through media_->offer()/answer()/release(); the ng socket (media.ng_listen) serves remote
// proxies.
Result<void> RelayApp::start_media_relay() {
  media_ = std::make_unique<MediaRelay>(to_media_relay_config(config_.config.media));
  if (auto r = media_->start(); !r) {
    return r;
  }
  registry_.add_writer([this](std::string& out) { media_->write_metrics(out); });
  const auto& m = config_.config.media;
  warn_if_ports_overlap_ephemeral_range(m);
  log_.info("media relay started",
            {{"bind", m.bind_address},
             {"advertised", media_->advertised_address()},
             {"ports", std::to_string(m.port_min) + "-" + std::to_string(m.port_max)},
             {"workers", std::to_string(m.workers)},
             {"data_path", std::string(media_data_path_name(media_->config().data_path))},
             {"ng", media_->ng_port() != 0 ? std::to_string(media_->ng_port()) : "off"}});
  return {};
}

Result<std::unique_ptr<MediaLegs>> RelayApp::open_media_legs() {
  std::string_view text = config_.config.media.ng_relays;
  if (text.empty()) {
    return std::make_unique<InProcessMediaLegs>(*media_);
  }
  NgClientConfig ng;
  while (!text.empty()) {
    const auto comma = text.find(',');
    auto address = SocketAddress::parse(text.substr(0, comma));
    if (!address) {
      return fail("media.ng_relays", address.error().describe());
    }
    ng.relays.push_back(*address);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  auto legs = NgMediaLegs::open(std::move(ng));
  if (!legs) {
    return tl::unexpected(legs.error());
  }
  log_.info("media steered over ng", {{"relays", config_.config.media.ng_relays}});
  return std::unique_ptr<MediaLegs>(std::move(*legs));
}

// The HMAC key of digest nonces and Record-Route flow tokens lives in the store, under the
// proxy id: after a restart an in-dialog request's Route still opens, so a call established
// before the restart can be hung up through it. (Nonces also carry the DigestServer's boot
// generation: one from before the restart is answered stale, since the nonce-counts that
// stop replays were only in the old process's memory; clients retry without a prompt.)
// A store that cannot keep it stops the start (the relay would otherwise break every
// dialog on the next restart without saying so).
Result<std::vector<std::uint8_t>> RelayApp::keep_proxy_secret(std::random_device& device) {
  std::vector<std::uint8_t> candidate(32);
  for (auto& byte : candidate) {
    byte = static_cast<std::uint8_t>(device());
  }
  auto kept = directory_->keep_secret("hmac:" + proxy_id_, to_hex(candidate));
  if (!kept) {
    return tl::unexpected(kept.error());
  }
  std::vector<std::uint8_t> secret(kept->size() / 2);
  if (secret.size() < 16 || !from_hex(*kept, secret)) {
    return fail("store secret",
                "the stored secret hmac:" + proxy_id_ +
                    " is not at least 16 bytes of hex; delete it to make a new one");
  }
  return secret;
}

// The registrar/proxy core (sans-IO) gets each datagram; flood_guard_ decides admission of
// REGISTER/INVITE per source before any work is done for them.
Result<void> RelayApp::start_proxy() {
  const RelayConfig& c = config_.config;
  std::random_device device;
  random_ = std::make_unique<SeededRandom>((std::uint64_t{device()} << 32U) | device());
  auto secret = keep_proxy_secret(device);
  if (!secret) {
    return tl::unexpected(secret.error());
  }
  ProxyCoreConfig pc;
  pc.registrar.domain = c.sip.domain;
  pc.registrar.proxy_id = proxy_id_;
  pc.registrar.flow_timer_s = static_cast<std::uint32_t>(c.sip.flow_timer_s);
  pc.registrar.min_expires_s = static_cast<std::uint32_t>(c.sip.min_expires_s);
  pc.registrar.max_expires_s = static_cast<std::uint32_t>(c.sip.max_expires_s);
  pc.registrar.default_expires_s = static_cast<std::uint32_t>(c.sip.default_expires_s);
  pc.digest.realm = c.sip.effective_realm();
  // MD5 first: many deployed UAs (SIPp among them) answer only the first challenge and only
  // know MD5; RFC 8760 clients choose SHA-256 by strength whatever the order.
  pc.digest.algorithms = {sip::DigestAlgorithm::md5};
  if (c.sip.digest_sha256) {
    pc.digest.algorithms.push_back(sip::DigestAlgorithm::sha256);
  }
  pc.max_message_size = static_cast<std::size_t>(c.limits.max_message_size);
  pc.max_transactions = static_cast<std::size_t>(c.limits.max_transactions);
  pc.socket_names.clear();
  for (std::size_t i = 0; i < sip_->socket_count(); ++i) {
    pc.socket_names.push_back("udp:" + sip_->socket(i).local_address().to_string());
  }
  pc.router.advertised_address = c.sip.advertised_address;
  for (std::size_t i = 0; i < sip_->socket_count() && c.sip.advertised_address.empty(); ++i) {
    const auto ip = sip_->socket(i).local_address().ip_string();
    if (ip == "0.0.0.0" || ip == "::") {
      // Via and Record-Route would name the wildcard; peers could not answer or route back.
      log_.warning("SIP listens on a wildcard address without sip.advertised_address",
                   {{"listen", sip_->socket(i).local_address().to_string()}});
    }
  }
  pc.router.echo_user = c.sip.echo_user;
  pc.router.callback_user = c.sip.callback_user;
  pc.forking.poll_window = std::chrono::seconds(c.sip.poll_window_s);
  pc.callback.delay = std::chrono::seconds(c.sip.callback_delay_s);
  pc.callback.answer_first = c.sip.callback_answers;
  auto peers = PeerProxies::parse(c.sip.peers);
  if (!peers) {
    return tl::unexpected(peers.error());
  }
  peers_ = std::move(*peers);
  connect_peer_hooks(pc.router, peers_);
  // A peer proxy carries many users' requests from one address: not rate-limited as a source.
  auto admission = [this](AdmissionClass kind, const sip::Peer& from, TimePoint now) {
    return current_source_ == nullptr || peers_.is_peer(from.host, from.port) ||
           flood_guard_.admit(kind == AdmissionClass::invite ? RateLimitedMethod::invite
                                                             : RateLimitedMethod::register_request,
                              *current_source_, now);
  };
  proxy_ = std::make_unique<ProxyCore>(std::move(pc), *directory_, *random_, *secret, admission);
  auto legs = open_media_legs();
  if (!legs) {
    return tl::unexpected(legs.error());
  }
  media_legs_ = std::move(*legs);
  proxy_->attach_media(*media_legs_);
  LatchPolicy echo_policy;
  echo_policy.probation_packets = static_cast<unsigned>(c.media.probation_packets);
  echo_policy.learning_window = c.media.learning_window;
  echo_ = std::make_unique<EchoSockets>(loop_, c.media.bind_address, media_->advertised_address(),
                                        echo_policy);
  proxy_->attach_echo(*echo_);
  return {};
}

void RelayApp::on_sip_datagram(const SipDatagram& datagram) {
  const sip::Peer from{datagram.from.ip_string(), datagram.from.port(), sip::Transport::udp};
  current_source_ = &datagram.from;
  proxy_->begin_batch();  // until end_sip_batch, after this wake-up's last datagram
  proxy_->on_datagram(
      std::string_view(reinterpret_cast<const char*>(datagram.bytes.data()), datagram.bytes.size()),
      from, datagram.socket_index, {datagram.received_at, unix_now()});
  current_source_ = nullptr;
}

void RelayApp::end_sip_batch() {
  // Group commit: the bindings of every REGISTER in this wake-up's datagrams become durable
  // in one transaction, before any 200 for them leaves (flush_proxy sends). If the COMMIT
  // fails (an I/O error or a full disk: the write lock is already held), the transaction is
  // rolled back and those REGISTERs are answered 500 instead; flush_proxy logs it.
  proxy_->end_batch({EventLoop::now(), unix_now()});
  flush_proxy();
}

void RelayApp::flush_proxy() {
  // Once per failed batch, not per REGISTER: a failing disk under load would otherwise
  // write a line for each of dozens of requests per wake-up.
  while (auto failure = proxy_->poll_commit_failure()) {
    metrics_.store_errors.increment();
    log_.error("directory commit failed; the batch's REGISTERs were answered 500",
               {{"error", failure->error.describe()},
                {"refused", std::to_string(failure->requests_refused)}});
  }
  while (auto out = proxy_->poll_outgoing()) {
    auto to =
        SocketAddress::parse(out->peer.host.find(':') == std::string::npos
                                 ? out->peer.host + ":" + std::to_string(out->peer.port)
                                 : "[" + out->peer.host + "]:" + std::to_string(out->peer.port));
    if (!to || out->socket >= sip_->socket_count()) {
      continue;
    }
    (void)sip_->socket(out->socket)
        .send_to(std::as_bytes(std::span(out->bytes.data(), out->bytes.size())), *to);
  }
  const auto& now = proxy_->counters();
  auto& seen = proxy_counters_seen_;
  if (now.registrations_updated != seen.registrations_updated && gauge_timer_ == 0) {
    // At most one refresh (a purge and a count in the store) per kGaugeRefresh, however
    // many REGISTERs arrive: under load it cost a twentieth of each REGISTER. The first
    // after a quiet spell is immediate, a burst's last one comes kGaugeRefresh later.
    const auto due = last_gauge_refresh_ + kGaugeRefresh;
    if (EventLoop::now() >= due) {
      refresh_directory_gauges();
    } else {
      gauge_timer_ = loop_.add_timer(due, [this] {
        gauge_timer_ = 0;
        refresh_directory_gauges();
      });
    }
  }
  if (now.auth_failures > seen.auth_failures) {
    metrics_.auth_failures.increment(now.auth_failures - seen.auth_failures);
  }
  if (now.commit_failures > seen.commit_failures) {
    metrics_.store_commit_failures.increment(now.commit_failures - seen.commit_failures);
  }
  if (now.dropped > seen.dropped) {
    metrics_.datagrams_unhandled.increment(now.dropped - seen.dropped);
  }
  for (const auto& [code, count] : now.responses_sent) {
    const auto before = seen.responses_sent[code];
    if (count > before) {
      metrics_.responses(code).increment(count - before);
    }
  }
  seen = now;
  metrics_.transactions.set(static_cast<double>(proxy_->transaction_count()));

  // The proxy's timers are coalesced to a grid of kTimerGrain: a wake-up per grain at
  // most, not one per transaction timer (SIP timers are 500 ms and up).
  auto deadline = proxy_->next_deadline();
  if (deadline != TimePoint::max()) {
    const auto grains = (deadline.since_epoch + kTimerGrain - Duration{1}) / kTimerGrain;
    deadline = TimePoint{grains * kTimerGrain};
  }
  if (deadline != proxy_deadline_) {
    loop_.cancel(proxy_timer_);
    proxy_deadline_ = deadline;
    proxy_timer_ = deadline == TimePoint::max() ? 0 : loop_.add_timer(deadline, [this] {
      proxy_deadline_ = TimePoint::max();
      proxy_timer_ = 0;
      proxy_->on_timer({EventLoop::now(), unix_now()});
      flush_proxy();
    });
  }
}

void RelayApp::refresh_directory_gauges() {
  last_gauge_refresh_ = EventLoop::now();
  const auto now = unix_now();
  auto purged = directory_->purge_expired(now);
  auto live = directory_->count_bindings(now);
  store_healthy_ = purged.has_value() && live.has_value();
  if (!store_healthy_) {
    metrics_.store_errors.increment();
    log_.error("directory unavailable",
               {{"error", purged ? live.error().describe() : purged.error().describe()}});
    return;
  }
  metrics_.registrations.set(static_cast<double>(*live));
  if (*purged > 0) {
    log_.info("expired bindings purged", {{"count", std::to_string(*purged)}});
  }
}

HttpResponse RelayApp::serve_http(const HttpRequest& request) {
  const auto path = request.path();
  if (path == "/metrics") {
    return {200, "text/plain; version=0.0.4; charset=utf-8", registry_.render()};
  }
  if (path == "/health") {
    if (shutting_down_) {
      return {503, "text/plain; charset=utf-8", "shutting down\n"};
    }
    if (!store_healthy_) {
      return {503, "text/plain; charset=utf-8", "store unavailable\n"};
    }
    return {200, "text/plain; charset=utf-8", "ok\n"};
  }
  return {404, "text/plain; charset=utf-8", "not found; try /metrics or /health\n"};
}

void RelayApp::reload() {
  auto fresh = load_config(origin_.path, origin_.flags);
  if (!fresh) {
    metrics_.reloads_failed.increment();
    log_.error("reload rejected; keeping the running configuration",
               {{"error", fresh.error().describe()}});
    return;
  }
  const auto changes = diff_settings(config_, *fresh);
  for (const auto& change : changes) {
    if (change.live) {
      apply_live_setting(change);
      log_.notice("setting changed", {{"key", change.key},
                                      {"from", change.old_value},
                                      {"to", change.new_value},
                                      {"applied", "now"}});
    } else {
      log_.warning("setting changed", {{"key", change.key},
                                       {"from", change.old_value},
                                       {"to", change.new_value},
                                       {"applied", "after restart"}});
    }
  }
  flood_guard_.update_rates(config_.config.limits);
  log_.set_level(config_.config.log.level);
  log_.set_format(config_.config.log.format);
  // Users are read from the directory for each authentication, so a `user add` is seen at
  // once; the reload reports what the store holds.
  auto users = directory_->list_users();
  refresh_directory_gauges();
  metrics_.reloads_applied.increment();
  log_.notice("configuration reloaded",
              {{"changes", std::to_string(changes.size())},
               {"users", users ? std::to_string(users->size()) : users.error().describe()}});
}

void RelayApp::apply_live_setting(const SettingChange& change) {
  const auto* spec = find_setting_by_key(change.key);
  auto value = parse_setting_text(*spec, change.new_value);
  if (!value) {
    return;  // cannot happen: the text was produced by format_setting_value of a valid value
  }
  spec->apply(config_.config, *value);
  config_.values[change.key] = change.new_value;
}

void RelayApp::begin_shutdown(int signal_number) {
  if (shutting_down_) {
    return;
  }
  shutting_down_ = true;
  log_.notice("shutting down", {{"signal", signal_number == SIGINT ? "SIGINT" : "SIGTERM"}});
  // Stop taking new requests. When the proxy is attached, its open transactions finish
  // here (bounded by Timer F/H) before the loop stops; bindings stay in the store.
  sip_->stop_receiving();
  loop_.stop();
}

Result<void> RelayApp::run() {
  auto result = loop_.run();
  sip_.reset();
  if (media_) {
    media_->stop();  // releases every session (reason "shutdown") and joins its threads
  }
  http_.reset();
  log_.notice("tipring-relay stopped",
              {{"registrations_kept",
                std::to_string(static_cast<std::int64_t>(metrics_.registrations.value()))}});
  return result;
}

}  // namespace tipring::relay
