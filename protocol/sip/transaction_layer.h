// TransactionLayer: the table of client and server transactions of one SIP endpoint
// (RFC 3261 §17), matching each incoming message to its transaction (§17.1.3, §17.2.3),
// creating server transactions for new requests, handling CANCEL (§9.2) and driving all
// timers from one deadline. Sans-IO: feed on_message()/on_timer(), drain poll_datagram()
// and poll_event(), sleep until next_deadline().
#pragma once

#include "protocol/core/error.h"
#include "protocol/core/random.h"
#include "protocol/sip/client_transaction.h"
#include "protocol/sip/server_transaction.h"

#include <functional>
#include <queue>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace tipring::sip {

struct TransactionLayerConfig {
  TransactionTimers timers;
  // A user agent answers a matched CANCEL's INVITE with 487 itself (§9.2); a proxy turns
  // this off and cancels its own client transactions instead (§16.10).
  bool answer_cancelled_invite_with_487 = true;
};

class TransactionLayer {
public:
  // `random` makes To tags for 487 responses the layer sends on the TU's behalf.
  explicit TransactionLayer(RandomSource& random, TransactionLayerConfig config = {});

  // Starts a client transaction for `request` (not ACK), whose top Via must carry an
  // RFC 3261 branch unique to it.
  Result<TransactionId> send_request(Message request, Peer to, TimePoint now);
  // Sends a response through server transaction `server`.
  Result<void> send_response(TransactionId server, const Message& response, TimePoint now);
  // Cancels INVITE client transaction `invite` (§9.1): the CANCEL goes out once a provisional
  // response has arrived, and never after a final one. Returns the CANCEL's transaction id
  // when it was sent right away, 0 when it is pending.
  Result<TransactionId> cancel(TransactionId invite, TimePoint now);
  // Sends a message outside any transaction: the ACK for a 2xx (§13.2.2.4), or a stateless
  // proxy's forwarded response.
  void send_without_transaction(const Message& message, const Peer& to);

  // A parsed message from the transport. A request the layer cannot accept (no RFC 3261
  // branch, §17.2.3 — RFC 2543 peers are not supported) is answered 400 and reported here.
  Result<void> on_message(Message message, const Peer& from, TimePoint now);
  void on_timer(TimePoint now);
  // The transport could not send a datagram of `transaction`.
  void on_transport_error(TransactionId transaction);

  [[nodiscard]] TimePoint next_deadline() const;
  [[nodiscard]] std::optional<Datagram> poll_datagram();
  [[nodiscard]] std::optional<TransactionEvent> poll_event();

  [[nodiscard]] const ClientTransaction* client(TransactionId id) const;
  [[nodiscard]] const ServerTransaction* server(TransactionId id) const;
  [[nodiscard]] std::size_t client_count() const { return clients_.size(); }
  [[nodiscard]] std::size_t server_count() const { return servers_.size(); }

private:
  struct Scheduled {
    TimePoint at;
    TransactionId id;
    friend bool operator>(const Scheduled& a, const Scheduled& b) { return a.at > b.at; }
  };

  void on_request(Message request, const Peer& from, TimePoint now);
  void on_response(Message response, const Peer& from, TimePoint now);
  void on_cancel(Message cancel, const Peer& from, TimePoint now);
  void send_pending_cancel(TransactionId invite, TimePoint now);
  // Moves the output of the last step to the queues, reschedules `id` and drops it if it
  // terminated.
  void settle(TransactionId id);
  void schedule(TransactionId id, TimePoint at);
  void prune_schedule();
  TimePoint deadline_of(TransactionId id) const;

  RandomSource& random_;
  TransactionLayerConfig config_;
  TransactionId next_id_ = 1;
  std::unordered_map<TransactionId, ClientTransaction> clients_;
  std::unordered_map<TransactionId, ServerTransaction> servers_;
  // §17.1.3: branch + CSeq method. §17.2.3: branch + sent-by + method (ACK as INVITE).
  std::unordered_map<std::string, TransactionId> client_keys_;
  std::unordered_map<std::string, TransactionId> server_keys_;
  std::unordered_map<TransactionId, std::string> keys_by_id_;
  std::unordered_set<TransactionId> pending_cancels_;  // INVITEs waiting for a provisional
  std::priority_queue<Scheduled, std::vector<Scheduled>, std::greater<>> schedule_;
  std::unordered_map<TransactionId, TimePoint> scheduled_at_;
  TransactionOutput step_;
  std::deque<Datagram> datagrams_;
  std::deque<TransactionEvent> events_;
};

// §9.1: the CANCEL for `invite`: same Request-URI, Call-ID, From, To, CSeq number, top Via
// and Route, method CANCEL.
[[nodiscard]] Message make_cancel(const Message& invite);

}  // namespace tipring::sip
