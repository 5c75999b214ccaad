// CallSession: one call of a user agent, outgoing or incoming (RFC 3261 §13, §14, §15):
// the INVITE with its SDP offer/answer (RFC 3264), provisional responses and early media,
// ACK, CANCEL, digest challenges answered once, BYE from either side, hold and resume by
// re-INVITE with direction attributes (RFC 6337), DTMF as SIP INFO, and transfer by REFER
// (RFC 3515, with Replaces RFC 3891 for attended transfer). Sans-IO: it sends through the
// user agent's TransactionLayer and reports through its event queue; media addresses go in,
// NegotiatedMedia comes out.
#pragma once

#include "client/ua/call_environment.h"
#include "client/ua/call_record.h"
#include "protocol/sip/dialog.h"
#include "protocol/sip/digest_client.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tipring::client {

class CallSession {
public:
  // Extra header fields (name, value) for a request: Replaces, Referred-By, Refer-To, Event.
  using ExtraHeaders = std::vector<std::pair<std::string, std::string>>;

  // Sends an INVITE to `target` with an SDP offer for our media socket `local_media`.
  static std::unique_ptr<CallSession> make_outgoing(CallHandle handle, CallEnvironment env,
                                                    const sip::Uri& target,
                                                    const sdp::MediaAddress& local_media,
                                                    TimePoint now, ExtraHeaders extra = {});
  // Takes a dialog-creating INVITE (server transaction `invite_tx`) and rings: 180 sent.
  static std::unique_ptr<CallSession> make_incoming(CallHandle handle, CallEnvironment env,
                                                    sip::TransactionId invite_tx,
                                                    const sip::Message& invite, TimePoint now);

  // --- what the user does ---
  // Answers an incoming call with media on `local_media` (SDP answer, or an offer when the
  // INVITE had none). Fails if the offer shares no codec with us (the call is refused 488).
  Result<void> answer(const sdp::MediaAddress& local_media, TimePoint now);
  // Refuses an incoming call: 486 Busy Here or 603 Decline.
  Result<void> reject(int status_code, TimePoint now);
  // Ends the call however far it got: CANCEL, a 603 for an unanswered incoming call, or BYE.
  void hangup(TimePoint now, std::string_view reason = end_reason::kHungUp);
  // Puts the peer on hold (re-INVITE with a=sendonly) or takes it off (a=sendrecv).
  Result<void> hold(TimePoint now);
  Result<void> resume(TimePoint now);
  // DTMF as SIP INFO (application/dtmf-relay), for peers without telephone-event.
  Result<void> send_dtmf_info(char digit, std::chrono::milliseconds duration, TimePoint now);
  // Blind transfer: asks the peer to call `target` (REFER); ends the call when it succeeds.
  Result<void> transfer(const sip::Uri& target, TimePoint now);
  // Attended transfer: asks the peer to call the far end of `consultation`, replacing it.
  Result<void> transfer_replacing(const CallSession& consultation, TimePoint now);
  // Progress of the call we placed for the peer's REFER: NOTIFY with a sipfrag.
  void report_transfer_progress(int status_code, TimePoint now);

  // --- what the user agent feeds in ---
  [[nodiscard]] bool owns_transaction(sip::TransactionId tx) const;
  [[nodiscard]] bool matches_dialog(const sip::DialogId& id) const;
  void on_response(sip::TransactionId tx, const sip::Message& response, TimePoint now);
  // Timer B/F fired or the transport failed for one of our requests.
  void on_transaction_failed(sip::TransactionId tx, TimePoint now);
  void on_request(sip::TransactionId tx, const sip::Message& request, TimePoint now);
  void on_ack(const sip::Message& ack, TimePoint now);
  // The caller cancelled the INVITE (the layer answered 487).
  void on_cancelled(TimePoint now);
  void on_timer(TimePoint now);
  [[nodiscard]] TimePoint next_deadline() const;
  // Ended and past the time retransmissions of its last messages may still arrive.
  [[nodiscard]] bool finished(TimePoint now) const;

  // --- what the application reads ---
  [[nodiscard]] CallHandle handle() const { return handle_; }
  [[nodiscard]] CallState state() const { return state_; }
  [[nodiscard]] const CallRecord& record() const { return record_; }
  [[nodiscard]] bool local_hold() const { return local_hold_; }
  [[nodiscard]] bool remote_hold() const { return remote_hold_; }
  [[nodiscard]] const std::optional<sdp::NegotiatedMedia>& media() const { return media_; }
  [[nodiscard]] const std::string& call_id() const { return call_id_; }
  [[nodiscard]] const std::optional<sip::Dialog>& dialog() const { return dialog_; }
  // The Replaces header value (RFC 3891 §6.1) naming this call's dialog, seen from the
  // far end, for an attended transfer's Refer-To.
  [[nodiscard]] std::string replaces_value() const;

