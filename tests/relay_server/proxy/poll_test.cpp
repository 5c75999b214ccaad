// The poll (DESIGN.md call setup step 4, issue item 6): an INVITE to a callee whose flow
// answers nothing — not even 100 Trying — within the poll window is held, and goes out
// again from the socket of the callee's next keepalive or REGISTER, to its source, while
// the transaction lives. Fake clock; bob's NAT "moves" his flow to a new port.
#include "tests/relay_server/proxy/proxy_call_fixture.h"

namespace tipring::relay::testing {
namespace {

class PollTest : public ProxyCallFixture {
protected:
  void SetUp() override {
    configure_ = [](ProxyCoreConfig& config) {
      config.forking.poll_window = std::chrono::seconds(2);
    };
    register_both();
  }

  // alice's INVITE, reaching bob's registered (now dead) flow.
  sip::Message invite_to_dead_flow() {
    const auto out = send_authenticated({});
    auto invite = first_request(out, bob_ua().flow, sip::Method::Invite);
    EXPECT_TRUE(invite);
    return invite ? *invite : sip::Message::response(999);
  }

  // bob's NAT gave his flow a new port (same public IP), reached on the other socket.
  static sip::Peer moved_flow() { return {"198.51.100.20", 41999, sip::Transport::udp}; }

  // The first SIP request (not a keepalive pong) sent to `peer`.
  static std::optional<Outgoing> request_to(const std::vector<Outgoing>& out,
                                            const sip::Peer& peer) {
    for (const auto& datagram : out) {
      auto parsed = sip::Message::parse(datagram.bytes);
      if (datagram.peer == peer && parsed && parsed->is_request()) {
        return datagram;
      }
    }
    return std::nullopt;
  }
};

TEST_F(PollTest, HeldInviteGoesToTheSourceOfTheNextCrlfKeepaliveFromItsSocket) {
  const auto first = invite_to_dead_flow();
  EXPECT_EQ(core().held_invite_count(), 0U);
  (void)advance(std::chrono::seconds(2));
  EXPECT_EQ(core().held_invite_count(), 1U);

  const auto out = send("\r\n\r\n", moved_flow(), 0);
  const auto invite = request_to(out, moved_flow());
  ASSERT_TRUE(invite);
  EXPECT_EQ(invite->socket, 0U);  // the socket the keepalive came in on
  const auto parsed = *sip::Message::parse(invite->bytes);
  EXPECT_EQ(parsed.method(), sip::Method::Invite);
  EXPECT_EQ(parsed.call_id(), first.call_id());
  EXPECT_NE(parsed.branch(), first.branch());
  EXPECT_EQ(core().held_invite_count(), 0U);

  // bob answers on the new flow: alice gets the 200, and in-dialog requests will follow
  // the new flow (the Record-Route names it).
  const auto answered =
      send(response_text(parsed, 200, "btag", "<sip:bob@10.0.1.7:5062>"), moved_flow(), 0);
  const auto ok = first_response(answered, alice_ua().flow, 200);
  ASSERT_TRUE(ok);
  RequestText bye;
  bye.method = "BYE";
  bye.request_uri = "sip:bob@10.0.1.7:5062";
  bye.to_tag = "btag";
  bye.cseq = 3;
  bye.branch = "z9hG4bKbye";
  bye.contact.clear();
  bye.routes = {std::string(*ok->find(sip::HeaderId::RecordRoute))};
  EXPECT_TRUE(
      first_request(send(request_text(bye), alice_ua().flow), moved_flow(), sip::Method::Bye));
}

TEST_F(PollTest, HeldInviteGoesToTheFlowOfTheCalleesNextRegister) {
  (void)invite_to_dead_flow();
  (void)advance(std::chrono::seconds(3));
  const FakeUa moved{"bob", {"203.0.113.77", 5080, sip::Transport::udp}, 1, "10.0.1.7:5062"};
  RegisterText request;
  request.user = "bob";
  request.call_id = "reg-bob";
  request.contacts = {"<sip:bob@10.0.1.7:5062>"};
  const auto challenge = answer(register_text(request, next_branch()), moved.flow, 1);
  request.authorization = answer_challenge(challenge, "bob", "bob-secret");
  request.cseq = 9;
  const auto out = send(register_text(request, next_branch()), moved.flow, 1);
  // The 200 for the REGISTER first, then the INVITE, both on the REGISTER's flow.
  ASSERT_EQ(out.size(), 2U);
  EXPECT_EQ(sip::Message::parse(out[0].bytes)->status_code(), 200);
  EXPECT_EQ(out[1].peer, moved.flow);
  EXPECT_EQ(out[1].socket, 1U);
  EXPECT_EQ(sip::Message::parse(out[1].bytes)->method(), sip::Method::Invite);
}

TEST_F(PollTest, OptionsKeepaliveFromTheCalleeAlsoCollectsTheInvite) {
  (void)invite_to_dead_flow();
  (void)advance(std::chrono::seconds(2));
  RequestText options;
  options.method = "OPTIONS";
  options.request_uri = "sip:tipring.test";
  options.from_user = "bob";
  options.to_uri = "sip:tipring.test";
  options.branch = "z9hG4bKka1";
  options.call_id = "ka-1";
  options.contact.clear();
  const auto out = send(request_text(options), moved_flow(), 0);
  EXPECT_TRUE(first_response(out, moved_flow(), 200));
  EXPECT_TRUE(first_request(out, moved_flow(), sip::Method::Invite));
}

TEST_F(PollTest, KeepaliveFromAnotherIpDoesNotCollectTheInvite) {
  (void)invite_to_dead_flow();
  (void)advance(std::chrono::seconds(2));
  const sip::Peer stranger{"192.0.2.250", 41999, sip::Transport::udp};
  const auto out = send("\r\n\r\n", stranger, 0);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].bytes, "\r\n");
  EXPECT_EQ(core().held_invite_count(), 1U);
}

TEST_F(PollTest, FlowThatAnswers100IsNotHeld) {
  const auto invite = invite_to_dead_flow();
  (void)send(response_text(invite, 100, ""), bob_ua().flow, 1);
  (void)advance(std::chrono::seconds(5));
  EXPECT_EQ(core().held_invite_count(), 0U);
  EXPECT_EQ(send("\r\n\r\n", moved_flow(), 0).size(), 1U);  // just the pong
}

TEST_F(PollTest, NothingIsSentAfterTheTransactionHasEnded) {
  (void)invite_to_dead_flow();
  const auto timed_out = advance(std::chrono::seconds(33));  // Timer B: 408 to alice
  ASSERT_TRUE(first_final(timed_out, alice_ua().flow));
  EXPECT_EQ(first_final(timed_out, alice_ua().flow)->status_code(), 408);
  EXPECT_EQ(core().held_invite_count(), 0U);
  EXPECT_EQ(send("\r\n\r\n", moved_flow(), 0).size(), 1U);
}

}  // namespace
}  // namespace tipring::relay::testing
