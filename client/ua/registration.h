// Registration: one account's binding at its registrar (RFC 3261 §10.2), made for a client
// behind NAT: rport on every REGISTER (RFC 3581), an RFC 5626 instance-id and reg-id so the
// registrar keeps the binding on the flow the REGISTER came in on, refresh before expiry,
// a report when the public address seen by the registrar changes (the owner opens a fresh
// flow and registers from it), and back-off after failures (RFC 5626 §4.5). Sans-IO: responses,
// failures and the time go in; REGISTER requests and status changes come out.
#pragma once

#include "protocol/core/random.h"
#include "protocol/core/time.h"
#include "protocol/sip/digest_client.h"
#include "protocol/sip/message.h"
#include "protocol/sip/transaction.h"
#include "protocol/sip/uri.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace tipring::client {

enum class RegistrationState : std::uint8_t {
  unregistered,   // not started, or removed on request
  registering,    // a REGISTER is outstanding and we hold no binding yet
  registered,     // the registrar holds our binding (refreshes keep this state)
  failed,         // the last attempt failed; reason() says why, a retry is scheduled
  unregistering,  // Expires: 0 sent
};

std::string_view to_string(RegistrationState state);

struct RegistrationConfig {
  sip::Uri aor;        // sip:alice@example.org: To and From
  sip::Uri registrar;  // Request-URI, sip:example.org
  std::string auth_user;
  std::string password;
  std::string display_name;
  std::uint32_t expires_s = 600;
  std::string instance_id;  // "urn:uuid:…", stable per installation (RFC 5626 §4.1)
  std::uint32_t reg_id = 1;
  std::string user_agent = "Tipring";
  // RFC 5626 §4.5: the first retry waits up to base_time (30 s when no flow works, 90 s
  // when others do), doubling per failure up to max_time.
  Duration retry_base = std::chrono::seconds(30);
  Duration retry_max = std::chrono::seconds(1800);
};

// The local end of the flow the REGISTER leaves from: Via sent-by and Contact.
struct LocalFlow {
  std::string host;  // IP literal (IPv6 without brackets)
  std::uint16_t port = 0;
  sip::Transport transport = sip::Transport::udp;
};

class Registration {
public:
  Registration(RegistrationConfig config, RandomSource& random);

  // Registers from `local`; also used after a network change with the new local flow, whose
  // public address is learnt afresh.
  void start(const LocalFlow& local, TimePoint now);
  // Removes the binding (Expires: 0).
  void stop(TimePoint now);

  // The final or provisional response to the REGISTER last taken from poll_request().
  void on_response(const sip::Message& response, TimePoint now);
  // The REGISTER got no answer (Timer F) or could not be sent.
  void on_failure(bool timed_out, TimePoint now);
  // The flow itself failed (connection refused, certificate not trusted, ...): `reason` says
  // why in words for a person. No retry is scheduled: the flow's owner calls start() again
  // once it has a working flow.
  void on_flow_failure(std::string reason, TimePoint now);
  void on_timer(TimePoint now);

  [[nodiscard]] TimePoint next_deadline() const;
  // The next REGISTER to send, if one is due.
  [[nodiscard]] std::optional<sip::Message> poll_request();
  // True once after every change of state(), reason() or public_address().
  [[nodiscard]] bool take_status_change();
  // True once after a 200 showed a public address other than the one known before: the
  // NAT gave us a new mapping, which this very REGISTER carried to the registrar.
  [[nodiscard]] bool take_public_address_moved() { return std::exchange(moved_, false); }
  // Counts the 200s that created or refreshed the binding: the flow is proven at each.
  [[nodiscard]] std::uint64_t binding_count() const { return bindings_; }

  [[nodiscard]] RegistrationState state() const { return state_; }
  // Why the last attempt failed, in words for a person ("wrong password", ...); empty
  // while all is well.
  [[nodiscard]] const std::string& reason() const { return reason_; }
  // Our address as the registrar saw it (Via received/rport of its 200), once known.
  [[nodiscard]] const std::optional<sip::Peer>& public_address() const { return public_; }
  // The registrar's Flow-Timer (RFC 5626 §11): keepalives must be at least this frequent.
  [[nodiscard]] std::optional<std::uint32_t> flow_timer_s() const { return flow_timer_s_; }
  [[nodiscard]] std::uint32_t granted_expires_s() const { return granted_s_; }
  [[nodiscard]] const std::string& call_id() const { return call_id_; }

  // The response-to-reason table, exposed for tests and for the GUI's help texts.
  static std::string reason_for_status(int status_code, std::string_view reason_phrase);

private:
  void send_register(TimePoint now, std::uint32_t expires_s);
  void schedule_retry(TimePoint now, std::string reason);
  void on_success(const sip::Message& response, TimePoint now);
  void on_challenge(const sip::Message& response, TimePoint now);
  void set_state(RegistrationState state, std::string reason);
  [[nodiscard]] std::string contact_value(std::uint32_t expires_s) const;

  RegistrationConfig config_;
  RandomSource& random_;
  sip::DigestClient www_auth_;
  sip::DigestClient proxy_auth_;
  LocalFlow local_;
  std::string call_id_;
  std::string from_tag_;
  std::uint32_t cseq_ = 0;

  RegistrationState state_ = RegistrationState::unregistered;
  std::string reason_;
  bool status_changed_ = false;
  std::optional<sip::Message> pending_;  // built, not yet taken by poll_request()
  bool awaiting_response_ = false;
  std::uint32_t outstanding_expires_s_ = 0;
  int auth_attempts_ = 0;

  std::uint32_t granted_s_ = 0;
  TimePoint binding_expires_at_ = TimePoint::max();
  TimePoint next_action_ = TimePoint::max();  // refresh or retry
  unsigned consecutive_failures_ = 0;
  std::optional<sip::Peer> public_;
  bool moved_ = false;
  std::uint64_t bindings_ = 0;
  std::optional<std::uint32_t> flow_timer_s_;
};

}  // namespace tipring::client
