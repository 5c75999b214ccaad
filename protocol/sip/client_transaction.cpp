#include "protocol/sip/client_transaction.h"

#include <algorithm>
#include <utility>

namespace tipring::sip {
namespace {

bool is_provisional(int code) {
  return code >= 100 && code < 200;
}
bool is_success(int code) {
  return code >= 200 && code < 300;
}

}  // namespace

Message make_ack_for_non_2xx(const Message& invite, const Message& response) {
  Message ack = Message::request(Method::Ack, invite.request_uri().value_or(Uri{}));
  if (auto via = invite.top_via()) {
    ack.add_header(HeaderId::Via, via->to_string());
  }
  ack.add_header(HeaderId::MaxForwards, "70");
  for (std::size_t i = 0; i < invite.header_count(); ++i) {
    const HeaderField field = invite.header(i);
    if (field.id == HeaderId::Route) {
      ack.add_header(HeaderId::Route, field.value);
    }
  }
  ack.add_header(HeaderId::From, invite.find(HeaderId::From).value_or(""));
  ack.add_header(HeaderId::To, response.find(HeaderId::To).value_or(""));
  ack.add_header(HeaderId::CallId, invite.call_id());
  ack.add_header(HeaderId::CSeq, std::to_string(invite.cseq_number()) + " ACK");
  ack.add_header(HeaderId::ContentLength, "0");
  return ack;
}

ClientTransaction::ClientTransaction(TransactionId id, Message request, Peer peer,
                                     const TransactionTimers& timers, TimePoint now,
                                     TransactionOutput& out)
    : id_(id),
      request_(std::move(request)),
      request_bytes_(request_.serialize()),
      peer_(std::move(peer)),
      timers_(timers),
      invite_(request_.method() == Method::Invite),
      state_(invite_ ? State::calling : State::trying) {
  send(request_bytes_, out);
  if (!is_reliable(peer_.transport)) {
    retransmit_interval_ = timers_.t1;
    retransmit_at_ = now + retransmit_interval_;
  }
  timeout_at_ = now + timers_.transaction_timeout();
}

TimePoint ClientTransaction::next_deadline() const {
  return std::min(retransmit_at_, timeout_at_);
}

void ClientTransaction::send(std::string_view bytes, TransactionOutput& out) const {
  out.datagrams.push_back(Datagram{peer_, std::string(bytes), id_});
}

void ClientTransaction::deliver(TransactionEventKind kind, std::optional<Message> message,
                                const Peer& from, TransactionOutput& out) const {
  out.events.push_back(TransactionEvent{kind, id_, std::move(message), from});
}

void ClientTransaction::terminate(TransactionOutput& out) {
  state_ = State::terminated;
  retransmit_at_ = TimePoint::max();
  timeout_at_ = TimePoint::max();
  deliver(TransactionEventKind::terminated, std::nullopt, peer_, out);
}

void ClientTransaction::enter_final_state(State state, Duration wait, TimePoint now,
                                          TransactionOutput& out) {
  state_ = state;
  retransmit_at_ = TimePoint::max();
  if (wait <= Duration::zero()) {
    terminate(out);
    return;
  }
  timeout_at_ = now + wait;
}

void ClientTransaction::on_response(Message response, const Peer& from, TimePoint now,
                                    TransactionOutput& out) {
  if (state_ == State::terminated) {
    return;
  }
  if (invite_) {
    on_invite_response(std::move(response), from, now, out);
  } else {
    on_non_invite_response(std::move(response), from, now, out);
  }
}

void ClientTransaction::on_invite_response(Message response, const Peer& from, TimePoint now,
                                           TransactionOutput& out) {
  const int code = response.status_code();
  switch (state_) {
    case State::calling:
    case State::proceeding:
      if (is_provisional(code)) {
        // Timer A stops; Timer B only guards Calling (§17.1.1.2): the TU now decides how
        // long to wait (e.g. a proxy's Timer C).
        state_ = State::proceeding;
        provisional_seen_ = true;
        retransmit_at_ = TimePoint::max();
        timeout_at_ = TimePoint::max();
        deliver(TransactionEventKind::response, std::move(response), from, out);
      } else if (is_success(code)) {
        // RFC 6026 §7.2: stay Accepted for Timer M so 2xx retransmissions reach the TU,
        // which ACKs each (the ACK for a 2xx belongs to the dialog, not this transaction).
        deliver(TransactionEventKind::response, std::move(response), from, out);
        enter_final_state(State::accepted, timers_.transaction_timeout(), now, out);
      } else {
        ack_bytes_ = make_ack_for_non_2xx(request_, response).serialize();
        send(ack_bytes_, out);
        deliver(TransactionEventKind::response, std::move(response), from, out);
        enter_final_state(State::completed,
                          is_reliable(peer_.transport) ? Duration::zero() : timers_.timer_d, now,
                          out);
      }
      return;
    case State::accepted:
      if (is_success(code)) {
        deliver(TransactionEventKind::response, std::move(response), from, out);
      }
      return;
    case State::completed:
      if (code >= 300) {
        send(ack_bytes_, out);  // our ACK was lost: the server retransmitted its final
      }
      return;
    case State::trying:
    case State::terminated:
      return;
  }
}

void ClientTransaction::on_non_invite_response(Message response, const Peer& from, TimePoint now,
                                               TransactionOutput& out) {
  if (state_ != State::trying && state_ != State::proceeding) {
    return;  // Completed absorbs retransmitted finals (§17.1.2.2)
  }
  if (is_provisional(response.status_code())) {
    state_ = State::proceeding;
    provisional_seen_ = true;
    deliver(TransactionEventKind::response, std::move(response), from, out);
    return;
  }
  deliver(TransactionEventKind::response, std::move(response), from, out);
  enter_final_state(State::completed, is_reliable(peer_.transport) ? Duration::zero() : timers_.t4,
                    now, out);
}

void ClientTransaction::on_timer(TimePoint now, TransactionOutput& out) {
  if (state_ == State::terminated) {
    return;
  }
  if (timeout_at_ <= now) {
    if (state_ == State::calling || state_ == State::trying || state_ == State::proceeding) {
      // Timer B or F: the request went unanswered; the TU treats this as a 408 (§8.1.3.1).
      out.events.push_back(
          TransactionEvent{TransactionEventKind::timeout, id_, std::nullopt, peer_});
    }
    terminate(out);
    return;
  }
  if (retransmit_at_ <= now) {
    send(request_bytes_, out);
    if (invite_) {
      retransmit_interval_ *= 2;  // Timer A doubles without a cap (§17.1.1.2)
    } else if (state_ == State::proceeding) {
      retransmit_interval_ = timers_.t2;  // §17.1.2.2: Timer E resets to T2 in Proceeding
    } else {
      retransmit_interval_ = std::min(2 * retransmit_interval_, timers_.t2);
    }
    retransmit_at_ = now + retransmit_interval_;
  }
}

void ClientTransaction::on_transport_error(TransactionOutput& out) {
  if (state_ == State::terminated) {
    return;
  }
  deliver(TransactionEventKind::transport_error, std::nullopt, peer_, out);
  terminate(out);
}

}  // namespace tipring::sip
