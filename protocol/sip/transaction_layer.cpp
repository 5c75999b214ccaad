#include "protocol/sip/transaction_layer.h"

#include <utility>

namespace tipring::sip {
namespace {

constexpr std::string_view kMatchRule = "RFC 3261 §17.2.3 branch magic cookie";

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c + 32);
    }
  }
  return out;
}

// §17.1.3: the branch of the top Via and the CSeq method (so a CANCEL's responses do not
// match the INVITE it cancels).
std::string client_key(std::string_view branch, std::string_view method) {
  std::string key(branch);
  key.push_back('\x1f');
  key.append(method);
  return key;
}

// §17.2.3: branch, sent-by, and the method, with ACK matching its INVITE.
std::string server_key(const Message& request, std::string_view method) {
  std::string key(request.branch());
  key.push_back('\x1f');
  key.append(lower(request.via_host()));
  key.push_back(':');
  if (request.via_port()) {
    key.append(std::to_string(*request.via_port()));
  }
  key.push_back('\x1f');
  key.append(method == "ACK" ? std::string_view("INVITE") : method);
  return key;
}

}  // namespace

Message make_cancel(const Message& invite) {
  Message cancel = Message::request(Method::Cancel, invite.request_uri().value_or(Uri{}));
  if (auto via = invite.top_via()) {
    cancel.add_header(HeaderId::Via, via->to_string());
  }
  cancel.add_header(HeaderId::MaxForwards, "70");
  for (std::size_t i = 0; i < invite.header_count(); ++i) {
    const HeaderField field = invite.header(i);
    if (field.id == HeaderId::Route) {
      cancel.add_header(HeaderId::Route, field.value);
    }
  }
  cancel.add_header(HeaderId::From, invite.find(HeaderId::From).value_or(""));
  cancel.add_header(HeaderId::To, invite.find(HeaderId::To).value_or(""));
  cancel.add_header(HeaderId::CallId, invite.call_id());
  cancel.add_header(HeaderId::CSeq, std::to_string(invite.cseq_number()) + " CANCEL");
  cancel.add_header(HeaderId::ContentLength, "0");
  return cancel;
}

TransactionLayer::TransactionLayer(RandomSource& random, TransactionLayerConfig config)
    : random_(random), config_(config) {}

Result<TransactionId> TransactionLayer::send_request(Message request, Peer to, TimePoint now) {
  constexpr std::string_view kRule = "RFC 3261 §17.1 client transaction";
  if (!request.is_request() || request.method() == Method::Ack) {
    return fail(kRule, "only non-ACK requests start client transactions");
  }
  if (!is_rfc3261_branch(request.branch())) {
    return fail("RFC 3261 §8.1.1.7 branch", "top Via branch lacks the z9hG4bK magic cookie");
  }
  if (!request.request_uri()) {
    return fail(kRule, "Request-URI does not parse");
  }
  std::string key = client_key(request.branch(), request.method_text());
  if (client_keys_.contains(key)) {
    return fail(kRule, "branch already used by a pending client transaction");
  }
  const TransactionId id = next_id_++;
  clients_.emplace(
      id, ClientTransaction(id, std::move(request), std::move(to), config_.timers, now, step_));
  client_keys_.emplace(key, id);
  keys_by_id_.emplace(id, std::move(key));
  settle(id);
  prune_schedule();
  return id;
}

Result<void> TransactionLayer::send_response(TransactionId server, const Message& response,
                                             TimePoint now) {
  auto it = servers_.find(server);
  if (it == servers_.end()) {
    return fail("RFC 3261 §17.2 server transaction", "no such server transaction");
  }
  auto sent = it->second.send_response(response, now, step_);
  settle(server);
  prune_schedule();
  return sent;
}

Result<TransactionId> TransactionLayer::cancel(TransactionId invite, TimePoint now) {
  constexpr std::string_view kRule = "RFC 3261 §9.1 CANCEL";
  auto it = clients_.find(invite);
  if (it == clients_.end() || !it->second.is_invite()) {
    return fail(kRule, "no such INVITE client transaction");
  }
  const auto state = it->second.state();
  if (state != ClientTransaction::State::calling && state != ClientTransaction::State::proceeding) {
    return fail(kRule, "the INVITE already has a final response");
  }
  if (!it->second.has_provisional()) {
    pending_cancels_.insert(invite);  // §9.1: wait for a provisional response
    return TransactionId{0};
  }
  return send_request(make_cancel(it->second.request()), it->second.peer(), now);
}

