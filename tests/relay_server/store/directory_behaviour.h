// The behaviour every Directory backend must show, as a typed test suite. A backend's test
// file defines a `Backend` type with `std::unique_ptr<Directory> open()` (reopening the same
// storage each call, as a restarted relay would) and instantiates the suite with it.
#pragma once

#include "relay_server/store/directory.h"

#include <memory>

#include <gtest/gtest.h>

namespace tipring::relay {

template <class Backend>
class DirectoryBehaviour : public ::testing::Test {
protected:
  void SetUp() override {
    backend_ = std::make_unique<Backend>();
    if (!backend_->ready()) {
      return;  // the backend's SetUp already skipped or failed the test
    }
    directory_ = backend_->open();
    ASSERT_NE(directory_, nullptr);
  }
  void reopen() {
    directory_.reset();
    directory_ = backend_->open();
    ASSERT_NE(directory_, nullptr);
  }

  static constexpr UnixSeconds kNow{std::chrono::seconds(1'800'000'000)};

  static Binding binding(std::string aor, std::string contact, std::int64_t expires_in,
                         std::uint16_t q = 1000) {
    Binding b;
    b.aor = std::move(aor);
    b.contact_uri = std::move(contact);
    b.expires_at = kNow + std::chrono::seconds(expires_in);
    b.q_thousandths = q;
    b.flow = Flow{"udp", "198.18.0.7", 40123, "127.0.0.1:5060"};
    b.owner_proxy = "proxy-a";
    b.call_id = "reg-1@198.18.0.7";
    b.cseq = 7;
    return b;
  }

  std::unique_ptr<Backend> backend_;
  std::unique_ptr<Directory> directory_;
};

TYPED_TEST_SUITE_P(DirectoryBehaviour);

#define TIPRING_REQUIRE_BACKEND()        \
  if (this->directory_ == nullptr) {     \
    GTEST_SKIP() << "backend not ready"; \
  }

TYPED_TEST_P(DirectoryBehaviour, UserRoundTripKeepsBothDigestsPerRealm) {
  TIPRING_REQUIRE_BACKEND();
  const UserRecord alice{"alice", "tipring", std::string(32, 'a'), std::string(64, 'b')};
  ASSERT_TRUE(this->directory_->put_user(alice));
  auto found = this->directory_->find_user("alice", "tipring");
  ASSERT_TRUE(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, alice);
  auto other_realm = this->directory_->find_user("alice", "elsewhere");
  ASSERT_TRUE(other_realm);
  EXPECT_FALSE(other_realm->has_value());
}

TYPED_TEST_P(DirectoryBehaviour, PutUserAgainReplacesTheDigests) {
  TIPRING_REQUIRE_BACKEND();
  ASSERT_TRUE(this->directory_->put_user({"bob", "r", "old-md5", "old-sha"}));
  ASSERT_TRUE(this->directory_->put_user({"bob", "r", "new-md5", "new-sha"}));
  auto found = this->directory_->find_user("bob", "r");
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->ha1_md5, "new-md5");
  auto all = this->directory_->list_users();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 1U);
}

TYPED_TEST_P(DirectoryBehaviour, RemoveUserReportsWhetherItExisted) {
  TIPRING_REQUIRE_BACKEND();
  ASSERT_TRUE(this->directory_->put_user({"carol", "r", "m", "s"}));
  auto first = this->directory_->remove_user("carol", "r");
  auto second = this->directory_->remove_user("carol", "r");
  ASSERT_TRUE(first && second);
  EXPECT_TRUE(*first);
  EXPECT_FALSE(*second);
  auto found = this->directory_->find_user("carol", "r");
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->has_value());
}

TYPED_TEST_P(DirectoryBehaviour, ListUsersIsOrderedByRealmThenUser) {
  TIPRING_REQUIRE_BACKEND();
  for (const auto& [user, realm] :
       {std::pair{"zed", "a"}, std::pair{"amy", "b"}, std::pair{"bea", "a"}}) {
    ASSERT_TRUE(this->directory_->put_user({user, realm, "m", "s"}));
  }
  auto all = this->directory_->list_users();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3U);
  EXPECT_EQ((*all)[0].user, "bea");
  EXPECT_EQ((*all)[1].user, "zed");
  EXPECT_EQ((*all)[2].user, "amy");
}

TYPED_TEST_P(DirectoryBehaviour, BindingRoundTripKeepsEveryField) {
  TIPRING_REQUIRE_BACKEND();
  auto b = this->binding("sip:alice@example.test", "sip:alice@198.18.0.7:40123;ob", 600, 500);
  b.instance_id = "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>";
  b.reg_id = 2;
  b.path = "<sip:edge.example.test;lr>";
  b.flow = Flow{"tcp", "2001:db8::5", 5070, "[::1]:5060"};
  ASSERT_TRUE(this->directory_->put_binding(b, this->kNow));
  auto live = this->directory_->bindings_for(b.aor, this->kNow);
  ASSERT_TRUE(live);
  ASSERT_EQ(live->size(), 1U);
  EXPECT_EQ(live->front(), b);
}

