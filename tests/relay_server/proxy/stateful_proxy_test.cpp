// The stateful proxy (RFC 3261 §16) through ProxyCore, driven by datagrams from two fake
// UAs (alice and bob behind NATs) on a fake clock: authentication of local callers,
// targets over the registered flows, forking, best-response choice, CANCEL, Timer C,
// Max-Forwards, loops and in-dialog routing by Record-Route.
#include "tests/relay_server/proxy/proxy_call_fixture.h"

namespace tipring::relay::testing {
namespace {

using StatefulProxyTest = ProxyCallFixture;

std::vector<std::string> header_values(const sip::Message& m, sip::HeaderId id) {
  std::vector<std::string> values;
  for (std::size_t i = 0; i < m.header_count(); ++i) {
    if (m.header(i).id == id) {
      values.emplace_back(m.header(i).value);
    }
  }
  return values;
}

// bob's second device, on the other proxy socket and another NAT.
FakeUa bob_desk() {
  return {"bob", {"203.0.113.30", 5070, sip::Transport::udp}, 0, "10.0.2.9:5060"};
}

TEST_F(StatefulProxyTest, InviteFromALocalUserWithoutCredentialsIsChallengedWith407) {
  register_both();
  const auto out = send(request_text({}), alice_ua().flow);
  const auto challenge = first_final(out, alice_ua().flow);
  ASSERT_TRUE(challenge);
  EXPECT_EQ(challenge->status_code(), 407);
  EXPECT_EQ(header_values(*challenge, sip::HeaderId::ProxyAuthenticate).size(), 2U);
  EXPECT_FALSE(first_request(out, bob_ua().flow, sip::Method::Invite));
}

TEST_F(StatefulProxyTest, UnknownCallerAndWrongPasswordGetTheSame407) {
  register_both();
  RequestText ghost;
  ghost.from_user = "mallory";
  RequestText known;
  known.call_id = "call-2";
  known.branch = "z9hG4bKinv2";
  for (auto* request : {&ghost, &known}) {
    const auto out = send_authenticated(*request, alice_ua(), "wrong-password");
    const auto refused = first_final(out, alice_ua().flow);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status_code(), 407);
    EXPECT_FALSE(first_request(out, bob_ua().flow, sip::Method::Invite));
  }
}

TEST_F(StatefulProxyTest, AuthenticatedUserMayNotSendAsAnotherLocalUser) {
  register_both();
  RequestText request;
  request.from_user = "bob";  // but the credentials are alice's
  const auto first = send(request_text(request), alice_ua().flow);
  const auto challenge = *first_final(first, alice_ua().flow);
  request.extra_headers.push_back(
      "Proxy-Authorization: " +
      proxy_credentials(challenge, "alice", "alice-secret", "INVITE", request.request_uri));
  request.branch += "x";
  request.cseq = 2;
  const auto out = send(request_text(request), alice_ua().flow);
  ASSERT_TRUE(first_final(out, alice_ua().flow));
  EXPECT_EQ(first_final(out, alice_ua().flow)->status_code(), 403);
}

struct UnroutableCase {
  const char* name;
  std::string request_uri;
  bool register_bob;
  int status;
};

class UnroutableCallee : public ProxyCallFixture,
                         public ::testing::WithParamInterface<UnroutableCase> {};

TEST_P(UnroutableCallee, IsAnsweredWithoutForwarding) {
  const auto& c = GetParam();
  register_ua(alice_ua(), "<sip:alice@10.0.0.5:5060>", "reg-alice");
  if (c.register_bob) {
    register_ua(bob_ua(), "<sip:bob@10.0.1.7:5062>", "reg-bob");
  }
  RequestText request;
  request.request_uri = c.request_uri;
  const auto out = send_authenticated(request);
  const auto final = first_final(out, alice_ua().flow);
  ASSERT_TRUE(final);
  EXPECT_EQ(final->status_code(), c.status);
  EXPECT_EQ(out.size(), 2U);  // 100 Trying and the final response, nothing forwarded
}

INSTANTIATE_TEST_SUITE_P(
    StatefulProxyTest, UnroutableCallee,
    ::testing::Values(UnroutableCase{"UnknownUserIs404", "sip:nobody@tipring.test", true, 404},
                      UnroutableCase{"UserWithoutBindingIs480", "sip:bob@tipring.test", false, 480},
                      UnroutableCase{"ForeignDomainIs404", "sip:bob@elsewhere.example", true, 404}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST_F(StatefulProxyTest, InviteGoesToEveryContactOverItsStoredFlowAndSocket) {
  register_both();
  register_ua(bob_desk(), "<sip:bob@10.0.2.9:5060>", "reg-bob-desk");
  const auto out = send_authenticated({});
  const auto trying = first_response(out, alice_ua().flow, 100);
  ASSERT_TRUE(trying);

  for (const auto& [ua, contact] : {std::pair{bob_ua(), "sip:bob@10.0.1.7:5062"},
                                    std::pair{bob_desk(), "sip:bob@10.0.2.9:5060"}}) {
    const auto it =
        std::find_if(out.begin(), out.end(), [&](const Outgoing& o) { return o.peer == ua.flow; });
    ASSERT_NE(it, out.end()) << contact;
    EXPECT_EQ(it->socket, ua.socket) << contact;
    const auto invite = *sip::Message::parse(it->bytes);
    EXPECT_EQ(invite.method(), sip::Method::Invite);
    EXPECT_EQ(invite.request_uri_text(), contact);
    EXPECT_EQ(invite.max_forwards(), std::optional<std::uint32_t>(69));
    EXPECT_FALSE(invite.find(sip::HeaderId::ProxyAuthorization));
    const auto vias = *invite.vias();
    ASSERT_EQ(vias.size(), 2U);
    EXPECT_EQ(vias[0].host, ua.socket == 0 ? "127.0.0.1" : "127.0.0.2");
    EXPECT_TRUE(vias[0].branch().starts_with("z9hG4bK"));
    const auto record_routes = *invite.record_routes();
    ASSERT_EQ(record_routes.size(), 1U);
    EXPECT_EQ(record_routes[0].uri.host, "127.0.0.1");  // where alice reached the proxy
    EXPECT_NE(record_routes[0].uri.param("lr"), nullptr);
  }
}

TEST_F(StatefulProxyTest, ProvisionalIsRelayedAnd2xxCancelsTheOtherBranch) {
  register_both();
  register_ua(bob_desk(), "<sip:bob@10.0.2.9:5060>", "reg-bob-desk");
  const auto out = send_authenticated({});
  const auto mobile = *first_request(out, bob_ua().flow, sip::Method::Invite);
  const auto desk = *first_request(out, bob_desk().flow, sip::Method::Invite);

  // Both ring; the desk's 180 reaches alice with the proxy's Via removed.
  EXPECT_TRUE(send(response_text(mobile, 180, "m1"), bob_ua().flow, 1).size() == 1U);
  const auto ringing_out = send(response_text(desk, 180, "d1"), bob_desk().flow, 0);
  const auto ringing = first_response(ringing_out, alice_ua().flow, 180);
  ASSERT_TRUE(ringing);
  EXPECT_EQ(ringing->vias()->size(), 1U);
  EXPECT_EQ(ringing->to_tag(), "d1");

  // The mobile answers: alice gets the 200, the desk gets a CANCEL.
  const auto answered =
      send(response_text(mobile, 200, "m1", "<sip:bob@10.0.1.7:5062>"), bob_ua().flow, 1);
  const auto ok = first_response(answered, alice_ua().flow, 200);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->to_tag(), "m1");
  EXPECT_EQ(ok->record_routes()->size(), 1U);
  const auto cancel = first_request(answered, bob_desk().flow, sip::Method::Cancel);
  ASSERT_TRUE(cancel);
  EXPECT_EQ(cancel->branch(), desk.branch());
  EXPECT_FALSE(first_request(answered, bob_ua().flow, sip::Method::Cancel));

  // The desk's 487 is absorbed (ACKed by its client transaction), not sent to alice.
  const auto late = send(response_text(desk, 487, "d1"), bob_desk().flow, 0);
  EXPECT_TRUE(sent_to(late, alice_ua().flow).empty());
  EXPECT_TRUE(first_request(late, bob_desk().flow, sip::Method::Ack));
}

struct FinalsCase {
  const char* name;
  int mobile;
  int desk;
  int forwarded;
};

class BestResponse : public ProxyCallFixture, public ::testing::WithParamInterface<FinalsCase> {};

TEST_P(BestResponse, IsChosenWhenEveryBranchHasAnswered) {
  const auto& c = GetParam();
  register_both();
  register_ua(bob_desk(), "<sip:bob@10.0.2.9:5060>", "reg-bob-desk");
  const auto out = send_authenticated({});
  const auto mobile = *first_request(out, bob_ua().flow, sip::Method::Invite);
  const auto desk = *first_request(out, bob_desk().flow, sip::Method::Invite);
  if (c.mobile >= 600) {
    (void)send(response_text(desk, 180, "d1"), bob_desk().flow, 0);  // a CANCEL may go now
  }
  const auto first = send(
      response_text(mobile, c.mobile, "m1", c.mobile / 100 == 3 ? "<sip:bob@198.51.100.99>" : ""),
      bob_ua().flow, 1);
  EXPECT_FALSE(first_final(first, alice_ua().flow)) << "forwarded before every branch answered";
  if (c.mobile >= 600) {
    // §16.7 step 5: the 6xx cancels the pending branch, which then answers 487.
    ASSERT_TRUE(first_request(first, bob_desk().flow, sip::Method::Cancel));
  }
  const auto second = send(response_text(desk, c.desk, "d1"), bob_desk().flow, 0);
  const auto final = first_final(second, alice_ua().flow);
  ASSERT_TRUE(final);
  EXPECT_EQ(final->status_code(), c.forwarded);
  EXPECT_EQ(final->vias()->size(), 1U);
  if (c.forwarded / 100 == 3) {
    // §16.5: 3xx are relayed, not followed: the Contact reaches alice unchanged.
    EXPECT_EQ(header_values(*final, sip::HeaderId::Contact),
              std::vector<std::string>{"<sip:bob@198.51.100.99>"});
  }
}

INSTANTIATE_TEST_SUITE_P(
    StatefulProxyTest, BestResponse,
    ::testing::Values(FinalsCase{"BusyBeatsServerError", 486, 500, 486},
                      FinalsCase{"RedirectIsRelayedNotFollowed", 302, 486, 302},
                      FinalsCase{"GlobalFailureWinsAndCancelsTheRest", 603, 487, 603},
                      FinalsCase{"ServiceUnavailableBecomes500", 503, 503, 500},
                      FinalsCase{"RealAnswerBeatsTimeoutClass", 408, 480, 480}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST_F(StatefulProxyTest, CancelIsAnsweredAndForwardedToPendingBranchesAnd487Relayed) {
  register_both();
  const auto out = send_authenticated({});
  const auto invite = *first_request(out, bob_ua().flow, sip::Method::Invite);
  (void)send(response_text(invite, 180, "b1"), bob_ua().flow, 1);

  RequestText cancel;
  cancel.method = "CANCEL";
  cancel.cseq = 2;  // the authenticated INVITE's CSeq
  cancel.branch = "z9hG4bKinv1x";
  cancel.contact.clear();
  const auto cancelled = send(request_text(cancel), alice_ua().flow);
  const auto ok = first_response(cancelled, alice_ua().flow, 200);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->cseq_method(), sip::Method::Cancel);
  const auto forwarded = first_request(cancelled, bob_ua().flow, sip::Method::Cancel);
  ASSERT_TRUE(forwarded);
  EXPECT_EQ(forwarded->branch(), invite.branch());

  const auto terminated = send(response_text(invite, 487, "b1"), bob_ua().flow, 1);
  const auto final = first_final(terminated, alice_ua().flow);
  ASSERT_TRUE(final);
  EXPECT_EQ(final->status_code(), 487);
}

TEST_F(StatefulProxyTest, CancelWithoutMatchingInviteIs481) {
  RequestText cancel;
  cancel.method = "CANCEL";
  cancel.contact.clear();
  const auto out = send(request_text(cancel), alice_ua().flow);
  ASSERT_TRUE(first_final(out, alice_ua().flow));
  EXPECT_EQ(first_final(out, alice_ua().flow)->status_code(), 481);
}

TEST_F(StatefulProxyTest, SilentCalleeGets408AfterTimerB) {
  register_both();
  const auto out = send_authenticated({});
  ASSERT_TRUE(first_request(out, bob_ua().flow, sip::Method::Invite));
  // Timer A retransmits at 0.5 s, 1 s, 2 s ...; nothing reaches alice before Timer B.
  const auto before = advance(std::chrono::milliseconds(31'900));
  EXPECT_FALSE(first_final(before, alice_ua().flow));
  EXPECT_TRUE(first_request(before, bob_ua().flow, sip::Method::Invite));
  const auto after = advance(std::chrono::milliseconds(200));
  ASSERT_TRUE(first_final(after, alice_ua().flow));
  EXPECT_EQ(first_final(after, alice_ua().flow)->status_code(), 408);
}

TEST_F(StatefulProxyTest, TimerCCancelsARingingBranchThatNeverAnswers) {
  configure_ = [](ProxyCoreConfig& config) { config.forking.timer_c = std::chrono::seconds(200); };
  register_both();
  const auto out = send_authenticated({});
  const auto invite = *first_request(out, bob_ua().flow, sip::Method::Invite);
  (void)send(response_text(invite, 180, "b1"), bob_ua().flow, 1);
  EXPECT_TRUE(advance(std::chrono::seconds(199)).empty());
  const auto fired = advance(std::chrono::seconds(1));
  ASSERT_TRUE(first_request(fired, bob_ua().flow, sip::Method::Cancel));
  EXPECT_FALSE(first_final(fired, alice_ua().flow));
  // The callee answers the CANCEL with 487, which alice gets.
  const auto ended = send(response_text(invite, 487, "b1"), bob_ua().flow, 1);
  ASSERT_TRUE(first_final(ended, alice_ua().flow));
  EXPECT_EQ(first_final(ended, alice_ua().flow)->status_code(), 487);
}

TEST_F(StatefulProxyTest, CancelledBranchThatNeverAnswersEndsIn408AndLeavesNoTransaction) {
  configure_ = [](ProxyCoreConfig& config) { config.forking.timer_c = std::chrono::seconds(200); };
  register_both();
  const auto out = send_authenticated({});
  const auto invite = *first_request(out, bob_ua().flow, sip::Method::Invite);
  (void)send(response_text(invite, 180, "b1"), bob_ua().flow, 1);
  ASSERT_TRUE(
      first_request(advance(std::chrono::seconds(200)), bob_ua().flow, sip::Method::Cancel));
  // bob ignores the CANCEL: after 64*T1 the branch counts as 408 and is let go.
  const auto given_up = advance(std::chrono::seconds(32));
  ASSERT_TRUE(first_final(given_up, alice_ua().flow));
  EXPECT_EQ(first_final(given_up, alice_ua().flow)->status_code(), 408);
  // The 408's retransmissions end at Timer H; then nothing is left in the tables.
  (void)advance(std::chrono::seconds(40));
  EXPECT_EQ(core().transaction_count(), 0U);
  EXPECT_EQ(core().proxy_context_count(), 0U);
}

TEST_F(StatefulProxyTest, MaxForwardsZeroIs483) {
  register_both();
  RequestText request;
  request.max_forwards = 0;
  const auto out = send(request_text(request), alice_ua().flow);
  ASSERT_TRUE(first_final(out, alice_ua().flow));
  EXPECT_EQ(first_final(out, alice_ua().flow)->status_code(), 483);
}

TEST_F(StatefulProxyTest, RequestComingBackUnchangedIsALoop482) {
  register_both();
  // bob registered his AOR itself as a contact: the proxy would send the request to itself.
  register_ua(bob_desk(), "<sip:bob@tipring.test>", "reg-bob-loop");
  const auto out = send_authenticated({});
  const auto looped = first_request(out, bob_desk().flow, sip::Method::Invite);
  ASSERT_TRUE(looped);
  const auto back = send(looped->serialize(), bob_desk().flow, 0);
  const auto refused = first_final(back, bob_desk().flow);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status_code(), 482);
}

TEST_F(StatefulProxyTest, TheSameRequestFromAnotherProxyIsASpiralNotALoop) {
  register_both();
  register_ua(bob_desk(), "<sip:bob@tipring.test>", "reg-bob-loop");
  const auto out = send_authenticated({});
  const auto looped = first_request(out, bob_desk().flow, sip::Method::Invite);
  ASSERT_TRUE(looped);
  // A peer proxy (the two-proxy topology) forwards the unchanged request, so its branch
  // carries the same loop hash, but under its own sent-by.
  auto text = looped->serialize();
  const auto via = text.find("Via: SIP/2.0/UDP ");
  ASSERT_NE(via, std::string::npos);
  const auto host = via + std::string_view("Via: SIP/2.0/UDP ").size();
  text.replace(host, text.find(';', host) - host, "192.0.2.77:5070");
  const auto back = send(text, bob_desk().flow, 0);
  const auto answer = first_final(back, bob_desk().flow);
  ASSERT_TRUE(answer);
  // Past loop detection: the credentials were consumed upstream, so it is challenged here.
  EXPECT_EQ(answer->status_code(), 407);
}

// After alice's INVITE was answered by bob, returns bob's copy of the INVITE and the 200.
struct Established {
  sip::Message invite_at_bob;
  sip::Message ok_at_alice;
};

class InDialog : public ProxyCallFixture {
protected:
  Established establish() {
    register_both();
    const auto out = send_authenticated({});
    auto invite = *first_request(out, bob_ua().flow, sip::Method::Invite);
    const auto answered =
        send(response_text(invite, 200, "btag", "<sip:bob@10.0.1.7:5062>"), bob_ua().flow, 1);
    return {invite, *first_response(answered, alice_ua().flow, 200)};
  }

  static std::vector<std::string> route_set(const sip::Message& m) {
    return header_values(m, sip::HeaderId::RecordRoute);
  }
};

TEST_F(InDialog, AckFor2xxIsForwardedStatelesslyOverTheCalleesFlow) {
  const auto call = establish();
  RequestText ack;
  ack.method = "ACK";
  ack.request_uri = "sip:bob@10.0.1.7:5062";
  ack.to_tag = "btag";
  ack.cseq = 2;
  ack.branch = "z9hG4bKack1";
  ack.routes = route_set(call.ok_at_alice);
  const auto out = send(request_text(ack), alice_ua().flow);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].peer, bob_ua().flow);
  EXPECT_EQ(out[0].socket, bob_ua().socket);
  const auto forwarded = *sip::Message::parse(out[0].bytes);
  EXPECT_EQ(forwarded.method(), sip::Method::Ack);
  EXPECT_EQ(forwarded.count(sip::HeaderId::Route), 0U);
  EXPECT_EQ(forwarded.vias()->size(), 2U);
  // The retransmitted ACK gets the same branch.
  const auto again = send(request_text(ack), alice_ua().flow);
  ASSERT_EQ(again.size(), 1U);
  EXPECT_EQ(sip::Message::parse(again[0].bytes)->branch(), forwarded.branch());
}

struct InDialogCase {
  const char* method;
  bool from_callee;
};

class InDialogRequest : public InDialog, public ::testing::WithParamInterface<InDialogCase> {};

TEST_P(InDialogRequest, IsRoutedByRecordRouteOverTheOtherSidesFlowAndAnswered) {
  const auto& c = GetParam();
  const auto call = establish();
  RequestText request;
  request.method = c.method;
  request.cseq = c.from_callee ? 1 : 3;
  request.branch = std::string("z9hG4bKdlg") + c.method;
  if (c.from_callee) {
    // bob's route set is the Record-Route of the INVITE he received, in order.
    request.request_uri = "sip:alice@10.0.0.5:5060";
    request.from_user = "bob";
    request.from_tag = "btag";
    request.to_uri = "sip:alice@tipring.test";
    request.to_tag = "atag";
    request.via_host = "10.0.1.7:5062";
    request.contact = "<sip:bob@10.0.1.7:5062>";
    request.routes = route_set(call.invite_at_bob);
  } else {
    request.request_uri = "sip:bob@10.0.1.7:5062";
    request.to_tag = "btag";
    request.routes = route_set(call.ok_at_alice);
  }
  const auto sender = c.from_callee ? bob_ua() : alice_ua();
  const auto receiver = c.from_callee ? alice_ua() : bob_ua();
  const auto out = send(request_text(request), sender.flow, sender.socket);
  const auto forwarded = first_request(out, receiver.flow, sip::method_from_token(c.method));
  ASSERT_TRUE(forwarded) << c.method;
  const auto it = std::find_if(out.begin(), out.end(),
                               [&](const Outgoing& o) { return o.peer == receiver.flow; });
  EXPECT_EQ(it->socket, receiver.socket);
  EXPECT_EQ(forwarded->count(sip::HeaderId::Route), 0U);
  EXPECT_EQ(forwarded->request_uri_text(), request.request_uri);
  EXPECT_EQ(forwarded->count(sip::HeaderId::ProxyAuthenticate), 0U);

  const auto answered = send(response_text(*forwarded, 200, c.from_callee ? "atag" : "btag"),
                             receiver.flow, receiver.socket);
  const auto ok = first_response(answered, sender.flow, 200);
  ASSERT_TRUE(ok) << c.method;
  EXPECT_EQ(ok->cseq_method_text(), c.method);
}

INSTANTIATE_TEST_SUITE_P(
    StatefulProxyTest, InDialogRequest,
    ::testing::Values(InDialogCase{"BYE", false}, InDialogCase{"BYE", true},
                      InDialogCase{"INVITE", false}, InDialogCase{"INVITE", true},
                      InDialogCase{"UPDATE", true}, InDialogCase{"INFO", false},
                      InDialogCase{"MESSAGE", true}, InDialogCase{"OPTIONS", false},
                      InDialogCase{"REFER", true}),
    [](const auto& param_info) {
      return std::string(param_info.param.method) +
             (param_info.param.from_callee ? "FromCallee" : "FromCaller");
    });

TEST_F(InDialog, ForgedRouteFlowIsNotFollowed) {
  const auto call = establish();
  auto routes = route_set(call.ok_at_alice);
  ASSERT_EQ(routes.size(), 1U);
  // Aim the "callee flow" at a third party; the MAC no longer matches.
  const auto at = routes[0].find("tr-ef=");
  ASSERT_NE(at, std::string::npos);
  routes[0].replace(at, 6, "tr-ef=1/9/203.0.113.66;x=");
  RequestText bye;
  bye.method = "BYE";
  bye.request_uri = "sip:bob@10.0.1.7:5062";
  bye.to_tag = "btag";
  bye.cseq = 3;
  bye.branch = "z9hG4bKforged";
  bye.routes = routes;
  const auto out = send(request_text(bye), alice_ua().flow);
  for (const auto& datagram : out) {
    EXPECT_NE(datagram.peer.host, "203.0.113.66");
    EXPECT_NE(datagram.peer, bob_ua().flow);
  }
}

}  // namespace
}  // namespace tipring::relay::testing
