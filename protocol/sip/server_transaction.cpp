#include "protocol/sip/server_transaction.h"

#include <algorithm>
#include <utility>

namespace tipring::sip {
namespace {

constexpr std::string_view kRule = "RFC 3261 §17.2 server transaction";

}  // namespace

ServerTransaction::ServerTransaction(TransactionId id, Message request, Peer peer,
                                     const TransactionTimers& timers, TimePoint now,
                                     TransactionOutput& out)
    : id_(id),
      request_(std::move(request)),
      peer_(std::move(peer)),
      timers_(timers),
      invite_(request_.method() == Method::Invite),
      state_(invite_ ? State::proceeding : State::trying) {
  if (invite_) {
    (void)send_response(make_response(request_, 100), now, out);
  }
}

TimePoint ServerTransaction::next_deadline() const {
  return std::min(retransmit_at_, timeout_at_);
}

void ServerTransaction::send_latest(TransactionOutput& out) const {
  if (!latest_response_.empty()) {
    out.datagrams.push_back(Datagram{peer_, latest_response_, id_});
  }
}

void ServerTransaction::terminate(TransactionOutput& out) {
  state_ = State::terminated;
  retransmit_at_ = TimePoint::max();
  timeout_at_ = TimePoint::max();
  out.events.push_back(
      TransactionEvent{TransactionEventKind::terminated, id_, std::nullopt, peer_});
}

void ServerTransaction::enter_wait(State state, Duration wait, TimePoint now,
                                   TransactionOutput& out) {
  state_ = state;
  if (wait <= Duration::zero()) {
    terminate(out);
    return;
  }
  timeout_at_ = now + wait;
}

void ServerTransaction::on_request(Message request, const Peer& from, TimePoint now,
                                   TransactionOutput& out) {
  const bool ack = request.method() == Method::Ack;
  switch (state_) {
    case State::trying:
      return;  // §17.2.2: absorbed until the TU answers
    case State::proceeding:
      if (!ack) {
        send_latest(out);
      }
      return;
    case State::accepted:
      // RFC 6026 §7.1: request retransmissions are absorbed (the TU retransmits its 2xx);
      // an ACK with this transaction's branch goes to the TU.
      if (ack) {
        out.events.push_back(
            TransactionEvent{TransactionEventKind::ack, id_, std::move(request), from});
      }
      return;
    case State::completed:
      if (!ack) {
        send_latest(out);
      } else if (invite_) {
        retransmit_at_ = TimePoint::max();  // Timer G stops, Timer H is replaced by Timer I
        timeout_at_ = TimePoint::max();
        enter_wait(State::confirmed, is_reliable(peer_.transport) ? Duration::zero() : timers_.t4,
                   now, out);
      }
      return;
    case State::confirmed:
    case State::terminated:
      return;  // Confirmed absorbs further ACKs (§17.2.1)
  }
}

Result<void> ServerTransaction::send_response(const Message& response, TimePoint now,
                                              TransactionOutput& out) {
  const int code = response.status_code();
  const bool provisional = code < 200;
  const bool success = code >= 200 && code < 300;
  const bool allowed = state_ == State::trying || state_ == State::proceeding ||
                       (state_ == State::accepted && success);
  if (!allowed || code < 100 || code > 699) {
    return fail(kRule, "cannot send " + std::to_string(code) + " in this state");
  }
  if (!response.to_tag().empty()) {
    to_tag_ = std::string(response.to_tag());
  }
  latest_response_ = response.serialize();
  send_latest(out);
  if (provisional) {
    state_ = State::proceeding;
    return {};
  }
  if (!invite_) {
    // Timer J keeps the final response for request retransmissions (§17.2.2).
    enter_wait(State::completed,
               is_reliable(peer_.transport) ? Duration::zero() : timers_.transaction_timeout(), now,
               out);
    return {};
  }
  if (success) {
    if (state_ != State::accepted) {
      // RFC 6026 §7.1 Timer L: keep absorbing INVITE retransmissions and passing ACKs up.
      enter_wait(State::accepted, timers_.transaction_timeout(), now, out);
    }
    return {};
  }
  state_ = State::completed;
  if (!is_reliable(peer_.transport)) {
    retransmit_interval_ = timers_.t1;  // Timer G
    retransmit_at_ = now + retransmit_interval_;
  }
  timeout_at_ = now + timers_.transaction_timeout();  // Timer H
  return {};
}

void ServerTransaction::on_timer(TimePoint now, TransactionOutput& out) {
  if (state_ == State::terminated) {
    return;
  }
  if (timeout_at_ <= now) {
    if (state_ == State::completed && invite_) {
      // Timer H: the ACK never came (§17.2.1); the TU learns the dialog did not complete.
      out.events.push_back(
          TransactionEvent{TransactionEventKind::timeout, id_, std::nullopt, peer_});
    }
    terminate(out);
    return;
  }
  if (retransmit_at_ <= now) {
    send_latest(out);
    retransmit_interval_ = std::min(2 * retransmit_interval_, timers_.t2);
    retransmit_at_ = now + retransmit_interval_;
  }
}

void ServerTransaction::on_transport_error(TransactionOutput& out) {
  if (state_ == State::terminated) {
    return;
  }
  out.events.push_back(
      TransactionEvent{TransactionEventKind::transport_error, id_, std::nullopt, peer_});
  terminate(out);
}

}  // namespace tipring::sip
