// ServerTransaction: the INVITE and non-INVITE server transactions of RFC 3261 §17.2, with
// the RFC 6026 Accepted state for INVITE 2xx. It absorbs request retransmissions (resending
// the latest response), retransmits a non-2xx final INVITE response until the ACK arrives
// (Timers G/H), absorbs retransmitted ACKs (Timer I) and lingers for late retransmissions of
// non-INVITE requests (Timer J).
#pragma once

#include "protocol/core/error.h"
#include "protocol/sip/transaction.h"

#include <cstdint>

namespace tipring::sip {

class ServerTransaction {
public:
  enum class State : std::uint8_t {
    trying,
    proceeding,
    accepted,
    completed,
    confirmed,
    terminated
  };

  // Takes the request that created the transaction. An INVITE transaction answers
  // 100 Trying at once (§17.2.1), so the TU need not race the 200 ms rule.
  ServerTransaction(TransactionId id, Message request, Peer peer, const TransactionTimers& timers,
                    TimePoint now, TransactionOutput& out);

  // A retransmission of the request, or an ACK matching this INVITE transaction.
  void on_request(Message request, const Peer& from, TimePoint now, TransactionOutput& out);
  // A response from the TU. Fails if the state does not allow it (e.g. a second final).
  Result<void> send_response(const Message& response, TimePoint now, TransactionOutput& out);
  void on_timer(TimePoint now, TransactionOutput& out);
  void on_transport_error(TransactionOutput& out);

  [[nodiscard]] TimePoint next_deadline() const;
  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] bool is_invite() const { return invite_; }
  [[nodiscard]] TransactionId id() const { return id_; }
  [[nodiscard]] const Message& request() const { return request_; }
  [[nodiscard]] const Peer& peer() const { return peer_; }
  // The To tag of the latest response sent (empty before a tagged response): a 487 for a
  // CANCEL must reuse it.
  [[nodiscard]] const std::string& to_tag() const { return to_tag_; }

private:
  void send_latest(TransactionOutput& out) const;
  void enter_wait(State state, Duration wait, TimePoint now, TransactionOutput& out);
  void terminate(TransactionOutput& out);

  TransactionId id_;
  Message request_;
  Peer peer_;
  TransactionTimers timers_;
  bool invite_;
  State state_;
  std::string latest_response_;  // serialized, for retransmission
  std::string to_tag_;
  Duration retransmit_interval_{0};
  TimePoint retransmit_at_ = TimePoint::max();  // Timer G
  TimePoint timeout_at_ = TimePoint::max();     // Timer H, I, J or L, by state
};

}  // namespace tipring::sip
