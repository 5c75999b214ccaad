// What a user agent is configured with, what it reports to the application, and what each
// of its call sessions borrows from it (the transaction layer, randomness, the event queue).
// Split out so CallSession and UserAgent share the vocabulary without including each other.
#pragma once

#include "client/ua/call_record.h"
#include "client/ua/keepalive.h"
#include "client/ua/registration.h"
#include "protocol/core/random.h"
#include "protocol/sdp/offer_answer.h"
#include "protocol/sip/transaction_layer.h"

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

namespace tipring::client {

// Names a call within one UserAgent; 0 means none.
using CallHandle = std::uint64_t;

struct UserAgentConfig {
  sip::Uri aor;  // sip:alice@example.org: From of our calls
  std::string display_name;
  std::string auth_user;  // defaults to the AOR's user part
  std::string password;
  LocalFlow local;  // our SIP socket: Via sent-by and Contact
  // Where every request goes (RFC 3261 §8.1.2 outbound proxy; the flow that the
  // registration keeps open). Without one, requests go to their Request-URI's host.
  std::optional<sip::Peer> outbound_proxy;
  sdp::LocalCapabilities media;
  std::string user_agent = "Tipring";
  sip::TransactionTimers timers;
  // Register this account (aor/registrar/credentials inside); nothing when absent.
  std::optional<RegistrationConfig> registration;
  // RFC 5626 keepalive interval on the flow; 0 turns keepalives off.
  Duration keepalive_interval = std::chrono::seconds(25);
  // CRLF pings falling back to OPTIONS when unanswered, or OPTIONS only.
  KeepaliveMethod keepalive_method = KeepaliveMethod::crlf;
};

struct UaEvent {
  enum class Kind : std::uint8_t {
    registration_changed,  // registration(): state, reason or public address changed
    incoming_call,         // a new call in state incoming: answer(), reject() or ignore
    call_state_changed,    // call(): state() changed (ended: record() says why)
    media_changed,         // apply `media` to the call's media session (start or update)
    hold_changed,          // local or remote hold changed
    dtmf_received,         // `digit` arrived as SIP INFO
    transfer_requested,    // the peer asks us (REFER) to call `target`: call_transfer_target()
    transfer_failed,       // our REFER was refused or the transfer target did not answer
    // The flow is dead or our public address moved (`detail` says which): open a fresh
    // flow (new socket or connection) and call change_local_flow() with it.
    flow_broken,
  };
  Kind kind = Kind::registration_changed;
  CallHandle call = 0;
  std::optional<sdp::NegotiatedMedia> media;
  char digit = 0;
  std::chrono::milliseconds duration{0};
  std::string target;  // transfer_requested: the Refer-To URI
  std::string detail;  // flow_broken: why, in words for a person
  int status = 0;      // transfer_failed: the status that failed it
  // incoming_call: the call this one replaces (RFC 3891 attended transfer); answer it
  // without ringing and hang the old one up.
  CallHandle replaces = 0;
  // call_state_changed: the state the call reached. Several transitions can happen before
  // the owner polls (a 180 and a 200 read in one batch), and each must be seen in order.
  CallState state = CallState::calling;

  static UaEvent of(Kind kind, CallHandle call) {
    UaEvent event;
    event.kind = kind;
    event.call = call;
    return event;
  }
};

// Borrowed by every CallSession from its UserAgent.
struct CallEnvironment {
  sip::TransactionLayer& layer;
  RandomSource& random;
  const UserAgentConfig& config;
  std::deque<UaEvent>& events;
};

// Where a request for `uri` goes: the outbound proxy, else the URI's host and port (5060).
[[nodiscard]] sip::Peer next_hop(const UserAgentConfig& config, const sip::Uri& uri);

}  // namespace tipring::client
