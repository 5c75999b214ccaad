// ProxyCore: tipring-relay's SIP signalling brain, sans-IO. It parses datagrams (silence for
// garbage, 400 naming the failed rule for requests that parse far enough to answer),
// answers CRLF keepalives (RFC 5626 §4.4.1) and OPTIONS to the server, runs REGISTER through
// the Registrar over a TransactionLayer (RFC 3261 §17), proxies every other request
// statefully (RFC 3261 §16: RequestRouter decides, ForkingProxy forks and chooses), and
// remembers which local socket each transaction belongs to so answers leave from the
// socket the request came in on and requests for a client leave over its flow.
#pragma once

#include "protocol/core/random.h"
#include "protocol/sip/digest_server.h"
#include "protocol/sip/transaction_layer.h"
#include "relay_server/proxy/callback_service.h"
#include "relay_server/proxy/echo_service.h"
#include "relay_server/proxy/forking_proxy.h"
#include "relay_server/proxy/media_steering.h"
#include "relay_server/proxy/registrar.h"
#include "relay_server/proxy/request_authenticator.h"
#include "relay_server/proxy/request_router.h"

#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace tipring::relay {

struct ProxyCoreConfig {
  RegistrarConfig registrar;
  sip::DigestServerConfig digest;
  std::size_t max_message_size = 65535;
  std::size_t max_transactions = 100000;
  // 503 with this Retry-After for rate-limited requests; 0 drops them silently.
  std::uint32_t rate_limited_retry_after_s = 5;
  // Id of each local socket (e.g. its listen address), indexed like the sockets.
  std::vector<std::string> socket_names = {"udp:0"};
  sip::TransactionTimers timers;
  ForkingConfig forking;
  // Routing hooks and test numbers (domain, proxy id and sockets are filled in from above).
  RouterConfig router;
  EchoServiceConfig echo;
  CallbackConfig callback;
};

// A datagram for the transport: which local socket to send it from, and where to.
struct Outgoing {
  std::size_t socket = 0;
  sip::Peer peer;
  std::string bytes;
};

enum class AdmissionClass : std::uint8_t { register_request, invite };

// Counters the app exports as metrics; the core only adds to them.
struct ProxyCounters {
  std::uint64_t registrations_updated = 0;
  std::uint64_t auth_failures = 0;
  std::uint64_t auth_challenges = 0;  // 407s sent for requests from local users
  std::uint64_t rate_limited = 0;
  std::uint64_t malformed = 0;
  std::uint64_t dropped = 0;  // garbage, oversized, or over the transaction bound
  std::uint64_t keepalives = 0;
  std::uint64_t commit_failures = 0;  // batches whose COMMIT failed: their 200s became 500s
  std::map<int, std::uint64_t> responses_sent;  // by status code
};

// A batch whose COMMIT failed, for the one log line it deserves.
struct CommitFailure {
  Error error;                       // the store's own words (SQLite's error text)
  std::size_t requests_refused = 0;  // answers turned from 200 into 500
};

class ProxyCore final : private ProxyOutput {
public:
  // Asked before REGISTER/INVITE work is done for a source; false refuses it.
  using Admission = std::function<bool(AdmissionClass, const sip::Peer&, TimePoint)>;

  ProxyCore(ProxyCoreConfig config, Directory& directory, RandomSource& random,
            std::span<const std::uint8_t> nonce_secret, Admission admission = {});

  // A datagram fed outside begin_batch/end_batch is a batch of its own.
  void on_datagram(std::string_view bytes, const sip::Peer& from, std::size_t socket,
                   const Clock& clock);
  // Group commit (Directory::begin_batch): the store writes of every datagram fed until
  // end_batch share one transaction, and the answers that depend on them (REGISTER 200s)
  // wait for its COMMIT. If the COMMIT fails they become 500 with Retry-After, nothing of
  // the batch is stored, and a CommitFailure is queued. Routing reads bindings only after
  // committing what the batch wrote so far, so no request follows a binding that is not
  // on disk.
  void begin_batch();
  void end_batch(const Clock& clock);
  [[nodiscard]] std::optional<CommitFailure> poll_commit_failure();
  void on_timer(const Clock& clock);
  // Steers the media of every call through `legs` from now on (DESIGN.md call setup 2, 5).
  void attach_media(MediaLegs& legs) { media_.emplace(legs); }
  // Answers the echo test number with media from `echo` (RoutingAction::echo).
  // The echo and call-me-back test numbers answer with media from `echo`.
  void attach_echo(EchoMedia& echo);
  [[nodiscard]] TimePoint next_deadline() const;
  [[nodiscard]] std::optional<Outgoing> poll_outgoing();

