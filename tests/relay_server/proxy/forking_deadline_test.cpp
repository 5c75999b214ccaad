// ForkingProxy's timers (Timer C, RFC 3261 §16.8; the cancelled-branch wait; the poll)
// on a fake clock with a recording ProxyOutput: the earliest deadline of thousands of
// contexts is the one reported, a deadline pushed back by a provisional is not reported
// at its old time, and a timer fires only the contexts that are due.
#include "relay_server/proxy/forking_proxy.h"

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace tipring::relay::testing {
namespace {

using namespace std::chrono_literals;

class RecordingOutput final : public ProxyOutput {
public:
  Result<sip::TransactionId> forward_request(sip::Message /*request*/, std::string_view /*branch*/,
                                             const FlowAddress& /*to*/,
                                             TimePoint /*now*/) override {
    return ++last_client;
  }
  void forward_response(sip::TransactionId server, sip::Message response,
                        TimePoint /*now*/) override {
    responses[server].push_back(response.status_code());
  }
  void cancel_branch(sip::TransactionId client, TimePoint /*now*/) override {
    cancelled.push_back(client);
  }
  void abandon_branch(sip::TransactionId client) override { abandoned.push_back(client); }
  void send_stateless(sip::Message /*request*/, std::string_view /*branch*/,
                      const FlowAddress& /*to*/) override {}
  ProxyTarget retarget(const ProxyTarget& target, const FlowAddress& /*flow*/,
                       const sip::Message& /*request*/) override {
    return target;
  }

  sip::TransactionId last_client = 0;
  std::map<sip::TransactionId, std::vector<int>> responses;  // by server
  std::vector<sip::TransactionId> cancelled;
  std::vector<sip::TransactionId> abandoned;
};

sip::Message invite(int n) {
  const std::string call = "call-" + std::to_string(n);
  auto parsed = sip::Message::parse(
      "INVITE sip:bob@example.net SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK" +
      call +
      "\r\n"
      "Max-Forwards: 69\r\n"
      "From: <sip:alice@example.net>;tag=a\r\n"
      "To: <sip:bob@example.net>\r\n"
      "Call-ID: " +
      call +
      "\r\n"
      "CSeq: 1 INVITE\r\n"
      "Content-Length: 0\r\n\r\n");
  EXPECT_TRUE(parsed) << parsed.error().describe();
  return *parsed;
}

sip::Message response_to(const sip::Message& request, int status) {
  auto response = sip::make_response(request, status);
  response.prepend_header(sip::HeaderId::Via, "SIP/2.0/UDP 198.51.100.1;branch=z9hG4bKproxy");
  return response;
}

ProxyTarget bob_target() {
  ProxyTarget target;
  target.request_uri = *sip::Uri::parse("sip:bob@192.0.2.9:5060");
  target.flow.peer = {"192.0.2.9", 5060, sip::Transport::udp};
  return target;  // no AOR: the poll does not apply
}

class ForkingDeadlines : public ::testing::Test {
protected:
  ForkingConfig config() const {
    ForkingConfig c;
    c.poll_window = Duration::zero();
    return c;
  }

  // Starts the INVITE of server transaction `server`; its branch is client `server` too.
  void start(sip::TransactionId server, TimePoint now) {
    requests_.emplace(server, invite(static_cast<int>(server)));
    proxy_.start(server, requests_.at(server), {bob_target()}, "z9hG4bKb" + std::to_string(server),
                 now);
  }

  RecordingOutput out_;
  ForkingProxy proxy_{config(), out_};
  std::map<sip::TransactionId, sip::Message> requests_;
  TimePoint t0_ = TimePoint{} + 1h;
};

TEST_F(ForkingDeadlines, NextDeadlineIsTheEarliestTimerCAmongThousandsOfContexts) {
  constexpr sip::TransactionId calls = 4000;
  for (sip::TransactionId id = 1; id <= calls; ++id) {
    start(id, t0_ + id * 1ms);
  }
  EXPECT_EQ(proxy_.next_deadline(), t0_ + 1ms + config().timer_c);
  // The first half is answered: their Timer C no longer counts.
  for (sip::TransactionId id = 1; id <= calls / 2; ++id) {
    ASSERT_TRUE(proxy_.on_response(id, response_to(requests_.at(id), 200), t0_ + 5s));
  }
  EXPECT_EQ(proxy_.next_deadline(), t0_ + (calls / 2 + 1) * 1ms + config().timer_c);
  // Their contexts end with their server transactions; the rest still times out in order.
  for (sip::TransactionId id = 1; id <= calls / 2; ++id) {
    proxy_.on_server_terminated(id);
  }
  proxy_.on_timer(t0_ + (calls / 2 + 10) * 1ms + config().timer_c);
  std::size_t timed_out = 0;
  for (const auto& [server, statuses] : out_.responses) {
    if (statuses.back() == 408) {
      ++timed_out;
      EXPECT_GT(server, calls / 2);
      EXPECT_LE(server, calls / 2 + 10);
    }
  }
  EXPECT_EQ(timed_out, 10U);
  EXPECT_EQ(proxy_.next_deadline(), t0_ + (calls / 2 + 11) * 1ms + config().timer_c);
}

TEST_F(ForkingDeadlines, ProvisionalPushesTimerCBackAndTheOldDeadlineIsNotReported) {
  start(1, t0_);
  ASSERT_TRUE(proxy_.on_response(1, response_to(requests_.at(1), 180), t0_ + 10s));
  EXPECT_EQ(proxy_.next_deadline(), t0_ + 10s + config().timer_c);
  proxy_.on_timer(t0_ + config().timer_c);
  EXPECT_TRUE(out_.cancelled.empty());
  proxy_.on_timer(t0_ + 10s + config().timer_c);
  EXPECT_EQ(out_.cancelled, std::vector<sip::TransactionId>{1});
  // The cancelled branch now waits for its final response until cancel_wait.
  EXPECT_EQ(proxy_.next_deadline(), t0_ + 10s + config().timer_c + config().cancel_wait);
}

TEST_F(ForkingDeadlines, TimerFiresOnlyTheContextsThatAreDue) {
  start(1, t0_);
  start(2, t0_ + 1min);
  proxy_.on_timer(t0_ + config().timer_c);
  EXPECT_EQ(out_.responses[1], std::vector<int>{408});
  EXPECT_TRUE(out_.responses[2].empty());
  EXPECT_EQ(out_.abandoned, std::vector<sip::TransactionId>{1});
  EXPECT_EQ(proxy_.next_deadline(), t0_ + 1min + config().timer_c);
}

TEST_F(ForkingDeadlines, EndedContextLeavesNoDeadline) {
  start(1, t0_);
  proxy_.on_cancel(1, t0_ + 1s);
  EXPECT_EQ(proxy_.next_deadline(), t0_ + 1s + config().cancel_wait);
  proxy_.on_server_terminated(1);
  EXPECT_EQ(proxy_.next_deadline(), TimePoint::max());
}

}  // namespace
}  // namespace tipring::relay::testing
