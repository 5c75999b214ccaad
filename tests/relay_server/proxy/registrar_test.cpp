// Registrar behaviour through ProxyCore and the transaction layer, with REGISTER text as a
// UA sends it, a real SQLite directory and a fake clock.
#include "tests/relay_server/proxy/sip_test_peer.h"

namespace tipring::relay::testing {
namespace {

using RegistrarTest = ProxyCoreFixture;

std::vector<std::string> values_of(const sip::Message& m, sip::HeaderId id) {
  std::vector<std::string> values;
  for (std::size_t i = 0; i < m.header_count(); ++i) {
    if (m.header(i).id == id) {
      values.emplace_back(m.header(i).value);
    }
  }
  return values;
}

TEST_F(RegistrarTest, RegisterWithoutCredentialsIsChallengedForShaAndMd5) {
  const auto response = answer(register_text({}, next_branch()));
  EXPECT_EQ(response.status_code(), 401);
  const auto challenges = values_of(response, sip::HeaderId::WwwAuthenticate);
  ASSERT_EQ(challenges.size(), 2U);
  EXPECT_EQ(sip::parse_digest_challenge(challenges[0])->algorithm, sip::DigestAlgorithm::sha256);
  EXPECT_EQ(sip::parse_digest_challenge(challenges[1])->algorithm, sip::DigestAlgorithm::md5);
  EXPECT_FALSE(response.to_tag().empty());
  EXPECT_TRUE(bindings().empty());
}

TEST_F(RegistrarTest, AuthenticatedRegisterStoresTheSourceAsFlowAndAnswersFromThatSocket) {
  RegisterText request;
  const auto first = answer(register_text(request, next_branch()), nat_peer(), 1);
  request.authorization = answer_challenge(first, "alice", "alice-secret");
  request.cseq = 2;
  auto out = send(register_text(request, next_branch()), nat_peer(), 1);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].socket, 1U);
  EXPECT_EQ(out[0].peer, nat_peer());
  const auto ok = *sip::Message::parse(out[0].bytes);
  EXPECT_EQ(ok.status_code(), 200);
  EXPECT_EQ(values_of(ok, sip::HeaderId::Contact),
            std::vector<std::string>{"<sip:alice@10.0.0.5:5060>;expires=600"});

  const auto stored = bindings();
  ASSERT_EQ(stored.size(), 1U);
  EXPECT_EQ(stored[0].flow, (Flow{"udp", "192.0.2.10", 40123, "udp:127.0.0.2:5060"}));
  EXPECT_EQ(stored[0].owner_proxy, "proxy-a");
  EXPECT_EQ(stored[0].expires_at, clock_.wall + std::chrono::seconds(600));
  EXPECT_EQ(core().counters().registrations_updated, 1U);
}

TEST_F(RegistrarTest, UnknownUserAndWrongPasswordGetTheSameAnswer) {
  const auto wrong = register_with({}, "not-the-password");
  RegisterText ghost;
  ghost.user = "mallory";
  ghost.contacts = {"<sip:mallory@10.0.0.5:5060>"};
  const auto unknown = register_with(ghost, "anything");
  for (const auto* response : {&wrong, &unknown}) {
    EXPECT_EQ(response->status_code(), 401);
    EXPECT_EQ(response->reason_phrase(), wrong.reason_phrase());
    const auto challenges = values_of(*response, sip::HeaderId::WwwAuthenticate);
    ASSERT_EQ(challenges.size(), 2U);
    EXPECT_FALSE(sip::parse_digest_challenge(challenges[0])->stale);
  }
  EXPECT_EQ(wrong.header_count(), unknown.header_count());
  EXPECT_EQ(core().counters().auth_failures, 2U);
}

TEST_F(RegistrarTest, ReplayedNonceCountIsChallengedAsStaleAndChangesNothing) {
  RegisterText request;
  const auto first = answer(register_text(request, next_branch()));
  request.authorization = answer_challenge(first, "alice", "alice-secret");
  request.cseq = 2;
  ASSERT_EQ(answer(register_text(request, next_branch())).status_code(), 200);
  // The same credentials in a new transaction: a captured request replayed.
  request.cseq = 3;
  request.expires = 0;
  const auto replay = answer(register_text(request, next_branch()));
  EXPECT_EQ(replay.status_code(), 401);
  EXPECT_TRUE(
      sip::parse_digest_challenge(values_of(replay, sip::HeaderId::WwwAuthenticate)[0])->stale);
  EXPECT_EQ(bindings().size(), 1U);
}

TEST_F(RegistrarTest, NonceOlderThanItsLifetimeIsStale) {
  RegisterText request;
  const auto first = answer(register_text(request, next_branch()));
  request.authorization = answer_challenge(first, "alice", "alice-secret");
  clock_.now += std::chrono::minutes(6);
  const auto late = answer(register_text(request, next_branch()));
  EXPECT_EQ(late.status_code(), 401);
  EXPECT_TRUE(
      sip::parse_digest_challenge(values_of(late, sip::HeaderId::WwwAuthenticate)[0])->stale);
  EXPECT_EQ(core().counters().auth_failures, 0U);
}

TEST_F(RegistrarTest, TooShortExpiresIsRefusedWith423AndMinExpires) {
  RegisterText request;
  request.expires = 30;
  const auto response = register_with(request, "alice-secret");
  EXPECT_EQ(response.status_code(), 423);
  EXPECT_EQ(values_of(response, sip::HeaderId::MinExpires), std::vector<std::string>{"60"});
  EXPECT_TRUE(bindings().empty());
}

