// MediaRelay: the CCM media relay of tipring-relay. Allocates one relay port per call leg,
// learns each client's address from its media under the latching rule (latch.h, DESIGN.md
// §1, RFC 7362), and forwards between the legs on N worker threads. Controlled in-process
// by the bundled proxy (offer/answer/release below) and over UDP by the ng protocol.
#pragma once

#include "protocol/core/error.h"
#include "protocol/core/random.h"
#include "protocol/core/time.h"
#include "relay_server/media/counters.h"
#include "relay_server/media/endpoint.h"
#include "relay_server/media/latch.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tipring::relay {

// CLOCK_MONOTONIC: the time line of the relay's latch and idle decisions (expire_idle).
TimePoint monotonic_now();

// How datagrams reach the forwarding workers.
enum class MediaDataPath : std::uint8_t {
  // One UDP socket per leg (two per leg without rtcp-mux), polled by its worker. Portable
  // and unprivileged.
  sockets,
  // No socket per leg (Linux, IPv4, CAP_BPF + CAP_NET_ADMIN + CAP_NET_RAW): an eBPF
  // sk_lookup program steers the relay's ports to one socket per worker, which reads a
  // batch across all legs per system call, and a raw socket sends with each leg's port as
  // the source. Cheaper per datagram and ~3 KiB less kernel memory per call
  // (docs/performance.md, "Media relay").
  steered,
};
std::string_view media_data_path_name(MediaDataPath path);

struct MediaRelayConfig {
  std::string bind_address = "127.0.0.1";  // media sockets bind here (never the wildcard)
  std::string advertised_address;          // written into SDP; empty = bind_address
  // Below Linux's default ephemeral ports (32768-60999), which outgoing sockets take.
  std::uint16_t port_min = 20000, port_max = 29999;
  unsigned workers = 0;  // 0 = number of cores
  MediaDataPath data_path = MediaDataPath::sockets;
  // While datagrams keep arriving less than this apart, a worker polls without sleeping for
  // this long after each (0: always sleep). A sleeping worker costs every datagram a
  // wake-up, most of its relaying cost at high rates (docs/performance.md, "Media relay").
  std::chrono::microseconds busy_poll{50};
  unsigned probation_packets = 3;
  bool media_handover = false;
  std::chrono::seconds idle_timeout{60}, held_timeout{3600}, quarantine{30}, learning_window{3};
  std::string ng_listen;  // "127.0.0.1:2223"; empty = ng control off
  // Runs first on each worker thread (tests tag the thread for the allocation counter).
  std::function<void()> on_worker_start;
};

// What signalling says about one party's media: from its SDP and its SIP source.
struct MediaParty {
  Endpoint advertised;                     // SDP c= address and m= port; unset if absent
  std::uint16_t advertised_rtcp_port = 0;  // a=rtcp (RFC 3605); 0 means m= port + 1
  IpAddress signalling_source;             // where the SIP request or response came from
  bool rtcp_mux = true;                    // the SDP offers/accepts a=rtcp-mux (RFC 5761)
  bool held = false;                       // sendonly/inactive: the held timeout applies
  bool media_handover = false;             // allow handover on this leg (ng flag media-handover)
  // At an offer: whether to offer rtcp-mux to the other party; unset = as the offerer does.
  std::optional<bool> offer_peer_rtcp_mux;
};

// The address to write into the SDP sent to a party: it sends to and receives from here.
struct RelayChannel {
  std::string address;  // advertised_address (or bind_address)
  std::uint16_t rtp_port = 0;
  std::uint16_t rtcp_port = 0;  // rtp_port + 1: where RTCP goes if rtcp-mux is not used
  bool rtcp_mux = true;         // offer (or accept) a=rtcp-mux
};

enum class ReleaseReason : std::uint8_t { deleted, idle_timeout, held_timeout, shutdown };
std::string_view release_reason_name(ReleaseReason reason);

struct LegSummary {
  std::uint16_t relay_port = 0;
  bool learned = false;
  Endpoint learned_source;  // where the client's media came from
  Endpoint target;          // where the relay sent this client's media
  TrafficTotals traffic;    // datagrams from this client, and what became of them
};

