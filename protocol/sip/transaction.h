// The vocabulary shared by SIP transactions (RFC 3261 §17): timer values, where a message
// goes, and what a transaction hands back to its caller. Transactions are sans-IO: the
// caller passes messages and the time in, and drains datagrams to send and events for the
// transaction user (TU) out, then sleeps until next_deadline().
#pragma once

#include "protocol/core/time.h"
#include "protocol/sip/message.h"

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

namespace tipring::sip {

// RFC 3261 §17.1.1.1 and Table 4. T1 is the RTT estimate, T2 the cap on non-INVITE
// retransmission intervals, T4 how long a message may linger in the network.
struct TransactionTimers {
  Duration t1 = std::chrono::milliseconds(500);
  Duration t2 = std::chrono::seconds(4);
  Duration t4 = std::chrono::seconds(5);
  // Timer D: how long a client INVITE transaction absorbs final-response retransmissions
  // on an unreliable transport ("at least 32 s").
  Duration timer_d = std::chrono::seconds(32);

  // Timers B, F, H, J, L and M: 64*T1.
  [[nodiscard]] Duration transaction_timeout() const { return 64 * t1; }
};

enum class Transport : std::uint8_t { udp, tcp, tls };

// On a reliable transport nothing is retransmitted and the wait timers D, I, J, K are zero.
[[nodiscard]] constexpr bool is_reliable(Transport transport) {
  return transport != Transport::udp;
}

// The other end of a message: where a request came from (so responses go back there, as
// RFC 3581 symmetric response asks) or where the TU decided a request goes (RFC 3263).
struct Peer {
  std::string host;  // IP literal, IPv6 without brackets
  std::uint16_t port = 0;
  Transport transport = Transport::udp;

  friend bool operator==(const Peer&, const Peer&) = default;
};

// Names a transaction in a TransactionLayer; 0 means "no transaction".
using TransactionId = std::uint64_t;

// A serialized message for the transport.
struct Datagram {
  Peer peer;
  std::string bytes;
  TransactionId transaction = 0;
};

enum class TransactionEventKind : std::uint8_t {
  request,          // a new request for the TU (server transaction `transaction`); answer it
  response,         // a response for the TU from client transaction `transaction`
  ack,              // an ACK for a 2xx (transaction 0) or one matching an Accepted INVITE
                    // server transaction: the dialog layer takes it
  cancelled,        // the INVITE server transaction `transaction` was cancelled (§9.2)
  stray_response,   // a response matching no client transaction (a proxy may forward it)
  timeout,          // Timer B/F (client: treat as 408) or H (server: ACK never came)
  transport_error,  // the caller reported a send failure (§17.1.4, §17.2.4)
  terminated,       // the transaction is gone; its id will not be used again
};

struct TransactionEvent {
  TransactionEventKind kind = TransactionEventKind::request;
  TransactionId transaction = 0;
  std::optional<Message> message;  // request, response, ACK or CANCEL, when there is one
  Peer peer;                       // where `message` came from
};

// What a transaction produced during one call; the layer drains it into its queues.
struct TransactionOutput {
  std::deque<Datagram> datagrams;
  std::deque<TransactionEvent> events;
};

}  // namespace tipring::sip