TEST_F(RegistrarTest, ExpiresAreTakenFromContactThenHeaderAndClampedToTheMaximum) {
  RegisterText request;
  request.contacts = {"<sip:alice@10.0.0.5:5060>;expires=120", "<sip:alice@10.0.0.6:5062>"};
  request.expires = 99999;
  const auto ok = register_with(request, "alice-secret");
  ASSERT_EQ(ok.status_code(), 200);
  auto contacts = values_of(ok, sip::HeaderId::Contact);
  std::sort(contacts.begin(), contacts.end());
  EXPECT_EQ(contacts, (std::vector<std::string>{"<sip:alice@10.0.0.5:5060>;expires=120",
                                                "<sip:alice@10.0.0.6:5062>;expires=3600"}));
  EXPECT_EQ(bindings().size(), 2U);
}

TEST_F(RegistrarTest, ExpiresZeroRemovesOneContactAndStarRemovesAll) {
  RegisterText request;
  request.contacts = {"<sip:alice@10.0.0.5:5060>", "<sip:alice@10.0.0.6:5062>"};
  ASSERT_EQ(register_with(request, "alice-secret").status_code(), 200);
  ASSERT_EQ(bindings().size(), 2U);

  request.contacts = {"<sip:alice@10.0.0.6:5062>;expires=0"};
  request.call_id = "reg-2";
  const auto one_left = register_with(request, "alice-secret");
  EXPECT_EQ(values_of(one_left, sip::HeaderId::Contact),
            std::vector<std::string>{"<sip:alice@10.0.0.5:5060>;expires=600"});

  request.contacts = {"*"};
  request.expires = 0;
  request.call_id = "reg-3";
  const auto none = register_with(request, "alice-secret");
  EXPECT_EQ(none.status_code(), 200);
  EXPECT_TRUE(values_of(none, sip::HeaderId::Contact).empty());
  EXPECT_TRUE(bindings().empty());
}

TEST_F(RegistrarTest, StarWithNonZeroExpiresIsABadRequest) {
  RegisterText request;
  request.contacts = {"*"};
  EXPECT_EQ(register_with(request, "alice-secret").status_code(), 400);
}

TEST_F(RegistrarTest, OutboundRegistrationGetsFlowTimerAndANewFlowReplacesTheOld) {
  RegisterText request;
  request.contacts = {
      "<sip:alice@10.0.0.5:5060;ob>;+sip.instance=\"<urn:uuid:00000000-0000-0000-0000-0000000000a1>"
      "\";"
      "reg-id=1"};
  request.extra_headers = {"Supported: outbound, path"};
  const auto ok = register_with(request, "alice-secret");
  ASSERT_EQ(ok.status_code(), 200);
  EXPECT_EQ(values_of(ok, sip::HeaderId::FlowTimer), std::vector<std::string>{"25"});
  EXPECT_TRUE(ok.has_token(sip::HeaderId::Require, "outbound"));

  // The same instance and reg-id from a new NAT mapping (and a new contact address).
  request.contacts = {
      "<sip:alice@10.0.0.9:5060;ob>;+sip.instance=\"<urn:uuid:00000000-0000-0000-0000-0000000000a1>"
      "\";"
      "reg-id=1"};
  const sip::Peer moved{"192.0.2.77", 50000, sip::Transport::udp};
  const auto challenge = answer(register_text(request, next_branch()), moved);
  request.authorization = answer_challenge(challenge, "alice", "alice-secret");
  request.cseq = 9;
  ASSERT_EQ(answer(register_text(request, next_branch()), moved).status_code(), 200);
  const auto stored = bindings();
  ASSERT_EQ(stored.size(), 1U);
  EXPECT_EQ(stored[0].flow.address, "192.0.2.77");
  EXPECT_EQ(stored[0].contact_uri, "sip:alice@10.0.0.9:5060;ob");
  EXPECT_EQ(stored[0].reg_id, 1U);
}

TEST_F(RegistrarTest, PlainRegistrationHasNoFlowTimer) {
  const auto ok = register_with({}, "alice-secret");
  EXPECT_TRUE(values_of(ok, sip::HeaderId::FlowTimer).empty());
}

TEST_F(RegistrarTest, AUserCannotRegisterAnotherUsersAddress) {
  RegisterText request;
  const auto challenge = answer(register_text(request, next_branch()));
  // Bob's credentials on a REGISTER for alice.
  request.authorization = answer_challenge(challenge, "bob", "bob-secret");
  EXPECT_EQ(answer(register_text(request, next_branch())).status_code(), 403);
  EXPECT_TRUE(bindings().empty());
}

TEST_F(RegistrarTest, RetransmittedRegisterIsAnsweredByItsTransactionWithTheSameResponse) {
  const auto text = register_text({}, "retransmitted");
  const auto first = send(text);
  const auto again = send(text);
  ASSERT_EQ(first.size(), 1U);
  ASSERT_EQ(again.size(), 1U);
  EXPECT_EQ(first[0].bytes, again[0].bytes);
}

TEST_F(RegistrarTest, ListingRegisterWithoutContactReturnsCurrentBindings) {
  ASSERT_EQ(register_with({}, "alice-secret").status_code(), 200);
  RegisterText query;
  query.contacts = {};
  query.expires.reset();
  query.call_id = "query";
  const auto listing = register_with(query, "alice-secret");
  EXPECT_EQ(values_of(listing, sip::HeaderId::Contact),
            std::vector<std::string>{"<sip:alice@10.0.0.5:5060>;expires=600"});
}

}  // namespace
}  // namespace tipring::relay::testing
