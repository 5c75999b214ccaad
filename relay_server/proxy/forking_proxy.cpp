#include "relay_server/proxy/forking_proxy.h"

#include <algorithm>

namespace tipring::relay {
namespace {

// Lower is better within the §16.7 step 6 choice: a 6xx wins, then the lowest class; in a
// class, a real answer beats a timeout (408) and a 503 (which the proxy turns into 500).
int rank_of(int status) {
  if (status >= 600) {
    return 0;
  }
  const int class_rank = (status / 100) * 10;
  return status == 408 || status == 503 ? class_rank + 1 : class_rank;
}

bool is_challenge(int status) {
  return status == 401 || status == 407;
}

}  // namespace

sip::Message choose_best_response(const std::vector<sip::Message>& finals) {
  if (finals.empty()) {
    return sip::Message::response(408);
  }
  const auto best_it =
      std::min_element(finals.begin(), finals.end(), [](const auto& a, const auto& b) {
        return rank_of(a.status_code()) < rank_of(b.status_code());
      });
  sip::Message best = *best_it;
  if (best.status_code() == 503) {
    // §16.7 step 6: a 503 means the next hop is overloaded, not this proxy.
    best.set_status(500, "Next Hop Unavailable");
  }
  if (is_challenge(best.status_code())) {
    // §16.7 step 7: every branch's challenges go upstream together.
    for (const auto& other : finals) {
      if (&other == &*best_it || !is_challenge(other.status_code())) {
        continue;
      }
      for (std::size_t i = 0; i < other.header_count(); ++i) {
        const auto field = other.header(i);
        if (field.id == sip::HeaderId::WwwAuthenticate ||
            field.id == sip::HeaderId::ProxyAuthenticate) {
          best.add_header(field.id, field.value);
        }
      }
    }
  }
  return best;
}

ForkingProxy::ForkingProxy(ForkingConfig config, ProxyOutput& out) : config_(config), out_(out) {}

void ForkingProxy::start(sip::TransactionId server, const sip::Message& request,
                         const std::vector<ProxyTarget>& targets, std::string_view branch_base,
                         TimePoint now) {
  Context context;
  context.server = server;
  context.request = request;
  context.invite = request.method() == sip::Method::Invite;
  context.branch_base = std::string(branch_base);
  for (const auto& target : targets) {
    add_branch(context, target, now);
  }
  auto [it, inserted] = contexts_.insert_or_assign(server, std::move(context));
  finish_if_done(it->second, now);
  schedule(it->second);
}

void ForkingProxy::schedule(Context& context) {
  TimePoint earliest = TimePoint::max();
  for (const auto& branch : context.branches) {
    if (!branch.done) {
      earliest = std::min({earliest, branch.timer_c_at, branch.give_up_at, branch.poll_at});
    }
  }
  if (earliest == context.scheduled_at) {
    return;
  }
  context.scheduled_at = earliest;
  if (earliest != TimePoint::max()) {
    deadlines_.emplace(earliest, context.server);
  }
}

bool ForkingProxy::stale(const Deadline& entry) const {
  auto found = contexts_.find(entry.second);
  return found == contexts_.end() || found->second.scheduled_at != entry.first;
}

void ForkingProxy::add_branch(Context& context, const ProxyTarget& target, TimePoint now) {
  sip::Message copy = context.request;
  copy.set_request_uri(target.request_uri);
  if (!target.record_route.empty()) {
    copy.prepend_header(sip::HeaderId::RecordRoute, target.record_route);
  }
  const std::string branch = context.branch_base + "." + std::to_string(context.branches.size());
  auto sent = out_.forward_request(std::move(copy), branch, target.flow, now);
  Branch b;
  b.target = target;
  if (!sent) {
    b.done = true;
    context.finals.push_back(sip::make_response(context.request, 503, "Next Hop Unreachable"));
    context.branches.push_back(std::move(b));
    return;
  }
  b.client = *sent;
  if (context.invite) {
    b.timer_c_at = now + config_.timer_c;
    if (!target.aor.empty() && config_.poll_window > Duration::zero()) {
      b.poll_at = now + config_.poll_window;
    }
  }
  context_of_[b.client] = context.server;
  context.branches.push_back(std::move(b));
}

void ForkingProxy::release_hold(Branch& branch) {
  if (branch.held) {
    branch.held = false;
    --held_;
  }
}

void ForkingProxy::on_flow_seen(std::string_view aor, const FlowAddress& flow, bool authenticated,
                                TimePoint now) {
  if (held_ == 0) {
    return;
  }
  for (auto& [server, context] : contexts_) {
    if (context.final_sent || context.no_new_branches) {
      continue;
    }
    std::vector<ProxyTarget> moved;
    for (auto& branch : context.branches) {
      if (!branch.held || (!aor.empty() && branch.target.aor != aor)) {
        continue;
      }
      // An unauthenticated keepalive only counts from the held flow's own IP (its NAT may
      // have moved the port), so a stranger cannot collect someone else's invitation.
      if (!authenticated && branch.target.flow.peer.host != flow.peer.host) {
        continue;
      }
      release_hold(branch);
      branch.poll_at = TimePoint::max();
      moved.push_back(out_.retarget(branch.target, flow, context.request));
    }
    for (const auto& target : moved) {
      add_branch(context, target, now);
    }
    if (!moved.empty()) {
      schedule(context);
    }
  }
}

bool ForkingProxy::on_response(sip::TransactionId client, sip::Message response, TimePoint now) {
  const auto owner = context_of_.find(client);
  if (owner == context_of_.end()) {
    return false;
  }
  auto found = contexts_.find(owner->second);
  if (found == contexts_.end()) {
    context_of_.erase(owner);
    return false;
  }
  Context& context = found->second;
  auto branch = std::find_if(context.branches.begin(), context.branches.end(),
                             [client](const Branch& b) { return b.client == client; });
  if (branch == context.branches.end()) {
    return false;
  }
  on_branch_response(context, *branch, std::move(response), now);
  schedule(context);
  return true;
}

void ForkingProxy::on_branch_response(Context& context, Branch& branch, sip::Message response,
                                      TimePoint now) {
  const int status = response.status_code();
  branch.responded = true;
  branch.poll_at = TimePoint::max();
  release_hold(branch);
  if (status == 100) {
    return;  // §16.7 step 3: 100 Trying is not forwarded
  }
  response.remove_first_value(sip::HeaderId::Via);  // §16.7 step 9: our Via
  if (status < 200) {
    branch.provisional = true;
    if (context.invite && !branch.done && !branch.cancelled) {
      branch.timer_c_at = now + config_.timer_c;  // §16.7 step 2: reset by provisionals
    }
    if (!context.final_sent) {
      out_.forward_response(context.server, std::move(response), now);
    }
    return;
  }
  if (status < 300) {
    // Every 2xx goes upstream at once, even after another branch's 2xx (§16.7 step 5).
    branch.done = true;
    branch.timer_c_at = TimePoint::max();
    branch.give_up_at = TimePoint::max();
    context.final_sent = true;
    out_.forward_response(context.server, std::move(response), now);
    cancel_pending(context, now);  // §16.7 step 10
    return;
  }
  on_final(context, branch, std::move(response), now);
}

void ForkingProxy::on_final(Context& context, Branch& branch, sip::Message response,
                            TimePoint now) {
  if (branch.done) {
    return;
  }
  branch.done = true;
  branch.timer_c_at = TimePoint::max();
  branch.give_up_at = TimePoint::max();
  branch.poll_at = TimePoint::max();
  release_hold(branch);
  if (response.status_code() >= 600 && context.invite) {
    // §16.7 step 5: no further branches; the others are cancelled.
    context.no_new_branches = true;
    cancel_pending(context, now);
  }
  context.finals.push_back(std::move(response));
  finish_if_done(context, now);
}

bool ForkingProxy::on_client_timeout(sip::TransactionId client, TimePoint now) {
  const auto owner = context_of_.find(client);
  if (owner == context_of_.end()) {
    return false;
  }
  auto found = contexts_.find(owner->second);
  if (found == contexts_.end()) {
    return false;
  }
  for (auto& branch : found->second.branches) {
    if (branch.client == client) {
      synthesize_timeout(found->second, branch, now);
      schedule(found->second);
      return true;
    }
  }
  return false;
}

void ForkingProxy::synthesize_timeout(Context& context, Branch& branch, TimePoint now) {
  const bool pending = !branch.done;
  on_final(context, branch, sip::make_response(context.request, 408), now);
  if (pending) {
    out_.abandon_branch(branch.client);  // the layer would keep it in Proceeding forever
  }
}

void ForkingProxy::on_cancel(sip::TransactionId server, TimePoint now) {
  auto found = contexts_.find(server);
  if (found == contexts_.end() || found->second.final_sent) {
    return;
  }
  found->second.cancelled = true;
  found->second.no_new_branches = true;
  cancel_pending(found->second, now);
  schedule(found->second);
}

void ForkingProxy::cancel_pending(Context& context, TimePoint now) {
  for (auto& branch : context.branches) {
    if (!branch.done && !branch.cancelled) {
      cancel_branch(branch, now);
    }
  }
}

void ForkingProxy::cancel_branch(Branch& branch, TimePoint now) {
  branch.cancelled = true;
  branch.timer_c_at = TimePoint::max();
  branch.give_up_at = now + config_.cancel_wait;
  out_.cancel_branch(branch.client, now);
}

void ForkingProxy::finish_if_done(Context& context, TimePoint now) {
  if (context.final_sent) {
    return;
  }
  const bool all_done = std::all_of(context.branches.begin(), context.branches.end(),
                                    [](const Branch& b) { return b.done; });
  if (!all_done) {
    return;
  }
  sip::Message best = choose_best_response(context.finals);
  if (context.cancelled && context.invite && best.status_code() == 408) {
    // The branches never answered the CANCEL: the caller still learns its CANCEL won.
    best = sip::make_response(context.request, 487);
  }
  if (context.finals.empty()) {
    best = sip::make_response(context.request, 408);
  }
  context.final_sent = true;
  out_.forward_response(context.server, std::move(best), now);
}

void ForkingProxy::on_server_terminated(sip::TransactionId server) {
  auto found = contexts_.find(server);
  if (found == contexts_.end()) {
    return;
  }
  std::vector<sip::TransactionId> pending;
  for (auto& branch : found->second.branches) {
    context_of_.erase(branch.client);
    release_hold(branch);
    if (!branch.done && branch.client != 0) {
      pending.push_back(branch.client);
    }
  }
  contexts_.erase(found);
  for (const auto client : pending) {
    out_.abandon_branch(client);  // cancelled branches that never sent their final response
  }
}

void ForkingProxy::on_timer(TimePoint now) {
  while (!deadlines_.empty() && deadlines_.top().first <= now) {
    const Deadline entry = deadlines_.top();
    deadlines_.pop();
    if (stale(entry)) {
      continue;
    }
    Context& context = contexts_.find(entry.second)->second;
    context.scheduled_at = TimePoint::max();
    on_context_timer(context, now);
    schedule(context);
  }
}

void ForkingProxy::on_context_timer(Context& context, TimePoint now) {
  for (auto& branch : context.branches) {
    if (branch.done) {
      continue;
    }
    if (branch.poll_at <= now) {
      // The flow said nothing, not even 100 Trying: hold the INVITE for the poll.
      branch.poll_at = TimePoint::max();
      branch.held = true;
      ++held_;
    }
    if (branch.give_up_at <= now) {
      synthesize_timeout(context, branch, now);
    } else if (branch.timer_c_at <= now) {
      // §16.8: Timer C fired. With a provisional the branch is cancelled; without one
      // it behaves as if it had timed out.
      if (branch.provisional) {
        cancel_branch(branch, now);
      } else {
        synthesize_timeout(context, branch, now);
      }
    }
  }
}

TimePoint ForkingProxy::next_deadline() const {
  while (!deadlines_.empty() && stale(deadlines_.top())) {
    deadlines_.pop();
  }
  return deadlines_.empty() ? TimePoint::max() : deadlines_.top().first;
}

const sip::Message* ForkingProxy::request_of(sip::TransactionId server) const {
  auto found = contexts_.find(server);
  return found == contexts_.end() ? nullptr : &found->second.request;
}

std::vector<sip::TransactionId> ForkingProxy::pending_branches(sip::TransactionId server) const {
  std::vector<sip::TransactionId> out;
  if (auto found = contexts_.find(server); found != contexts_.end()) {
    for (const auto& branch : found->second.branches) {
      if (!branch.done) {
        out.push_back(branch.client);
      }
    }
  }
  return out;
}

}  // namespace tipring::relay