TYPED_TEST_P(DirectoryBehaviour, RefreshOfTheSameContactReplacesItsBinding) {
  TIPRING_REQUIRE_BACKEND();
  auto b = this->binding("sip:a@x", "sip:a@198.18.0.7:1", 60);
  ASSERT_TRUE(this->directory_->put_binding(b, this->kNow));
  b.expires_at = this->kNow + std::chrono::seconds(3600);
  b.cseq = 8;
  ASSERT_TRUE(this->directory_->put_binding(b, this->kNow));
  auto live = this->directory_->bindings_for("sip:a@x", this->kNow);
  ASSERT_TRUE(live);
  ASSERT_EQ(live->size(), 1U);
  EXPECT_EQ(live->front().cseq, 8U);
  EXPECT_EQ(live->front().expires_at, b.expires_at);
}

TYPED_TEST_P(DirectoryBehaviour, OutboundBindingsAreKeyedByInstanceAndRegId) {
  TIPRING_REQUIRE_BACKEND();
  auto first = this->binding("sip:a@x", "sip:a@198.18.0.7:1", 600);
  first.instance_id = "<urn:uuid:1>";
  first.reg_id = 1;
  auto second = first;
  second.reg_id = 2;  // a second flow of the same instance (RFC 5626 §4.2)
  auto moved = first;
  moved.contact_uri = "sip:a@198.18.0.9:2";  // the first flow from a new NAT address
  for (const auto& b : {first, second, moved}) {
    ASSERT_TRUE(this->directory_->put_binding(b, this->kNow));
  }
  auto live = this->directory_->bindings_for("sip:a@x", this->kNow);
  ASSERT_TRUE(live);
  ASSERT_EQ(live->size(), 2U);
  for (const auto& b : *live) {
    if (b.reg_id == 1) {
      EXPECT_EQ(b.contact_uri, "sip:a@198.18.0.9:2");
    }
  }
}

TYPED_TEST_P(DirectoryBehaviour, BindingsComeHighestQFirstThenLongestLived) {
  TIPRING_REQUIRE_BACKEND();
  ASSERT_TRUE(
      this->directory_->put_binding(this->binding("sip:a@x", "sip:low", 900, 100), this->kNow));
  ASSERT_TRUE(this->directory_->put_binding(this->binding("sip:a@x", "sip:high-short", 60, 900),
                                            this->kNow));
  ASSERT_TRUE(this->directory_->put_binding(this->binding("sip:a@x", "sip:high-long", 600, 900),
                                            this->kNow));
  auto live = this->directory_->bindings_for("sip:a@x", this->kNow);
  ASSERT_TRUE(live);
  ASSERT_EQ(live->size(), 3U);
  EXPECT_EQ((*live)[0].contact_uri, "sip:high-long");
  EXPECT_EQ((*live)[1].contact_uri, "sip:high-short");
  EXPECT_EQ((*live)[2].contact_uri, "sip:low");
}

TYPED_TEST_P(DirectoryBehaviour, ExpiredBindingsAreHiddenThenPurged) {
  TIPRING_REQUIRE_BACKEND();
  ASSERT_TRUE(this->directory_->put_binding(this->binding("sip:a@x", "sip:short", 30), this->kNow));
  ASSERT_TRUE(this->directory_->put_binding(this->binding("sip:a@x", "sip:long", 600), this->kNow));
  const auto later = this->kNow + std::chrono::seconds(30);  // "short" expires exactly now
  auto live = this->directory_->bindings_for("sip:a@x", later);
  ASSERT_TRUE(live);
  ASSERT_EQ(live->size(), 1U);
  EXPECT_EQ(live->front().contact_uri, "sip:long");
  auto purged = this->directory_->purge_expired(later);
  ASSERT_TRUE(purged);
  EXPECT_EQ(*purged, 1U);
  auto count = this->directory_->count_bindings(this->kNow);
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 1U);  // even at the earlier time, the purged one is gone
}

TYPED_TEST_P(DirectoryBehaviour, AlreadyExpiredBindingIsNotStored) {
  TIPRING_REQUIRE_BACKEND();
  ASSERT_TRUE(this->directory_->put_binding(this->binding("sip:a@x", "sip:gone", 0), this->kNow));
  auto count = this->directory_->count_bindings(this->kNow - std::chrono::seconds(10));
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 0U);
}