  CallSession(const CallSession&) = delete;
  CallSession& operator=(const CallSession&) = delete;
  ~CallSession() = default;

private:
  // An in-dialog request we sent, kept to resend it once with credentials.
  struct Pending {
    sip::Method method = sip::Method::Unknown;
    std::string body;
    std::string content_type;
    ExtraHeaders headers;
    int auth_attempts = 0;
  };
  // A 2xx to an INVITE we resend until its ACK arrives (RFC 3261 §13.3.1.4).
  struct Unacknowledged {
    sip::TransactionId tx = 0;
    sip::Message response;
    Duration interval{};
    TimePoint resend_at;
    TimePoint give_up_at;
  };

  CallSession(CallHandle handle, CallEnvironment env, CallDirection direction, TimePoint now);

  // Outgoing INVITE, first or with credentials after a challenge.
  void send_invite(TimePoint now);
  void on_invite_response(const sip::Message& response, TimePoint now);
  void on_invite_success(const sip::Message& response, TimePoint now);
  void on_invite_failure(const sip::Message& response, TimePoint now);
  void on_reinvite_response(const sip::Message& response, TimePoint now);
  void on_refer_response(const sip::Message& response);
  // True if the challenge was answered by resending the request.
  bool retry_with_credentials(sip::TransactionId tx, const sip::Message& response, TimePoint now);
  void send_ack(std::uint32_t cseq);

  void on_bye(sip::TransactionId tx, const sip::Message& request, TimePoint now);
  void on_reinvite(sip::TransactionId tx, const sip::Message& request, TimePoint now);
  void on_info(sip::TransactionId tx, const sip::Message& request, TimePoint now);
  void on_refer(sip::TransactionId tx, const sip::Message& request, TimePoint now);
  void on_notify(sip::TransactionId tx, const sip::Message& request, TimePoint now);

  sip::TransactionId send_in_dialog(sip::Method method, std::string body, std::string content_type,
                                    ExtraHeaders headers, TimePoint now, int auth_attempts = 0);
  Result<void> send_reinvite(bool hold, TimePoint now);
  void respond(sip::TransactionId tx, const sip::Message& request, int status, TimePoint now);
  // A 2xx to an INVITE carrying `sdp_body`, resent until ACKed.
  void answer_invite(sip::TransactionId tx, const sip::Message& request,
                     const std::string& sdp_body, TimePoint now);
  void add_credentials(sip::Message& request);
  [[nodiscard]] sip::Via make_via() const;
  [[nodiscard]] std::string contact_value() const;
  [[nodiscard]] sdp::LocalCapabilities capabilities() const;
  [[nodiscard]] sdp::OriginIdentity next_origin();
  [[nodiscard]] sip::Peer in_dialog_next_hop() const;

  void set_state(CallState state);
  void set_media(sdp::NegotiatedMedia media);
  void set_hold(bool local, bool remote);
  void end(TimePoint now, std::string_view reason, int status = 0);
  void push_event(UaEvent::Kind kind);

  CallHandle handle_;
  CallEnvironment env_;
  CallState state_;
  CallRecord record_;
  std::string call_id_;
  std::string local_tag_;
  sip::Uri target_;
  ExtraHeaders invite_extra_;
  std::uint32_t invite_cseq_ = 0;
  std::optional<sip::Message> invite_;  // the INVITE that created the call (either side)
  sip::TransactionId invite_tx_ = 0;    // its client or server transaction
  int invite_auth_attempts_ = 0;
  bool cancel_requested_ = false;
  std::optional<sip::Dialog> dialog_;
  std::optional<sip::Message> last_ack_;  // resent for each 2xx retransmission

  sdp::MediaAddress local_media_;
  std::string sdp_session_id_;
  std::uint64_t sdp_version_ = 0;
  std::optional<sdp::SessionDescription> offer_;         // our outstanding offer (INVITE or 200)
  std::optional<sdp::SessionDescription> remote_offer_;  // the INVITE's offer, until answered
  std::optional<sdp::NegotiatedMedia> media_;
  bool early_media_applied_ = false;

  bool local_hold_ = false;
  bool remote_hold_ = false;
  sip::TransactionId reinvite_tx_ = 0;
  bool reinvite_hold_ = false;
  TimePoint reinvite_retry_at_ = TimePoint::max();  // after a 491 glare (§14.1)

  std::optional<Unacknowledged> unacknowledged_;
  std::map<sip::TransactionId, Pending> pending_;
  sip::DigestClient www_auth_;
  sip::DigestClient proxy_auth_;

  sip::TransactionId refer_tx_ = 0;  // our REFER
  bool transfer_pending_ = false;    // our REFER was accepted; NOTIFYs follow
  bool refer_subscription_ = false;  // we accepted the peer's REFER; we NOTIFY
  bool transferred_ = false;         // the call we placed for that REFER was answered
  TimePoint linger_until_ = TimePoint::max();
};

}  // namespace tipring::client
