// Dialog: the peer-to-peer relationship a 1xx-with-tag or 2xx to an INVITE creates
// (RFC 3261 §12): its id (Call-ID and both tags), route set, remote target and CSeq numbers,
// and the in-dialog requests built from them (§12.2.1.1, loose and strict routers),
// including the ACK for a 2xx (§13.2.2.4). Sans-IO: the caller supplies the Via (branch).
#pragma once

#include "protocol/core/error.h"
#include "protocol/sip/message.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tipring::sip {

struct DialogId {
  std::string call_id;
  std::string local_tag;
  std::string remote_tag;

  friend bool operator==(const DialogId&, const DialogId&) = default;
};

// The dialog an incoming in-dialog request belongs to, seen from the side receiving it.
[[nodiscard]] DialogId dialog_id_of_incoming_request(const Message& request);
// The dialog a response to one of our requests belongs to (From tag ours, To tag theirs).
[[nodiscard]] DialogId dialog_id_of_response(const Message& response);

// Requests whose Contact replaces the remote target (§12.2, RFC 3311 UPDATE, RFC 6665).
[[nodiscard]] bool is_target_refresh(Method method);

class Dialog {
public:
  enum class State : std::uint8_t { early, confirmed, terminated };

  // UAC (§12.1.2): from the request we sent and a response with a To tag (101-299).
  static Result<Dialog> as_uac(const Message& request, const Message& response);
  // UAS (§12.1.1): from the request received and the 101-299 response we send, whose
  // To carries our tag.
  static Result<Dialog> as_uas(const Message& request, const Message& response);

  // A response to a request sent in this dialog (or to the INVITE that created it): 2xx
  // confirms an early dialog (recomputing the route set, §13.2.2.4), a non-2xx final ends
  // an early one (§12.3), and a target-refresh response updates the remote target.
  void on_response(const Message& response, Method request_method);
  // An in-dialog request from the peer (§12.2.2): rejects an out-of-order CSeq (the caller
  // answers 500) and applies a target refresh.
  Result<void> on_request(const Message& request);

  // A new in-dialog request (§12.2.1.1) with the next local CSeq; `via` carries the branch.
  [[nodiscard]] Message make_request(Method method, const Via& via);
  // The ACK for a 2xx to the INVITE with CSeq `invite_cseq` (§13.2.2.4): its own branch,
  // the dialog's Request-URI and Route, CSeq number of the INVITE.
  [[nodiscard]] Message make_ack(std::uint32_t invite_cseq, const Via& via) const;

  void terminate() { state_ = State::terminated; }

  [[nodiscard]] const DialogId& id() const { return id_; }
  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] bool is_uac() const { return uac_; }
  [[nodiscard]] const Uri& remote_target() const { return remote_target_; }
  [[nodiscard]] const std::vector<NameAddr>& route_set() const { return route_set_; }
  [[nodiscard]] std::optional<std::uint32_t> local_cseq() const { return local_cseq_; }
  [[nodiscard]] std::optional<std::uint32_t> remote_cseq() const { return remote_cseq_; }
  [[nodiscard]] const NameAddr& local() const { return local_; }
  [[nodiscard]] const NameAddr& remote() const { return remote_; }

private:
  Dialog() = default;
  void add_common_headers(Message& request, const Via& via, std::uint32_t cseq,
                          std::string_view method) const;
  // Request-URI and Route header values for the next request (§12.2.1.1).
  [[nodiscard]] std::pair<Uri, std::vector<std::string>> routing() const;

  DialogId id_;
  State state_ = State::early;
  bool uac_ = false;
  NameAddr local_;   // From of our requests, with our tag
  NameAddr remote_;  // To of our requests, with their tag
  Uri local_contact_;
  Uri remote_target_;
  std::vector<NameAddr> route_set_;
  std::optional<std::uint32_t> local_cseq_;
  std::optional<std::uint32_t> remote_cseq_;
};

}  // namespace tipring::sip
