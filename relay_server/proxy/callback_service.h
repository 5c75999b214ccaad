// CallbackService: the built-in call-me-back test number, so one person alone can test
// incoming calls. An authenticated user's INVITE to sip:callback@<domain> rings (180) and,
// after a short ringback, is refused with 486 Busy Here; a few seconds later tipring-relay
// calls the user back as a UAC (RFC 3261 §13.2: INVITE to every registered contact over its
// flow, the first 2xx ACKed and the other branches CANCELled), offering an echo channel
// (EchoMedia), so the callee hears themself like on the echo number. The user's BYE ends it.
// With `answer_first` the number instead answers (200 with an echo channel, like the echo
// number), hangs up with its own BYE after the ringback, then calls back: for clients that
// treat a refused call differently from an ended one. Its 200 is retransmitted until the ACK
// (RFC 3261 §13.3.1.4: T1 doubling up to T2), and the BYE waits for that ACK (§15: not
// before it, unless 64*T1 pass without one, when the session is ended anyway).
#pragma once

#include "protocol/core/random.h"
#include "protocol/core/time.h"
#include "protocol/sip/message.h"
#include "relay_server/proxy/echo_service.h"
#include "relay_server/proxy/forking_proxy.h"
#include "relay_server/proxy/registrar.h"

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tipring::relay {

struct CallbackConfig {
  Duration ringback = std::chrono::seconds(3);  // 180 Ringing, then 486
  Duration delay = std::chrono::seconds(5);     // after the 486, before calling back
  Duration max_call = std::chrono::minutes(10);
  bool answer_first = false;                     // answer, hang up after `ringback`, then call back
  Duration t1 = std::chrono::milliseconds(500);  // RFC 3261 §17.1.1.1: the 200's retransmissions
  Duration t2 = std::chrono::seconds(4);
};

// Where the user's registered contacts are reached: (Request-URI, flow) pairs.
using ContactTargets = std::function<std::vector<ProxyTarget>(std::string_view aor, UnixSeconds)>;
// This proxy's host:port as seen on a socket (for Via and Contact).
using SocketHostport = std::function<std::string(std::size_t socket)>;

class CallbackService {
public:
  CallbackService(CallbackConfig config, std::string number_uri, ProxyOutput& out, EchoMedia& media,
                  ContactTargets targets, SocketHostport hostport, RandomSource& random);

  // An INVITE to the number from `user_aor` (authenticated): rings now, 486 after the
  // ringback, and the call back is scheduled.
  void on_invite(sip::TransactionId server, const sip::Message& invite, const std::string& user_aor,
                 const FlowAddress& caller, TimePoint now);
  // The caller CANCELled during the ringback: 487 now; the call back still comes.
  bool on_cancelled(sip::TransactionId server, TimePoint now);
  // An ACK (its own transaction, §13.2.2.4) for an answered call's 200 stops the 200's
  // retransmissions; false if it belongs to no answered call.
  bool on_ack(const sip::Message& ack);
  // Responses to (and timeouts of) the calls back; false if the client transaction is not ours.
  bool on_response(sip::TransactionId client, const sip::Message& response, TimePoint now);
  bool on_client_timeout(sip::TransactionId client);
  // BYE (or anything else) in a call back's dialog.
  sip::Message answer_in_dialog(const sip::Message& request);

  void on_timer(const Clock& clock);
  [[nodiscard]] TimePoint next_deadline() const;
  [[nodiscard]] std::size_t pending_count() const {
    return rings_.size() + answered_.size() + scheduled_.size();
  }
  [[nodiscard]] std::size_t call_count() const { return calls_.size(); }

private:
  struct Ring {
    sip::Message invite;
    std::string to_tag;
    TimePoint busy_at;
  };
  struct Scheduled {
    std::string aor;
    TimePoint at;
  };
  // An answered call (answer_first) that the number hangs up at `hang_up_at` once its 200
  // is acknowledged, or at `ack_deadline` if it never is.
  struct Answered {
    sip::Message invite;
    std::string to_tag;
    FlowAddress caller;
    TimePoint hang_up_at;
    sip::TransactionId server = 0;
    std::optional<sip::Message> unacked_ok;  // the 200 while its ACK is awaited
    Duration retransmit_interval{};
    TimePoint retransmit_at = TimePoint::max();
    TimePoint ack_deadline = TimePoint::max();

    [[nodiscard]] TimePoint bye_at() const { return unacked_ok ? ack_deadline : hang_up_at; }
  };
  // A call back: one INVITE forked to the user's contacts.
  struct Call {
    std::string call_id;
    std::string from_tag;
    std::string aor;
    std::vector<sip::TransactionId> branches;
    std::vector<FlowAddress> flows;  // per branch
    bool answered = false;
    std::size_t answered_branch = 0;
    TimePoint ends_at = TimePoint::max();
  };

  void place_call(const std::string& aor, const Clock& clock);
  // answer_first: 200 with an echo channel; false (and an error answered) when it cannot.
  bool answer(sip::TransactionId server, const sip::Message& invite, const FlowAddress& caller,
              TimePoint now);
  void hang_up(const Answered& call, TimePoint now);
  void end_call(const std::string& call_id);
  Call* call_of(sip::TransactionId client, std::size_t& branch);
  sip::Message make_invite(const Call& call, const ProxyTarget& target,
                           const std::string& sdp) const;

  CallbackConfig config_;
  std::string number_uri_;  // sip:callback@domain
  ProxyOutput& out_;
  EchoMedia& media_;
  ContactTargets targets_;
  SocketHostport hostport_;
  RandomSource& random_;
  std::map<sip::TransactionId, Ring> rings_;  // by server transaction
  std::vector<Scheduled> scheduled_;
  std::map<std::string, Call, std::less<>> calls_;         // by Call-ID
  std::map<std::string, Answered, std::less<>> answered_;  // by Call-ID
};

}  // namespace tipring::relay
