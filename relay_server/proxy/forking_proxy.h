// ForkingProxy: the response contexts of a stateful proxy (RFC 3261 §16.6-§16.10). One
// context per server transaction forwards the request to every target in parallel, relays
// provisional responses and every 2xx at once, cancels the other branches after a 2xx or a
// 6xx, chooses the best final response when all branches are done (§16.7 step 6: 6xx, else
// the lowest class; 3xx relayed, not followed; 401/407 challenges aggregated; 503 as 500),
// forwards a matched CANCEL to the pending branches (§16.10) and runs Timer C (§16.8).
// Sans-IO: it talks to the transaction layer through ProxyOutput. Timers cost O(log n) in
// the number of contexts: each context's earliest deadline sits in a heap.
#pragma once

#include "protocol/core/error.h"
#include "protocol/core/time.h"
#include "protocol/sip/message.h"
#include "protocol/sip/transaction.h"
#include "relay_server/proxy/flow_route.h"

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tipring::relay {

// One place the request goes.
struct ProxyTarget {
  sip::Uri request_uri;
  FlowAddress flow;
  std::string record_route;   // the Record-Route value to add, empty for none
  std::string aor;            // the callee's AOR when the target is one of its bindings
  FlowAddress caller;         // where the request came from
  bool steers_media = false;  // our Record-Route carries the media mark (media_steering.h)
};

// What a context needs from the layer below.
class ProxyOutput {
public:
  virtual ~ProxyOutput() = default;
  // Sends `request` (its Via still to be added with `branch`) over `to` as a client
  // transaction.
  virtual Result<sip::TransactionId> forward_request(sip::Message request, std::string_view branch,
                                                     const FlowAddress& to, TimePoint now) = 0;
  // Sends `response` (our Via already removed) through server transaction `server`.
  virtual void forward_response(sip::TransactionId server, sip::Message response,
                                TimePoint now) = 0;
  virtual void cancel_branch(sip::TransactionId client, TimePoint now) = 0;
  // Ends client transaction `client` without waiting for its final response (an INVITE
  // branch in Proceeding has no timer of its own, §17.1.1.2).
  virtual void abandon_branch(sip::TransactionId client) = 0;
  // Sends `request` (Via still to be added with `branch`) outside any transaction: an ACK
  // for a 2xx.
  virtual void send_stateless(sip::Message request, std::string_view branch,
                              const FlowAddress& to) = 0;
  // `target` moved to `flow` (the poll): the same target with its Record-Route naming the
  // new flow.
  virtual ProxyTarget retarget(const ProxyTarget& target, const FlowAddress& flow,
                               const sip::Message& request) = 0;
};

struct ForkingConfig {
  // Timer C (§16.8): "greater than 3 minutes".
  Duration timer_c = std::chrono::minutes(3) + std::chrono::seconds(1);
  // How long a cancelled branch may take to send its final response before it counts as
  // 408 (§9.1: 64*T1).
  Duration cancel_wait = std::chrono::seconds(32);
  // The poll (DESIGN.md call setup step 4): an INVITE to a registered flow that has not
  // answered anything (not even 100) after this long is held, and sent again to the flow of
  // the callee's next keepalive or REGISTER while the branch's transaction lives. Zero
  // turns the poll off.
  Duration poll_window = std::chrono::seconds(2);
};

// The §16.7 step 6 choice among final responses (all non-2xx, Via already removed).
// Challenges of every 401/407 are gathered into the chosen one; 503 becomes 500.
[[nodiscard]] sip::Message choose_best_response(const std::vector<sip::Message>& finals);

class ForkingProxy {
public:
  ForkingProxy(ForkingConfig config, ProxyOutput& out);

  // Forwards `request` (validated, Max-Forwards decremented, Route processed) to each
  // target; branch i gets Via branch `branch_base` + "." + i.
  void start(sip::TransactionId server, const sip::Message& request,
             const std::vector<ProxyTarget>& targets, std::string_view branch_base, TimePoint now);

  // A response from client transaction `client`; false if no context knows it.
  bool on_response(sip::TransactionId client, sip::Message response, TimePoint now);
  // Timer B/F of a branch: counts as a 408 (§16.7 step 2... §16.8).
  bool on_client_timeout(sip::TransactionId client, TimePoint now);
  // §16.10: the upstream CANCELled server transaction `server`.
  void on_cancel(sip::TransactionId server, TimePoint now);
  // The server transaction is gone: the context ends.
  void on_server_terminated(sip::TransactionId server);

  // A sign of life from a client: its REGISTER (`aor` known, authenticated) or a keepalive
  // (CRLF: `aor` empty; OPTIONS: `aor` from its From). Held INVITEs for that client are sent
  // to `flow`; a keepalive counts only from the IP of the flow the INVITE was held on.
  void on_flow_seen(std::string_view aor, const FlowAddress& flow, bool authenticated,
                    TimePoint now);

  void on_timer(TimePoint now);
  [[nodiscard]] TimePoint next_deadline() const;
  [[nodiscard]] std::size_t held_count() const { return held_; }
  [[nodiscard]] std::size_t context_count() const { return contexts_.size(); }
  // The context's request as received (for the core's bookkeeping), if there is one.
  [[nodiscard]] const sip::Message* request_of(sip::TransactionId server) const;
  // The client transactions of `server`'s branches that have no final response yet.
  [[nodiscard]] std::vector<sip::TransactionId> pending_branches(sip::TransactionId server) const;

private:
  struct Branch {
    sip::TransactionId client = 0;
    ProxyTarget target;
    bool provisional = false;  // a 101-199 arrived: Timer C runs, CANCEL may be sent
    bool done = false;         // a final response arrived (or was synthesized)
    bool cancelled = false;
    bool responded = false;  // anything arrived, 100 included: the flow is alive
    bool held = false;       // waiting for the callee's next keepalive or REGISTER
    TimePoint timer_c_at = TimePoint::max();
    TimePoint poll_at = TimePoint::max();     // no answer by then: hold
    TimePoint give_up_at = TimePoint::max();  // after CANCEL: count as 408 then
  };
  struct Context {
    sip::TransactionId server = 0;
    sip::Message request;
    bool invite = false;
    bool final_sent = false;
    bool cancelled = false;  // by the upstream CANCEL
    bool no_new_branches = false;
    std::string branch_base;
    std::vector<Branch> branches;
    std::vector<sip::Message> finals;           // non-2xx finals, our Via removed
    TimePoint scheduled_at = TimePoint::max();  // its live entry in the deadline heap
  };
  // (deadline, server): valid while the context exists and is scheduled at that time;
  // others are stale and dropped when they reach the top (lazy deletion).
  using Deadline = std::pair<TimePoint, sip::TransactionId>;

  void on_branch_response(Context& context, Branch& branch, sip::Message response, TimePoint now);
  void on_final(Context& context, Branch& branch, sip::Message response, TimePoint now);
  void cancel_pending(Context& context, TimePoint now);
  void cancel_branch(Branch& branch, TimePoint now);
  void finish_if_done(Context& context, TimePoint now);
  void synthesize_timeout(Context& context, Branch& branch, TimePoint now);
  // Sends the context's request to `target` as a new branch.
  void add_branch(Context& context, const ProxyTarget& target, TimePoint now);
  void release_hold(Branch& branch);
  // Puts the context's earliest branch deadline in the heap if it changed.
  void schedule(Context& context);
  void on_context_timer(Context& context, TimePoint now);
  [[nodiscard]] bool stale(const Deadline& entry) const;

  ForkingConfig config_;
  ProxyOutput& out_;
  std::unordered_map<sip::TransactionId, Context> contexts_;               // by server
  std::unordered_map<sip::TransactionId, sip::TransactionId> context_of_;  // client -> server
  std::size_t held_ = 0;  // branches held for the poll, so keepalives cost nothing otherwise
  // Mutable so next_deadline() may drop stale tops: that changes no observable state.
  mutable std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> deadlines_;
};

}  // namespace tipring::relay