void TransactionLayer::send_pending_cancel(TransactionId invite, TimePoint now) {
  auto it = clients_.find(invite);
  if (!pending_cancels_.contains(invite) || it == clients_.end()) {
    return;
  }
  if (it->second.state() != ClientTransaction::State::proceeding) {
    if (it->second.state() != ClientTransaction::State::calling) {
      pending_cancels_.erase(invite);  // a final response arrived first: nothing to cancel
    }
    return;
  }
  pending_cancels_.erase(invite);
  (void)send_request(make_cancel(it->second.request()), it->second.peer(), now);
}

void TransactionLayer::send_without_transaction(const Message& message, const Peer& to) {
  datagrams_.push_back(Datagram{to, message.serialize(), 0});
}

Result<void> TransactionLayer::on_message(Message message, const Peer& from, TimePoint now) {
  if (message.is_response()) {
    on_response(std::move(message), from, now);
    prune_schedule();
    return {};
  }
  if (!is_rfc3261_branch(message.branch())) {
    std::string detail = "branch '" + std::string(message.branch()) +
                         "' lacks z9hG4bK; RFC 2543 transactions are not supported";
    if (message.method() != Method::Ack) {
      send_without_transaction(make_response(message, 400, "Missing RFC 3261 Branch"), from);
    }
    return fail(kMatchRule, std::move(detail));
  }
  if (message.method() == Method::Cancel) {
    on_cancel(std::move(message), from, now);
  } else {
    on_request(std::move(message), from, now);
  }
  prune_schedule();
  return {};
}

void TransactionLayer::on_request(Message request, const Peer& from, TimePoint now) {
  std::string key = server_key(request, request.method_text());
  if (auto found = server_keys_.find(key); found != server_keys_.end()) {
    servers_.at(found->second).on_request(std::move(request), from, now, step_);
    settle(found->second);
    return;
  }
  if (request.method() == Method::Ack) {
    // The ACK for a 2xx has its own branch (§13.2.2.4): it belongs to the dialog.
    events_.push_back(TransactionEvent{TransactionEventKind::ack, 0, std::move(request), from});
    return;
  }
  const TransactionId id = next_id_++;
  servers_.emplace(id, ServerTransaction(id, request, from, config_.timers, now, step_));
  server_keys_.emplace(key, id);
  keys_by_id_.emplace(id, std::move(key));
  step_.events.push_front(
      TransactionEvent{TransactionEventKind::request, id, std::move(request), from});
  settle(id);
}

void TransactionLayer::on_cancel(Message cancel, const Peer& from, TimePoint now) {
  std::string key = server_key(cancel, "CANCEL");
  if (auto found = server_keys_.find(key); found != server_keys_.end()) {
    servers_.at(found->second).on_request(std::move(cancel), from, now, step_);
    settle(found->second);
    return;
  }
  // The CANCEL gets its own non-INVITE server transaction, answered here rather than by the TU.
  const TransactionId cancel_id = next_id_++;
  servers_.emplace(cancel_id,
                   ServerTransaction(cancel_id, cancel, from, config_.timers, now, step_));
  server_keys_.emplace(key, cancel_id);
  keys_by_id_.emplace(cancel_id, std::move(key));

  auto invite = server_keys_.find(server_key(cancel, "INVITE"));
  if (invite == server_keys_.end()) {
    (void)servers_.at(cancel_id).send_response(make_response(cancel, 481), now, step_);
    settle(cancel_id);
    return;
  }
  const TransactionId invite_id = invite->second;
  ServerTransaction& invite_txn = servers_.at(invite_id);
  std::string tag = invite_txn.to_tag().empty() ? random_.token(10) : invite_txn.to_tag();
  // §9.2: the CANCEL is answered 200 whether or not the INVITE can still be cancelled, with
  // the To tag the INVITE's response carries.
  (void)servers_.at(cancel_id).send_response(make_response(cancel, 200, {}, tag), now, step_);
  settle(cancel_id);
  if (invite_txn.state() != ServerTransaction::State::proceeding) {
    return;  // already answered with a final response: the CANCEL has no effect
  }
  events_.push_back(
      TransactionEvent{TransactionEventKind::cancelled, invite_id, std::move(cancel), from});
  if (config_.answer_cancelled_invite_with_487) {
    (void)invite_txn.send_response(make_response(invite_txn.request(), 487, {}, tag), now, step_);
    settle(invite_id);
  }
}

