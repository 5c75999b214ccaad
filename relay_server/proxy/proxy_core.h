// ProxyCore: tipring-relay's SIP signalling brain, sans-IO. It parses datagrams (silence for
// garbage, 400 naming the failed rule for requests that parse far enough to answer),
// answers CRLF keepalives (RFC 5626 §4.4.1) and OPTIONS to the server, runs REGISTER through
// the Registrar over a TransactionLayer (RFC 3261 §17), and remembers which local socket
// each transaction belongs to so answers leave from the socket the request came in on.
#pragma once

#include "protocol/core/random.h"
#include "protocol/sip/digest_server.h"
#include "protocol/sip/transaction_layer.h"
#include "relay_server/proxy/registrar.h"

#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
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
  std::uint64_t rate_limited = 0;
  std::uint64_t malformed = 0;
  std::uint64_t dropped = 0;  // garbage, oversized, or over the transaction bound
  std::uint64_t keepalives = 0;
  std::map<int, std::uint64_t> responses_sent;  // by status code
};

class ProxyCore {
public:
  // Asked before REGISTER/INVITE work is done for a source; false refuses it.
  using Admission = std::function<bool(AdmissionClass, const sip::Peer&, TimePoint)>;

  ProxyCore(ProxyCoreConfig config, Directory& directory, RandomSource& random,
            std::span<const std::uint8_t> nonce_secret, Admission admission = {});

  void on_datagram(std::string_view bytes, const sip::Peer& from, std::size_t socket,
                   const Clock& clock);
  void on_timer(const Clock& clock);
  [[nodiscard]] TimePoint next_deadline() const { return layer_.next_deadline(); }
  [[nodiscard]] std::optional<Outgoing> poll_outgoing();

  [[nodiscard]] const ProxyCounters& counters() const { return counters_; }
  [[nodiscard]] std::size_t transaction_count() const {
    return layer_.client_count() + layer_.server_count();
  }

private:
  void on_request(sip::TransactionId server, const sip::Message& request, const sip::Peer& from,
                  const Clock& clock);
  void respond(sip::TransactionId server, const sip::Message& response, TimePoint now);
  // Answers without a transaction (parse failures the layer never saw).
  void respond_stateless(const sip::Message& response, const sip::Peer& to, std::size_t socket);
  bool admitted(const sip::Message& request, const sip::Peer& from, TimePoint now,
                std::size_t socket);
  void drain(const Clock& clock);
  [[nodiscard]] bool addressed_to_us(const sip::Message& request) const;

  ProxyCoreConfig config_;
  RandomSource& random_;
  sip::DigestServer digest_;
  Registrar registrar_;
  sip::TransactionLayer layer_;
  Admission admission_;
  std::unordered_map<sip::TransactionId, std::size_t> socket_of_;
  std::size_t current_socket_ = 0;  // the socket of the datagram being handled
  std::deque<Outgoing> outgoing_;
  ProxyCounters counters_;
};

}  // namespace tipring::relay
