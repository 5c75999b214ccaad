// UserAgent: one account's SIP endpoint on one flow — the transaction layer (RFC 3261 §17),
// its registration (§10, RFC 5626 outbound) and the keepalives that hold its NAT binding
// open, and its calls. It routes what arrives: a dialog-creating INVITE becomes an incoming
// call, in-dialog requests go to their call (§12.2.2), OPTIONS is answered 200 (§11),
// anything else 405 or 481. Every request asks for rport (RFC 3581), and every response goes
// back on the flow its request came in on. Sans-IO: datagrams and the time go in, datagrams
// and UaEvents come out; sleep until next_deadline().
#pragma once

#include "client/ua/call_environment.h"
#include "client/ua/call_session.h"
#include "client/ua/keepalive.h"
#include "client/ua/registration.h"

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace tipring::client {

// A dial string as a person types it ("bob", "bob@example.org", "sip:bob@example.org:5062",
// "+15551234") made into a SIP URI in the account's domain.
[[nodiscard]] Result<sip::Uri> resolve_target(std::string_view text, const sip::Uri& aor);

class UserAgent {
public:
  UserAgent(UserAgentConfig config, RandomSource& random);

  // Registers (when configured) from the configured local flow.
  void start(TimePoint now);
  // Hangs up every call and removes the registration.
  void shutdown(TimePoint now);
  // A fresh flow replaced the old one (network change, new connection, moved public
  // address): register again from `local` at once and relearn the keepalive.
  void change_local_flow(const LocalFlow& local, TimePoint now);

  // Bytes received on a datagram flow from `from` (a SIP message or a CRLF keepalive).
  void on_datagram(std::string_view bytes, const sip::Peer& from, TimePoint now);
  // A message framed from a stream flow (RFC 3261 §18.3) received from `from`.
  void on_message(sip::Message message, const sip::Peer& from, TimePoint now);
  // An RFC 5626 §4.4.1 keepalive framed from a stream flow: a ping (answered with a pong on
  // the flow) or a pong (the answer to our ping).
  void on_stream_keepalive(bool ping, const sip::Peer& from, TimePoint now);
  // The flow failed before or while sending: `reason` in words for a person ("certificate
  // not trusted", "server unreachable (connection refused)"). The registration reports it.
  void on_flow_failed(std::string reason, TimePoint now);
  // The transport could not send a datagram of `transaction`.
  void on_send_failed(sip::TransactionId transaction, TimePoint now);
  void on_timer(TimePoint now);
  [[nodiscard]] TimePoint next_deadline() const;
  [[nodiscard]] std::optional<sip::Datagram> poll_datagram();
  [[nodiscard]] std::optional<UaEvent> poll_event();

  // Places a call to `target` with our media socket at `local_media`. Headers in the URI
  // (?Replaces=...) become header fields of the INVITE.
  Result<CallHandle> call(const sip::Uri& target, const sdp::MediaAddress& local_media,
                          TimePoint now);
  // Places the call the peer of `referring` asked for with REFER (transfer_requested), and
  // reports its progress back to that peer in NOTIFYs.
  Result<CallHandle> call_transfer_target(CallHandle referring, const sip::Uri& target,
                                          const sdp::MediaAddress& local_media, TimePoint now);

  // The call, or null once it is gone (ended calls stay a while for retransmissions).
  [[nodiscard]] CallSession* find_call(CallHandle handle);
  [[nodiscard]] const CallSession* find_call(CallHandle handle) const;
  [[nodiscard]] std::vector<CallHandle> call_handles() const;
  // Calls not ended yet.
  [[nodiscard]] std::size_t live_call_count() const;
  [[nodiscard]] const Registration* registration() const { return registration_.get(); }
  [[nodiscard]] const KeepaliveSchedule& keepalive() const { return keepalive_; }
  [[nodiscard]] const UserAgentConfig& config() const { return config_; }
  // Sends everything through `proxy` from now on (RFC 3263 §4.3 failover to the next
  // server); call change_local_flow() after it to register there.
  void set_outbound_proxy(const sip::Peer& proxy) { config_.outbound_proxy = proxy; }

  // Everything a call action needs after the action: NOTIFYs for transfers, reaping.
  // Called by the public methods; exposed for callers that act on a CallSession directly.
  void settle(TimePoint now);

private:
  struct TransferLink {
    CallHandle referring = 0;
    CallState reported = CallState::calling;
  };

  void dispatch(sip::TransactionEvent event, TimePoint now);
  void on_request(sip::TransactionId tx, const sip::Message& request, TimePoint now);
  void on_new_invite(sip::TransactionId tx, const sip::Message& invite, TimePoint now);
  void respond(sip::TransactionId tx, const sip::Message& request, int status, TimePoint now);
  void on_keepalive_bytes(std::string_view bytes, const sip::Peer& from, TimePoint now);
  void send_registration_requests(TimePoint now);
  void send_keepalive_options(TimePoint now);
  void on_keepalive_response(const sip::Message& response);
  void flow_broken(std::string why);
  void follow_registration(TimePoint now);
  void report_transfers(TimePoint now);
  [[nodiscard]] CallSession* call_for_transaction(sip::TransactionId tx);
  [[nodiscard]] CallSession* call_for_dialog(const sip::DialogId& id);
  [[nodiscard]] CallSession* call_for_call_id(std::string_view call_id);
  [[nodiscard]] sip::Peer registrar_peer() const;
  CallEnvironment environment();

  UserAgentConfig config_;
  RandomSource& random_;
  sip::TransactionLayer layer_;
  std::unique_ptr<Registration> registration_;
  sip::TransactionId registration_tx_ = 0;
  KeepaliveSchedule keepalive_;
  bool keepalive_running_ = false;
  sip::TransactionId keepalive_tx_ = 0;  // the OPTIONS keepalive in flight
  std::uint32_t keepalive_cseq_ = 0;
  std::string keepalive_call_id_;
  std::uint64_t bindings_seen_ = 0;  // Registration::binding_count() the keepalive follows
  std::map<CallHandle, std::unique_ptr<CallSession>> calls_;
  std::map<CallHandle, TransferLink> transfers_;  // by the call placed for a REFER
  CallHandle next_handle_ = 1;
  std::deque<UaEvent> events_;
  std::deque<sip::Datagram> datagrams_;  // keepalives; the layer queues the rest
};

}  // namespace tipring::client
