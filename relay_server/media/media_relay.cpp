#include "relay_server/media/media_relay.h"

#include "protocol/core/random.h"
#include "relay_server/media/forwarding_worker.h"
#include "relay_server/media/ng_server.h"
#include "relay_server/media/port_pool.h"
#include "relay_server/media/session.h"
#ifdef __linux__
#include "relay_server/media/port_steering.h"
#endif

#include <algorithm>
#include <condition_variable>
#include <random>
#include <thread>

namespace tipring::relay {

#ifndef __linux__
class PortSteering {};  // the steered data path exists on Linux only
#endif

namespace {
constexpr int kBindAttempts = 16;

// The randomness behind port choice; seeded from the OS so ports cannot be predicted.
std::unique_ptr<RandomSource> os_seeded_random() {
  std::random_device device;
  const std::uint64_t seed = (std::uint64_t{device()} << 32) ^ device();
  return std::make_unique<SeededRandom>(seed);
}
}  // namespace

struct MediaRelay::Housekeeping {
  std::thread thread;
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
};

std::string_view media_data_path_name(MediaDataPath path) {
  return path == MediaDataPath::steered ? "steered" : "sockets";
}

std::string_view release_reason_name(ReleaseReason reason) {
  switch (reason) {
    case ReleaseReason::deleted:
      return "deleted";
    case ReleaseReason::idle_timeout:
      return "idle_timeout";
    case ReleaseReason::held_timeout:
      return "held_timeout";
    case ReleaseReason::shutdown:
      return "shutdown";
  }
  return "unknown";
}

MediaRelay::MediaRelay(MediaRelayConfig config)
    : config_(std::move(config)), random_(os_seeded_random()) {
  policy_.probation_packets = std::max(1u, config_.probation_packets);
  policy_.media_handover = config_.media_handover;
  policy_.learning_window = config_.learning_window;
}

MediaRelay::~MediaRelay() {
  stop();
}

Result<void> MediaRelay::start() {
  if (started_) {
    return {};
  }
  const auto bind_ip = IpAddress::parse(config_.bind_address);
  if (!bind_ip) {
    return fail("media relay bind_address", "'" + config_.bind_address + "' is not an IP address");
  }
  if (bind_ip->is_unspecified()) {
    return fail("media relay bind_address",
                "the wildcard address is refused: bind the media address itself");
  }
  if (config_.port_min == 0 || config_.port_max <= config_.port_min) {
    return fail("media relay port range", "port_min must be > 0 and below port_max");
  }
  bind_endpoint_ = Endpoint{*bind_ip, 0};
  advertised_ =
      config_.advertised_address.empty() ? config_.bind_address : config_.advertised_address;
  ports_ =
      std::make_unique<PortPool>(config_.port_min, config_.port_max, config_.quarantine, *random_);
  unsigned count = config_.workers != 0 ? config_.workers : std::thread::hardware_concurrency();
  count = std::max(1u, count);
  const bool steered = config_.data_path == MediaDataPath::steered;
  for (unsigned i = 0; i < count; ++i) {
    workers_.push_back(
        std::make_unique<ForwardingWorker>(i, policy_, config_.busy_poll, config_.on_worker_start));
    if (steered) {
      if (auto path =
              workers_.back()->use_steered_path(bind_endpoint_, config_.port_min, config_.port_max);
          !path) {
        workers_.clear();
        return path;
      }
    }
    if (auto started = workers_.back()->start(); !started) {
      workers_.clear();
      return started;
    }
  }
  if (steered) {
    if (auto attached = start_steering(); !attached) {
      workers_.clear();
      return attached;
    }
  }
  housekeeping_ = std::make_unique<Housekeeping>();
  housekeeping_->thread = std::thread([this] { housekeeping_loop(); });
  started_ = true;
  if (!config_.ng_listen.empty()) {
    auto listen = parse_host_port(config_.ng_listen);
    if (!listen) {
      stop();
      return fail("media relay ng_listen", "'" + config_.ng_listen + "' is not IP:port");
    }
    ng_ = std::make_unique<NgServer>(*this);
    if (auto opened = ng_->start(*listen); !opened) {
      stop();
      return opened;
    }
  }
  return {};
}

void MediaRelay::stop() {
  if (!started_) {
    return;
  }
  if (ng_) {
    ng_->stop();
    ng_.reset();
  }
  {
    std::lock_guard lock(housekeeping_->mutex);
    housekeeping_->stopping = true;
  }
  housekeeping_->wake.notify_all();
  housekeeping_->thread.join();
  std::vector<SessionSummary> ended;
  std::function<void(const SessionSummary&)> listener;
  {
    std::lock_guard lock(mutex_);
    while (!sessions_.empty()) {
      ended.push_back(remove(sessions_.begin(), ReleaseReason::shutdown));
    }
    listener = listener_;
  }
  for (auto& worker : workers_) {
    worker->stop();
  }
  steering_.reset();
  started_ = false;
  if (listener) {
    for (const auto& summary : ended) {
      listener(summary);
    }
  }
}

void MediaRelay::housekeeping_loop() {
  std::unique_lock lock(housekeeping_->mutex);
  while (!housekeeping_->stopping) {
    housekeeping_->wake.wait_for(lock, std::chrono::seconds(1));
    if (housekeeping_->stopping) {
      break;
    }
    lock.unlock();
    expire_idle(monotonic_now());
    lock.lock();
  }
}

void MediaRelay::on_session_released(std::function<void(const SessionSummary&)> listener) {
  std::lock_guard lock(mutex_);
  listener_ = std::move(listener);
}

Session* MediaRelay::find(std::string_view call_id, std::string_view tag, int& party) {
  auto [first, last] = sessions_.equal_range(std::string(call_id));
  for (auto it = first; it != last; ++it) {
    Session& s = *it->second;
    if (s.from_tag == tag) {
      party = 0;
      return &s;
    }
    if (!s.to_tag.empty() && s.to_tag == tag) {
      party = 1;
      return &s;
    }
  }
  return nullptr;
}

Result<void> MediaRelay::start_steering() {
#ifdef __linux__
  std::vector<int> sockets;
  sockets.reserve(workers_.size());
  for (const auto& worker : workers_) {
    sockets.push_back(worker->steered_socket());
  }
  auto attached =
      PortSteering::attach(bind_endpoint_.ip, config_.port_min, config_.port_max, sockets);
  if (!attached) {
    return tl::unexpected(attached.error());
  }
  steering_ = std::move(*attached);
  return {};
#else
  return fail("steered data path", "needs Linux");
#endif
}

Result<void> MediaRelay::steer(Leg& leg, unsigned worker) {
#ifdef __linux__
  if (steering_) {
    for (const Channel* channel : {&leg.rtp, &leg.rtcp}) {
      if (channel->watched) {
        if (auto steered = steering_->steer(channel->port, worker); !steered) {
          return steered;
        }
      }
    }
  }
#else
  (void)leg;
  (void)worker;
#endif
  return {};
}

void MediaRelay::unsteer(Leg& leg) {
#ifdef __linux__
  if (steering_) {
    for (const Channel* channel : {&leg.rtp, &leg.rtcp}) {
      if (channel->steered) {
        steering_->unsteer(channel->port);
      }
    }
  }
#else
  (void)leg;
#endif
}

void MediaRelay::close_channels(Leg& leg, TimePoint now) {
  for (Channel* channel : {&leg.rtp, &leg.rtcp}) {
    channel->socket.close();
    channel->steered = false;
  }
  ports_->give_back(leg.rtp.port, now);
  ports_->give_back(leg.rtcp.port, now);
}

Result<void> MediaRelay::open_channel(Leg& leg) {
  // Every leg reserves an even port and its successor, so RTCP can move to port+1 if the
  // answer declines rtcp-mux; the second socket is opened only then.
  for (int attempt = 0; attempt < kBindAttempts; ++attempt) {
    const auto port = ports_->take(true, monotonic_now());
    if (!port) {
      return fail("media relay port range", "no free port pair left");
    }
    auto socket = MediaSocket::bind(Endpoint{bind_endpoint_.ip, *port});
    // The RTCP port is bound only if the answer declines rtcp-mux, but another process (a
    // client's ephemeral port) may hold it already: probe it now, while the pair can still
    // be swapped for another one, rather than fail the call at the answer.
    const bool rtcp_port_free =
        socket &&
        MediaSocket::bind(Endpoint{bind_endpoint_.ip, static_cast<std::uint16_t>(*port + 1)})
            .has_value();
    if (socket && rtcp_port_free) {
      if (steering_) {
        // No socket per leg: the probe only kept a port another process holds from being
        // steered away from it; the worker's shared socket receives once it is watched.
        socket->close();
        leg.rtp.steered = true;
      } else {
        leg.rtp.socket = std::move(*socket);
      }
      leg.rtp.port = *port;
      leg.rtp.kind = PacketChannel::rtp;
      leg.rtp.leg = &leg;
      leg.rtcp.port = static_cast<std::uint16_t>(*port + 1);
      leg.rtcp.kind = PacketChannel::rtcp;
      leg.rtcp.leg = &leg;
      return {};
    }
    // Taken by another process: keep it out of circulation for a quarantine, try another.
    ports_->give_back(*port, monotonic_now());
    ports_->give_back(static_cast<std::uint16_t>(*port + 1), monotonic_now());
  }
  return fail("media relay bind", "no bindable port after several attempts");
}

Result<void> MediaRelay::open_rtcp_channel(Leg& leg) {
  if (leg.rtcp.is_open()) {
    return {};
  }
  if (steering_) {
    leg.rtcp.steered = true;
    return {};
  }
  auto socket = MediaSocket::bind(Endpoint{bind_endpoint_.ip, leg.rtcp.port});
  if (!socket) {
    return tl::unexpected(socket.error());
  }
  leg.rtcp.socket = std::move(*socket);
  return {};
}

Result<Session*> MediaRelay::create_session(std::string_view call_id, std::string_view from_tag) {
  auto session = std::make_unique<Session>();
  session->call_id = std::string(call_id);
  session->from_tag = std::string(from_tag);
  session->created = monotonic_now();
  session->worker = next_worker_++ % static_cast<unsigned>(workers_.size());
  for (Leg& leg : session->legs) {
    if (auto opened = open_channel(leg); !opened) {
      for (Leg& undo : session->legs) {
        if (undo.rtp.is_open()) {
          close_channels(undo, monotonic_now());
        }
      }
      return tl::unexpected(opened.error());
    }
    leg.last_activity_us.store(session->created.since_epoch.count());
  }
  session->legs[0].peer = &session->legs[1];
  session->legs[1].peer = &session->legs[0];
  ++sessions_created_;
  Session* raw = session.get();
  sessions_.emplace(session->call_id, std::move(session));
  return raw;
}

RelayChannel MediaRelay::channel_of(const Leg& leg) const {
  RelayChannel c;
  c.address = advertised_;
  c.rtp_port = leg.rtp.port;
  c.rtcp_mux = leg.rtcp_mux;
  c.rtcp_port = leg.rtcp.port;
  return c;
}

Result<RelayChannel> MediaRelay::offer(std::string_view call_id, std::string_view from_tag,
                                       std::string_view to_tag, const MediaParty& offerer) {
  return signal(call_id, from_tag, to_tag, offerer, false);
}

Result<RelayChannel> MediaRelay::answer(std::string_view call_id, std::string_view from_tag,
                                        std::string_view to_tag, const MediaParty& answerer) {
  return signal(call_id, from_tag, to_tag, answerer, true);
}

Result<RelayChannel> MediaRelay::signal(std::string_view call_id, std::string_view from_tag,
                                        std::string_view to_tag, const MediaParty& party,
                                        bool is_answer) {
  std::lock_guard lock(mutex_);
  if (!started_) {
    return fail("media relay", "not started");
  }
  if (call_id.empty() || from_tag.empty()) {
    return fail("media relay session key", "Call-ID and from-tag are required");
  }
  int offerer = 0;
  Session* session = find(call_id, from_tag, offerer);
  if (session == nullptr) {
    if (is_answer) {
      return fail("media relay answer", "no session for this Call-ID and from-tag");
    }
    auto created = create_session(call_id, from_tag);
    if (!created) {
      return tl::unexpected(created.error());
    }
    session = *created;
    offerer = 0;
  }
  if (is_answer && session->to_tag.empty()) {
    session->to_tag = std::string(to_tag);
  }
  // The party speaking: the offerer itself, or for an answer the other side.
  const int speaker = is_answer ? 1 - offerer : offerer;
  Leg& leg = session->legs[static_cast<std::size_t>(speaker)];
  Leg& other = session->legs[static_cast<std::size_t>(1 - speaker)];
  leg.held = party.held;
  leg.rtcp_mux = party.rtcp_mux;
  if (!is_answer && !session->answered) {
    // Until the other party answers, offer it what the offerer does (rtcp-mux or not).
    other.rtcp_mux = party.offer_peer_rtcp_mux.value_or(party.rtcp_mux);
  }
  for (Leg* l : {&leg, &other}) {
    if (!l->rtcp_mux) {
      if (auto opened = open_rtcp_channel(*l); !opened) {
        return tl::unexpected(opened.error());
      }
    }
  }
  if (is_answer) {
    session->answered = true;
  }
  LatchSignalling signalling;
  signalling.advertised = party.advertised;
  signalling.advertised_rtcp_port =
      party.advertised_rtcp_port != 0
          ? party.advertised_rtcp_port
          : static_cast<std::uint16_t>(party.advertised.port == 0 ? 0 : party.advertised.port + 1);
  signalling.signalling_source = party.signalling_source;
  signalling.rtcp_mux = party.rtcp_mux;
  signalling.published = session->answered;
  signalling.media_handover = party.media_handover;
  const TimePoint now = monotonic_now();
  ForwardingWorker& worker = *workers_[session->worker];
  worker.run([&] {
    update_signalling(leg.latch, signalling, now);
    if (session->answered && !other.latch.signalling.published) {
      LatchSignalling published = other.latch.signalling;
      published.published = true;
      update_signalling(other.latch, published, now);
    }
    for (Leg* l : {&leg, &other}) {
      worker.watch(l->rtp);
      worker.watch(l->rtcp);
    }
  });
  for (Leg* l : {&leg, &other}) {
    if (auto steered = steer(*l, session->worker); !steered) {
      return tl::unexpected(steered.error());
    }
  }
  return channel_of(other);
}

SessionSummary MediaRelay::summarize(const Session& session, ReleaseReason reason) const {
  SessionSummary s;
  s.call_id = session.call_id;
  s.from_tag = session.from_tag;
  s.to_tag = session.to_tag;
  s.reason = reason;
  for (std::size_t i = 0; i < 2; ++i) {
    const Leg& leg = session.legs[i];
    LegSummary& out = s.legs[i];
    out.relay_port = leg.rtp.port;
    out.learned = leg.latch.learned;
    out.learned_source = leg.latch.source;
    out.target = leg.latch.target;
    out.traffic.add(leg.traffic);
  }
  return s;
}

SessionSummary MediaRelay::remove(std::multimap<std::string, std::unique_ptr<Session>>::iterator it,
                                  ReleaseReason reason) {
  Session& session = *it->second;
  SessionSummary summary;
  ForwardingWorker& worker = *workers_[session.worker];
  for (Leg& leg : session.legs) {
    unsteer(leg);  // first, so no new datagram is queued for a channel about to go
  }
  worker.run([&] {
    for (Leg& leg : session.legs) {
      worker.unwatch(leg.rtp);
      worker.unwatch(leg.rtcp);
    }
    summary = summarize(session, reason);
  });
  const TimePoint now = monotonic_now();
  for (Leg& leg : session.legs) {
    close_channels(leg, now);
  }
  ++released_by_reason_[static_cast<std::size_t>(reason)];
  sessions_.erase(it);
  return summary;
}

std::vector<SessionSummary> MediaRelay::release(std::string_view call_id,
                                                std::string_view from_tag) {
  std::vector<SessionSummary> ended;
  std::lock_guard lock(mutex_);
  auto [first, last] = sessions_.equal_range(std::string(call_id));
  for (auto it = first; it != last;) {
    auto next = std::next(it);
    if (from_tag.empty() || it->second->from_tag == from_tag || it->second->to_tag == from_tag) {
      ended.push_back(remove(it, ReleaseReason::deleted));
    }
    it = next;
  }
  return ended;
}

std::optional<SessionSummary> MediaRelay::query(std::string_view call_id,
                                                std::string_view from_tag) const {
  std::lock_guard lock(mutex_);
  auto [first, last] = sessions_.equal_range(std::string(call_id));
  for (auto it = first; it != last; ++it) {
    const Session& session = *it->second;
    if (from_tag.empty() || session.from_tag == from_tag || session.to_tag == from_tag) {
      SessionSummary summary;
      workers_[session.worker]->run([&] { summary = summarize(session, ReleaseReason::deleted); });
      return summary;
    }
  }
  return std::nullopt;
}

std::vector<std::string> MediaRelay::list_call_ids() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> ids;
  for (auto it = sessions_.begin(); it != sessions_.end(); it = sessions_.upper_bound(it->first)) {
    ids.push_back(it->first);
  }
  return ids;
}

std::uint16_t MediaRelay::ng_port() const {
  return ng_ ? ng_->port() : 0;
}

std::size_t MediaRelay::session_count() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

void MediaRelay::expire_idle(TimePoint now) {
  std::vector<SessionSummary> ended;
  std::function<void(const SessionSummary&)> listener;
  {
    std::lock_guard lock(mutex_);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      auto next = std::next(it);
      const Session& s = *it->second;
      std::int64_t last_us = s.created.since_epoch.count();
      bool held = false;
      for (const Leg& leg : s.legs) {
        last_us = std::max(last_us, leg.last_activity_us.load(std::memory_order_relaxed));
        held = held || leg.held;
      }
      const Duration timeout =
          held ? Duration(config_.held_timeout) : Duration(config_.idle_timeout);
      if (now - TimePoint{Duration(last_us)} > timeout) {
        ended.push_back(
            remove(it, held ? ReleaseReason::held_timeout : ReleaseReason::idle_timeout));
      }
      it = next;
    }
    listener = listener_;
  }
  if (listener) {
    for (const auto& summary : ended) {
      listener(summary);
    }
  }
}

}  // namespace tipring::relay
