// The registrar's group commit when the COMMIT itself fails: a batch's REGISTERs are
// answered 500 with Retry-After instead of 200, nothing of the batch is stored or routed
// to, the failure is counted and reported once, and the store works again afterwards.
// Real SQLite throughout; the COMMIT fails because the kernel refuses its writes
// (FileWritesRefused: RLIMIT_FSIZE, the path of a full or failing disk).
#include "relay_server/proxy/directory_unavailable.h"
#include "tests/relay_server/file_writes_refused.h"
#include "tests/relay_server/proxy/proxy_call_fixture.h"

namespace tipring::relay::testing {
namespace {

class CommitFailure : public ProxyCallFixture {
protected:
  // A REGISTER for `ua` carrying credentials for a fresh challenge, not yet sent.
  std::string authorized_register(const FakeUa& ua, const std::string& contact,
                                  const std::string& call_id) {
    RegisterText request;
    request.user = ua.user;
    request.call_id = call_id;
    request.contacts = {contact};
    const auto challenge = answer(register_text(request, next_branch()), ua.flow, ua.socket);
    EXPECT_EQ(challenge.status_code(), 401);
    request.authorization = answer_challenge(challenge, ua.user, ua.user + "-secret");
    request.cseq = 2;
    return register_text(request, next_branch());
  }

  // An INVITE from alice to bob with credentials for a fresh 407, not yet sent.
  std::string authorized_invite() {
    RequestText invite;
    const auto challenge =
        first_final(send(request_text(invite), alice_ua().flow), alice_ua().flow);
    EXPECT_TRUE(challenge && challenge->status_code() == 407);
    RequestText ack = invite;
    ack.method = "ACK";
    ack.to_tag = challenge ? std::string(challenge->to_tag()) : std::string();
    EXPECT_TRUE(send(request_text(ack), alice_ua().flow).empty());
    invite.extra_headers.push_back(
        "Proxy-Authorization: " +
        proxy_credentials(challenge ? *challenge : sip::Message::response(999), "alice",
                          "alice-secret", "INVITE", invite.request_uri));
    invite.cseq = 2;
    invite.branch += "x";
    return request_text(invite);
  }

  std::vector<Outgoing> take_outgoing() {
    std::vector<Outgoing> out;
    while (auto next = core().poll_outgoing()) {
      out.push_back(std::move(*next));
    }
    return out;
  }

  // The bindings of `aor` as a relay restarted on the same file would find them.
  std::size_t bindings_after_restart(std::string_view aor) {
    auto reopened = SqliteDirectory::open(dir_.file("relay.db"));
    EXPECT_TRUE(reopened);
    return reopened ? (*reopened)->bindings_for(aor, clock_.wall)->size() : 99;
  }