// Final (or current) statistics of one session.
struct SessionSummary {
  std::string call_id;
  std::string from_tag;
  std::string to_tag;
  ReleaseReason reason = ReleaseReason::deleted;
  std::array<LegSummary, 2> legs;  // [0] the offerer's leg, [1] the answerer's
};

class ForwardingWorker;
class NgServer;
class PortPool;
class PortSteering;
struct Session;
struct Leg;

class MediaRelay {
public:
  explicit MediaRelay(MediaRelayConfig config);
  ~MediaRelay();
  MediaRelay(const MediaRelay&) = delete;
  MediaRelay& operator=(const MediaRelay&) = delete;

  Result<void> start();
  void stop();

  // The offerer (from_tag; or to_tag on a re-INVITE from the callee) describes its media.
  // Creates the session on first use; returns the channel to write into the SDP sent to
  // the other party.
  Result<RelayChannel> offer(std::string_view call_id, std::string_view from_tag,
                             std::string_view to_tag, const MediaParty& offerer);
  // The answerer describes its media; publishes both legs (learning may start). Returns
  // the channel to write into the SDP sent back to the offerer.
  Result<RelayChannel> answer(std::string_view call_id, std::string_view from_tag,
                              std::string_view to_tag, const MediaParty& answerer);
  // Releases the session(s) of `call_id` (only the one with `from_tag` when given).
  std::vector<SessionSummary> release(std::string_view call_id, std::string_view from_tag = {});
  std::optional<SessionSummary> query(std::string_view call_id,
                                      std::string_view from_tag = {}) const;
  std::vector<std::string> list_call_ids() const;

  // Told about every session released by a timeout (or shutdown); called on the relay's
  // housekeeping thread, outside its locks.
  void on_session_released(std::function<void(const SessionSummary&)> listener);
  // Releases sessions idle (or held) past their timeout as of `now`. The housekeeping
  // thread calls this every second; tests call it with a chosen time.
  void expire_idle(TimePoint now);

  void write_metrics(std::string& out) const;  // Prometheus text format

  [[nodiscard]] std::size_t session_count() const;
  // The address written into SDP (advertised_address, or bind_address).
  [[nodiscard]] const std::string& advertised_address() const { return advertised_; }
  // The ng control's UDP port once started (useful with ng_listen "127.0.0.1:0"); 0 if off.
  [[nodiscard]] std::uint16_t ng_port() const;
  [[nodiscard]] const MediaRelayConfig& config() const { return config_; }

private:
  Result<RelayChannel> signal(std::string_view call_id, std::string_view from_tag,
                              std::string_view to_tag, const MediaParty& party, bool is_answer);
  Session* find(std::string_view call_id, std::string_view tag, int& party);
  Result<Session*> create_session(std::string_view call_id, std::string_view from_tag);
  Result<void> open_channel(Leg& leg);
  Result<void> open_rtcp_channel(Leg& leg);
  Result<void> start_steering();
  // Steered data path: the BPF map follows the watched channels; no-ops on the socket path.
  Result<void> steer(Leg& leg, unsigned worker);
  void unsteer(Leg& leg);
  void close_channels(Leg& leg, TimePoint now);
  RelayChannel channel_of(const Leg& leg) const;
  SessionSummary summarize(const Session& session, ReleaseReason reason) const;
  SessionSummary remove(std::multimap<std::string, std::unique_ptr<Session>>::iterator it,
                        ReleaseReason reason);
  void housekeeping_loop();

  MediaRelayConfig config_;
  LatchPolicy policy_;
  Endpoint bind_endpoint_;
  std::string advertised_;

  mutable std::mutex mutex_;
  std::unique_ptr<RandomSource> random_;
  std::unique_ptr<PortPool> ports_;
  std::vector<std::unique_ptr<ForwardingWorker>> workers_;
  std::unique_ptr<PortSteering> steering_;  // the steered data path's sk_lookup program
  std::multimap<std::string, std::unique_ptr<Session>> sessions_;  // by Call-ID
  unsigned next_worker_ = 0;
  std::function<void(const SessionSummary&)> listener_;
  std::array<std::uint64_t, 4> released_by_reason_{};
  std::uint64_t sessions_created_ = 0;

  struct Housekeeping;
  std::unique_ptr<Housekeeping> housekeeping_;
  std::unique_ptr<NgServer> ng_;
  bool started_ = false;
};

}  // namespace tipring::relay
