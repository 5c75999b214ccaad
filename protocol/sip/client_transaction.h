// ClientTransaction: the INVITE and non-INVITE client transactions of RFC 3261 §17.1, with
// the RFC 6026 Accepted state (2xx retransmissions go to the TU until Timer M). It sends and
// retransmits the request (Timers A/E), gives up at Timer B/F, ACKs non-2xx finals itself
// (§17.1.1.3) and absorbs their retransmissions (Timers D/K).
#pragma once

#include "protocol/sip/transaction.h"

#include <cstdint>

namespace tipring::sip {

class ClientTransaction {
public:
  enum class State : std::uint8_t { calling, trying, proceeding, accepted, completed, terminated };

  // Sends `request` to `peer` and starts the timers. `request` carries a Via with an
  // RFC 3261 branch; the TransactionLayer checks that.
  ClientTransaction(TransactionId id, Message request, Peer peer, const TransactionTimers& timers,
                    TimePoint now, TransactionOutput& out);

  void on_response(Message response, const Peer& from, TimePoint now, TransactionOutput& out);
  void on_timer(TimePoint now, TransactionOutput& out);
  void on_transport_error(TransactionOutput& out);

  // The earliest time on_timer() has work; TimePoint::max() if none.
  [[nodiscard]] TimePoint next_deadline() const;
  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] bool is_invite() const { return invite_; }
  [[nodiscard]] TransactionId id() const { return id_; }
  [[nodiscard]] const Message& request() const { return request_; }
  [[nodiscard]] const Peer& peer() const { return peer_; }
  // True once a provisional response arrived: a CANCEL may now be sent (§9.1).
  [[nodiscard]] bool has_provisional() const { return provisional_seen_; }

private:
  void on_invite_response(Message response, const Peer& from, TimePoint now,
                          TransactionOutput& out);
  void on_non_invite_response(Message response, const Peer& from, TimePoint now,
                              TransactionOutput& out);
  void send(std::string_view bytes, TransactionOutput& out) const;
  void deliver(TransactionEventKind kind, std::optional<Message> message, const Peer& from,
               TransactionOutput& out) const;
  // Enters a state that ends after `wait`; a zero wait ends it at once (reliable transports).
  void enter_final_state(State state, Duration wait, TimePoint now, TransactionOutput& out);
  void terminate(TransactionOutput& out);

  TransactionId id_;
  Message request_;
  std::string request_bytes_;
  std::string ack_bytes_;  // the ACK for a non-2xx final, resent on its retransmissions
  Peer peer_;
  TransactionTimers timers_;
  bool invite_;
  bool provisional_seen_ = false;
  State state_;
  Duration retransmit_interval_{0};
  TimePoint retransmit_at_ = TimePoint::max();  // Timer A or E
  TimePoint timeout_at_ = TimePoint::max();     // Timer B, F, D, K or M, by state
};

// The ACK a client INVITE transaction sends for a non-2xx final response (§17.1.1.3):
// Request-URI, Call-ID, From, top Via and Route of the INVITE, To of the response,
// CSeq number of the INVITE with method ACK.
[[nodiscard]] Message make_ack_for_non_2xx(const Message& invite, const Message& response);

}  // namespace tipring::sip