  static std::string retry_after(const sip::Message& response) {
    for (std::size_t i = 0; i < response.header_count(); ++i) {
      if (response.header(i).id == sip::HeaderId::RetryAfter) {
        return std::string(response.header(i).value);
      }
    }
    return {};
  }
};

TEST_F(CommitFailure, EveryRegisterOfTheBatchIsAnswered500WithRetryAfterAndNothingIsStored) {
  const auto alice = authorized_register(alice_ua(), "<sip:alice@10.0.0.5:5060>", "reg-a");
  const auto bob = authorized_register(bob_ua(), "<sip:bob@10.0.1.7:5062>", "reg-b");

  core().begin_batch();
  core().on_datagram(alice, alice_ua().flow, alice_ua().socket, clock_);
  core().on_datagram(bob, bob_ua().flow, bob_ua().socket, clock_);
  // No 200 may leave before the COMMIT.
  EXPECT_TRUE(take_outgoing().empty());
  {
    const FileWritesRefused refused;
    ASSERT_TRUE(refused.active());
    core().end_batch(clock_);
  }
  const auto out = take_outgoing();
  ASSERT_EQ(out.size(), 2U);
  for (const auto& ua : {alice_ua(), bob_ua()}) {
    const auto answers = sent_to(out, ua.flow);
    ASSERT_EQ(answers.size(), 1U) << ua.user;
    EXPECT_EQ(answers[0].status_code(), 500) << ua.user;
    EXPECT_EQ(retry_after(answers[0]), std::to_string(kDirectoryRetryAfterS)) << ua.user;
    EXPECT_FALSE(answers[0].to_tag().empty());
  }
  EXPECT_TRUE(bindings("sip:alice@tipring.test").empty());
  EXPECT_TRUE(bindings("sip:bob@tipring.test").empty());
  EXPECT_EQ(bindings_after_restart("sip:alice@tipring.test"), 0U);
  EXPECT_EQ(bindings_after_restart("sip:bob@tipring.test"), 0U);

  EXPECT_EQ(core().counters().commit_failures, 1U);
  EXPECT_EQ(core().counters().registrations_updated, 0U);
  EXPECT_EQ(core().counters().responses_sent.count(200), 0U);
  EXPECT_EQ(core().counters().responses_sent.at(500), 2U);
  const auto failure = core().poll_commit_failure();
  ASSERT_TRUE(failure);
  EXPECT_EQ(failure->requests_refused, 2U);
  EXPECT_NE(failure->error.describe().find("disk I/O error"), std::string::npos)
      << failure->error.describe();
  EXPECT_FALSE(core().poll_commit_failure());  // one report per batch, not per request

  // The disk is writable again: the UA's retry is stored and answered 200.
  RegisterText retry;
  retry.call_id = "reg-a";
  retry.cseq = 3;
  EXPECT_EQ(register_with(retry, "alice-secret").status_code(), 200);
  EXPECT_EQ(bindings("sip:alice@tipring.test").size(), 1U);
  EXPECT_EQ(bindings_after_restart("sip:alice@tipring.test"), 1U);
  EXPECT_EQ(core().counters().commit_failures, 1U);
}

TEST_F(CommitFailure, ARetransmissionOfARefusedRegisterGetsThe500Again) {
  // RFC 3261 §17.2.2: the server transaction answers retransmissions with its final
  // response, which must be the 500 it sent, never the 200 that was built before the COMMIT.
  const auto alice = authorized_register(alice_ua(), "<sip:alice@10.0.0.5:5060>", "reg-a");
  core().begin_batch();
  core().on_datagram(alice, alice_ua().flow, alice_ua().socket, clock_);
  {
    const FileWritesRefused refused;
    ASSERT_TRUE(refused.active());
    core().end_batch(clock_);
  }
  ASSERT_EQ(take_outgoing().size(), 1U);
  const auto again = answer(alice, alice_ua().flow, alice_ua().socket);
  EXPECT_EQ(again.status_code(), 500);
  EXPECT_TRUE(bindings("sip:alice@tipring.test").empty());
}

TEST_F(CommitFailure, AnInviteInTheSameBatchIsNotRoutedToABindingWhoseCommitFailed) {
  // Routing reads bindings on the batch's own connection, which sees the batch's
  // uncommitted writes; ProxyCore commits before it routes, so the INVITE meets the
  // failure and finds bob unregistered (480), instead of ringing a binding that is lost.
  register_ua(alice_ua(), "<sip:alice@10.0.0.5:5060>", "reg-alice");
  const auto invite = authorized_invite();
  const auto bob = authorized_register(bob_ua(), "<sip:bob@10.0.1.7:5062>", "reg-b");

  core().begin_batch();
  core().on_datagram(bob, bob_ua().flow, bob_ua().socket, clock_);
  {
    const FileWritesRefused refused;
    ASSERT_TRUE(refused.active());
    core().on_datagram(invite, alice_ua().flow, alice_ua().socket, clock_);
    core().end_batch(clock_);
  }
  const auto out = take_outgoing();
  EXPECT_FALSE(first_request(out, bob_ua().flow, sip::Method::Invite));
  ASSERT_TRUE(first_final(out, bob_ua().flow));
  EXPECT_EQ(first_final(out, bob_ua().flow)->status_code(), 500);
  ASSERT_TRUE(first_final(out, alice_ua().flow));
  EXPECT_EQ(first_final(out, alice_ua().flow)->status_code(), 480);
  EXPECT_EQ(core().counters().commit_failures, 1U);
}

TEST_F(CommitFailure, AnInviteInTheSameBatchReachesTheBindingOnlyAfterItsCommit) {
  register_ua(alice_ua(), "<sip:alice@10.0.0.5:5060>", "reg-alice");
  const auto invite = authorized_invite();
  const auto bob = authorized_register(bob_ua(), "<sip:bob@10.0.1.7:5062>", "reg-b");

  core().begin_batch();
  core().on_datagram(bob, bob_ua().flow, bob_ua().socket, clock_);
  core().on_datagram(invite, alice_ua().flow, alice_ua().socket, clock_);
  // Already durable when the INVITE was routed, before the batch ended.
  EXPECT_EQ(bindings_after_restart("sip:bob@tipring.test"), 1U);
  core().end_batch(clock_);
  const auto to_bob = sent_to(take_outgoing(), bob_ua().flow);
  ASSERT_EQ(to_bob.size(), 2U);
  EXPECT_EQ(to_bob[0].status_code(), 200);
  EXPECT_TRUE(to_bob[1].is_request());
  EXPECT_EQ(to_bob[1].method(), sip::Method::Invite);
  EXPECT_EQ(core().counters().commit_failures, 0U);
}

TEST_F(CommitFailure, ADatagramOutsideABatchIsABatchOfItsOwn) {
  // The single-request path: no begin_batch, so on_datagram commits (or fails) on its own.
  const auto alice = authorized_register(alice_ua(), "<sip:alice@10.0.0.5:5060>", "reg-a");
  std::vector<Outgoing> out;
  {
    const FileWritesRefused refused;
    ASSERT_TRUE(refused.active());
    core().on_datagram(alice, alice_ua().flow, alice_ua().socket, clock_);
  }
  out = take_outgoing();
  ASSERT_EQ(out.size(), 1U);
  const auto response = *sip::Message::parse(out[0].bytes);
  EXPECT_EQ(response.status_code(), 500);
  EXPECT_EQ(retry_after(response), std::to_string(kDirectoryRetryAfterS));
  EXPECT_EQ(bindings_after_restart("sip:alice@tipring.test"), 0U);
  EXPECT_EQ(core().counters().commit_failures, 1U);
}

TEST_F(CommitFailure, AStoreLockedPastTheBusyTimeoutAnswers500WithRetryAfterAtOnce) {
  // A lock fails the batch's BEGIN (its first write), not its COMMIT: the registrar answers
  // that REGISTER 500 itself; there was no commit to fail.
  directory_ = *SqliteDirectory::open(dir_.file("relay.db"), std::chrono::milliseconds(0));
  const auto alice = authorized_register(alice_ua(), "<sip:alice@10.0.0.5:5060>", "reg-a");
  auto other = SqliteDirectory::open(dir_.file("relay.db"));  // another writer, mid-write
  ASSERT_TRUE(other);
  (*other)->begin_batch();
  ASSERT_TRUE((*other)->put_user(make_user_record("carol", kDomain, "carol-secret")));

  const auto refused = answer(alice, alice_ua().flow, alice_ua().socket);
  EXPECT_EQ(refused.status_code(), 500);
  EXPECT_EQ(retry_after(refused), std::to_string(kDirectoryRetryAfterS));
  EXPECT_EQ(core().counters().commit_failures, 0U);

  ASSERT_TRUE((*other)->end_batch());
  RegisterText retry;
  retry.call_id = "reg-a";
  retry.cseq = 3;
  EXPECT_EQ(register_with(retry, "alice-secret").status_code(), 200);
  EXPECT_EQ(bindings_after_restart("sip:alice@tipring.test"), 1U);
}

}  // namespace
}  // namespace tipring::relay::testing