void TransactionLayer::on_response(Message response, const Peer& from, TimePoint now) {
  auto found = client_keys_.find(client_key(response.branch(), response.cseq_method_text()));
  if (found == client_keys_.end()) {
    events_.push_back(
        TransactionEvent{TransactionEventKind::stray_response, 0, std::move(response), from});
    return;
  }
  const TransactionId id = found->second;
  clients_.at(id).on_response(std::move(response), from, now, step_);
  settle(id);
  send_pending_cancel(id, now);
}

void TransactionLayer::on_timer(TimePoint now) {
  while (!schedule_.empty() && schedule_.top().at <= now) {
    const Scheduled due = schedule_.top();
    schedule_.pop();
    auto at = scheduled_at_.find(due.id);
    if (at == scheduled_at_.end() || at->second != due.at) {
      continue;  // rescheduled or gone since
    }
    scheduled_at_.erase(at);
    if (auto client = clients_.find(due.id); client != clients_.end()) {
      client->second.on_timer(now, step_);
    } else if (auto server = servers_.find(due.id); server != servers_.end()) {
      server->second.on_timer(now, step_);
    }
    settle(due.id);
  }
  prune_schedule();
}

void TransactionLayer::on_transport_error(TransactionId transaction) {
  if (auto client = clients_.find(transaction); client != clients_.end()) {
    client->second.on_transport_error(step_);
  } else if (auto server = servers_.find(transaction); server != servers_.end()) {
    server->second.on_transport_error(step_);
  }
  settle(transaction);
  prune_schedule();
}

TimePoint TransactionLayer::deadline_of(TransactionId id) const {
  if (auto client = clients_.find(id); client != clients_.end()) {
    return client->second.next_deadline();
  }
  if (auto server = servers_.find(id); server != servers_.end()) {
    return server->second.next_deadline();
  }
  return TimePoint::max();
}

void TransactionLayer::settle(TransactionId id) {
  for (auto& datagram : step_.datagrams) {
    datagrams_.push_back(std::move(datagram));
  }
  for (auto& event : step_.events) {
    events_.push_back(std::move(event));
  }
  step_.datagrams.clear();
  step_.events.clear();

  bool terminated = false;
  if (auto client = clients_.find(id); client != clients_.end()) {
    terminated = client->second.state() == ClientTransaction::State::terminated;
    if (terminated) {
      client_keys_.erase(keys_by_id_[id]);
      clients_.erase(client);
    }
  } else if (auto server = servers_.find(id); server != servers_.end()) {
    terminated = server->second.state() == ServerTransaction::State::terminated;
    if (terminated) {
      server_keys_.erase(keys_by_id_[id]);
      servers_.erase(server);
    }
  }
  if (terminated) {
    keys_by_id_.erase(id);
    scheduled_at_.erase(id);
    pending_cancels_.erase(id);
    return;
  }
  schedule(id, deadline_of(id));
}

void TransactionLayer::schedule(TransactionId id, TimePoint at) {
  if (at == TimePoint::max()) {
    scheduled_at_.erase(id);
    return;
  }
  auto [it, inserted] = scheduled_at_.try_emplace(id, at);
  if (!inserted && it->second == at) {
    return;
  }
  it->second = at;
  schedule_.push(Scheduled{at, id});
}

void TransactionLayer::prune_schedule() {
  while (!schedule_.empty()) {
    const Scheduled& top = schedule_.top();
    auto at = scheduled_at_.find(top.id);
    if (at != scheduled_at_.end() && at->second == top.at) {
      return;
    }
    schedule_.pop();
  }
}

TimePoint TransactionLayer::next_deadline() const {
  return schedule_.empty() ? TimePoint::max() : schedule_.top().at;
}

std::optional<Datagram> TransactionLayer::poll_datagram() {
  if (datagrams_.empty()) {
    return std::nullopt;
  }
  Datagram out = std::move(datagrams_.front());
  datagrams_.pop_front();
  return out;
}

std::optional<TransactionEvent> TransactionLayer::poll_event() {
  if (events_.empty()) {
    return std::nullopt;
  }
  TransactionEvent out = std::move(events_.front());
  events_.pop_front();
  return out;
}

const ClientTransaction* TransactionLayer::client(TransactionId id) const {
  auto it = clients_.find(id);
  return it == clients_.end() ? nullptr : &it->second;
}

const ServerTransaction* TransactionLayer::server(TransactionId id) const {
  auto it = servers_.find(id);
  return it == servers_.end() ? nullptr : &it->second;
}

}  // namespace tipring::sip