TYPED_TEST_P(DirectoryBehaviour, RemoveOneBindingOrAllOfAnAor) {
  TIPRING_REQUIRE_BACKEND();
  for (const char* contact : {"sip:1", "sip:2", "sip:3"}) {
    ASSERT_TRUE(this->directory_->put_binding(this->binding("sip:a@x", contact, 600), this->kNow));
  }
  ASSERT_TRUE(this->directory_->put_binding(this->binding("sip:b@x", "sip:9", 600), this->kNow));
  auto removed = this->directory_->remove_binding("sip:a@x", "sip:2");
  ASSERT_TRUE(removed);
  EXPECT_TRUE(*removed);
  auto again = this->directory_->remove_binding("sip:a@x", "sip:2");
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  auto all = this->directory_->remove_bindings("sip:a@x");
  ASSERT_TRUE(all);
  EXPECT_EQ(*all, 2U);
  auto left_a = this->directory_->bindings_for("sip:a@x", this->kNow);
  auto left_b = this->directory_->bindings_for("sip:b@x", this->kNow);
  ASSERT_TRUE(left_a && left_b);
  EXPECT_TRUE(left_a->empty());
  EXPECT_EQ(left_b->size(), 1U);
}

TYPED_TEST_P(DirectoryBehaviour, OwnersOfListsEachLiveOwningProxyOnce) {
  TIPRING_REQUIRE_BACKEND();
  auto a1 = this->binding("sip:a@x", "sip:1", 600);
  auto a2 = this->binding("sip:a@x", "sip:2", 600);
  auto b1 = this->binding("sip:a@x", "sip:3", 600);
  auto stale = this->binding("sip:a@x", "sip:4", 10);
  b1.owner_proxy = "proxy-b";
  stale.owner_proxy = "proxy-c";
  for (const auto& b : {a1, a2, b1, stale}) {
    ASSERT_TRUE(this->directory_->put_binding(b, this->kNow));
  }
  auto owners = this->directory_->owners_of("sip:a@x", this->kNow + std::chrono::seconds(20));
  ASSERT_TRUE(owners);
  EXPECT_EQ(*owners, (std::vector<std::string>{"proxy-a", "proxy-b"}));
}

TYPED_TEST_P(DirectoryBehaviour, BindingsAndUsersSurviveReopening) {
  TIPRING_REQUIRE_BACKEND();
  const auto b = this->binding("sip:a@x", "sip:a@198.18.0.7:1", 600);
  ASSERT_TRUE(this->directory_->put_binding(b, this->kNow));
  ASSERT_TRUE(this->directory_->put_user({"a", "x", "m", "s"}));
  this->reopen();
  auto live = this->directory_->bindings_for("sip:a@x", this->kNow);
  ASSERT_TRUE(live);
  ASSERT_EQ(live->size(), 1U);
  EXPECT_EQ(live->front(), b);
  auto user = this->directory_->find_user("a", "x");
  ASSERT_TRUE(user);
  EXPECT_TRUE(user->has_value());
}

TYPED_TEST_P(DirectoryBehaviour, FirstSecretStoredIsKeptAcrossReopeningAndLaterCandidates) {
  TIPRING_REQUIRE_BACKEND();
  auto first = this->directory_->keep_secret("proxy-a", "00ff");
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_EQ(*first, "00ff");
  auto again = this->directory_->keep_secret("proxy-a", "1234");
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, "00ff");
  auto other = this->directory_->keep_secret("proxy-b", "abcd");
  ASSERT_TRUE(other);
  EXPECT_EQ(*other, "abcd");
  this->reopen();
  auto reopened = this->directory_->keep_secret("proxy-a", "5678");
  ASSERT_TRUE(reopened);
  EXPECT_EQ(*reopened, "00ff");
}

REGISTER_TYPED_TEST_SUITE_P(DirectoryBehaviour, UserRoundTripKeepsBothDigestsPerRealm,
                            PutUserAgainReplacesTheDigests, RemoveUserReportsWhetherItExisted,
                            ListUsersIsOrderedByRealmThenUser, BindingRoundTripKeepsEveryField,
                            RefreshOfTheSameContactReplacesItsBinding,
                            OutboundBindingsAreKeyedByInstanceAndRegId,
                            BindingsComeHighestQFirstThenLongestLived,
                            ExpiredBindingsAreHiddenThenPurged, AlreadyExpiredBindingIsNotStored,
                            RemoveOneBindingOrAllOfAnAor, OwnersOfListsEachLiveOwningProxyOnce,
                            BindingsAndUsersSurviveReopening,
                            FirstSecretStoredIsKeptAcrossReopeningAndLaterCandidates);

}  // namespace tipring::relay