  [[nodiscard]] const ProxyCounters& counters() const { return counters_; }
  [[nodiscard]] std::size_t transaction_count() const {
    return layer_.client_count() + layer_.server_count();
  }
  [[nodiscard]] std::size_t proxy_context_count() const { return forking_.context_count(); }
  // INVITEs held for the poll (their callee's flow did not answer).
  [[nodiscard]] std::size_t held_invite_count() const { return forking_.held_count(); }

private:
  // A REGISTER's 200, held until the transaction holding its bindings commits.
  struct AwaitingCommit {
    sip::TransactionId server;
    sip::Message response;
    std::string aor;
    FlowAddress flow;  // for the poll (held INVITEs), once the binding is stored
  };

  void handle_datagram(std::string_view bytes, const sip::Peer& from, std::size_t socket,
                       const Clock& clock);
  // Commits the open batch's writes and answers the REGISTERs waiting for it; the batch
  // stays open for what follows. The caller drains.
  void commit_batch(const Clock& clock);
  void on_request(sip::TransactionId server, const sip::Message& request, const sip::Peer& from,
                  const Clock& clock);
  void respond(sip::TransactionId server, const sip::Message& response, TimePoint now);
  // Answers without a transaction (parse failures the layer never saw).
  void respond_stateless(const sip::Message& response, const sip::Peer& to, std::size_t socket);
  static void stamp_source(sip::Message& request, const sip::Peer& from);
  bool admitted(const sip::Message& request, const sip::Peer& from, TimePoint now,
                std::size_t socket);
  void drain(const Clock& clock);
  void on_event(sip::TransactionEvent event, const Clock& clock);
  void proxy_request(sip::TransactionId server, const sip::Message& request,
                     const FlowAddress& source, const Clock& clock);
  void forward_stateless(const sip::Message& request, const sip::Peer& from);
  [[nodiscard]] bool from_peer(const sip::Peer& peer) const;
  // Steers the request's media; false (and the request answered 488) when it cannot be.
  bool steer_request(sip::TransactionId server, const sip::Message& request,
                     RoutingDecision& decision, const FlowAddress& source, TimePoint now);
  void answer_test_number(sip::TransactionId server, const sip::Message& request,
                          const FlowAddress& source, const RoutingDecision& decision,
                          TimePoint now);

  // ProxyOutput, for the forking contexts.
  Result<sip::TransactionId> forward_request(sip::Message request, std::string_view branch,
                                             const FlowAddress& to, TimePoint now) override;
  void forward_response(sip::TransactionId server, sip::Message response, TimePoint now) override;
  void cancel_branch(sip::TransactionId client, TimePoint now) override;
  void abandon_branch(sip::TransactionId client) override;
  ProxyTarget retarget(const ProxyTarget& target, const FlowAddress& flow,
                       const sip::Message& request) override;
  void send_stateless(sip::Message request, std::string_view branch,
                      const FlowAddress& to) override;
  [[nodiscard]] bool addressed_to_us(const sip::Message& request) const;

  ProxyCoreConfig config_;
  Directory& directory_;
  RandomSource& random_;
  sip::DigestServer digest_;
  RequestAuthenticator authenticator_;
  Registrar registrar_;
  RequestRouter router_;
  sip::TransactionLayer layer_;
  ForkingProxy forking_;
  std::optional<MediaSteering> media_;
  std::optional<EchoService> echo_;
  std::optional<CallbackService> callback_;
  std::string response_source_;  // IP of the response being forwarded
  Admission admission_;
  std::unordered_map<sip::TransactionId, std::size_t> socket_of_;
  // Server transactions whose media this proxy steers (RoutingDecision::steer_media).
  std::unordered_set<sip::TransactionId> steering_;
  std::size_t current_socket_ = 0;  // the socket of the datagram being handled
  std::deque<Outgoing> outgoing_;
  bool batch_open_ = false;
  std::vector<AwaitingCommit> awaiting_commit_;
  std::deque<CommitFailure> commit_failures_;
  ProxyCounters counters_;
};

}  // namespace tipring::relay
