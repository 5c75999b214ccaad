#include "relay_server/store/redis_directory.h"

#include "tests/relay_server/store/directory_behaviour.h"
#include "tests/relay_server/store/redis_server.h"

#include <cstdlib>
#include <string_view>

#include <gtest/gtest.h>

namespace tipring::relay {
namespace {

bool under_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string_view(ci) == "true";
}

// One redis-server per test process (ctest runs each test in its own process).
RedisServer* shared_server(std::string& why) {
  static std::string failure;
  static std::unique_ptr<RedisServer> server = [] {
    auto binary = RedisServer::find_binary();
    if (!binary) {
      failure = "redis-server is not installed";
      return std::unique_ptr<RedisServer>();
    }
    return RedisServer::start(*binary, failure);
  }();
  why = failure;
  return server.get();
}

// Under CI a missing or broken redis-server is a failure; on a desktop without it, a skip.
void report_unavailable(const std::string& why) {
  if (under_ci() || RedisServer::find_binary()) {
    ADD_FAILURE() << "redis-server could not be started: " << why;
  } else {
    GTEST_SKIP() << "redis-server is not installed; the Redis directory tests need it";
  }
}

struct RedisBackend {
  RedisServer* server = nullptr;
  std::string prefix;

  RedisBackend() {
    std::string why;
    server = shared_server(why);
    if (server == nullptr) {
      report_unavailable(why);
    }
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    prefix = std::string("t:") + test->test_suite_name() + "." + test->name() + ":";
  }
  [[nodiscard]] bool ready() const { return server != nullptr; }
  std::unique_ptr<Directory> open() {
    auto directory = RedisDirectory::open("127.0.0.1", server->port(), prefix);
    EXPECT_TRUE(directory) << directory.error().describe();
    return directory ? std::move(*directory) : nullptr;
  }
};

INSTANTIATE_TYPED_TEST_SUITE_P(Redis, DirectoryBehaviour, RedisBackend);

TEST(RedisDirectory, BindingKeyCarriesATtlAndTheDocumentedLayout) {
  RedisBackend backend;
  if (!backend.ready()) {
    return;
  }
  auto directory = backend.open();
  ASSERT_NE(directory, nullptr);
  const UnixSeconds now{std::chrono::seconds(1'800'000'000)};
  Binding b;
  b.aor = "sip:a@x";
  b.contact_uri = "sip:a@198.18.0.7:1";
  b.expires_at = now + std::chrono::seconds(120);
  ASSERT_TRUE(directory->put_binding(b, now));
  auto raw = RedisConnection::connect("127.0.0.1", backend.server->port(), std::chrono::seconds(1));
  ASSERT_TRUE(raw);
  auto ttl = raw->command({"TTL", backend.prefix + "binding:sip:a@x:sip:a@198.18.0.7:1"});
  ASSERT_TRUE(ttl);
  EXPECT_GT(ttl->integer(), 100);
  EXPECT_LE(ttl->integer(), 120);
  auto members = raw->command({"SMEMBERS", backend.prefix + "aor:sip:a@x"});
  ASSERT_TRUE(members);
  EXPECT_EQ(members->strings(), (std::vector<std::string>{"sip:a@198.18.0.7:1"}));
}

TEST(RedisDirectory, BindingWhoseTtlRanOutIsGoneAndItsIndexEntryCleaned) {
  RedisBackend backend;
  if (!backend.ready()) {
    return;
  }
  auto directory = backend.open();
  ASSERT_NE(directory, nullptr);
  const UnixSeconds now{std::chrono::seconds(1'800'000'000)};
  Binding b;
  b.aor = "sip:a@x";
  b.contact_uri = "sip:gone";
  b.expires_at = now + std::chrono::seconds(600);
  ASSERT_TRUE(directory->put_binding(b, now));
  auto raw = RedisConnection::connect("127.0.0.1", backend.server->port(), std::chrono::seconds(1));
  ASSERT_TRUE(raw);
  // Stand in for the TTL running out, without waiting for it.
  ASSERT_TRUE(raw->command({"DEL", backend.prefix + "binding:sip:a@x:sip:gone"}));
  auto live = directory->bindings_for("sip:a@x", now);
  ASSERT_TRUE(live);
  EXPECT_TRUE(live->empty());
  auto members = raw->command({"SCARD", backend.prefix + "aor:sip:a@x"});
  ASSERT_TRUE(members);
  EXPECT_EQ(members->integer(), 0);
}

TEST(RedisConnection, PipelineErrorIsReportedAndTheReplyStreamStaysInStep) {
  RedisBackend backend;
  if (!backend.ready()) {
    return;
  }
  auto redis =
      RedisConnection::connect("127.0.0.1", backend.server->port(), std::chrono::seconds(1));
  ASSERT_TRUE(redis);
  const std::string key = backend.prefix + "k";
  auto replies = redis->pipeline({{"SET", key, "v"}, {"INCR", key}, {"APPEND", key, "w"}});
  ASSERT_FALSE(replies);
  EXPECT_NE(replies.error().detail.find("not an integer"), std::string::npos)
      << replies.error().describe();
  auto value = redis->command({"GET", key});
  ASSERT_TRUE(value);
  EXPECT_EQ(value->text(), "vw");  // all three ran, and this reply is GET's own
}

TEST(RedisDirectory, UnreachableServerIsAnErrorNamingTheAddress) {
  auto directory = RedisDirectory::open("127.0.0.1", 1, "t:");
  ASSERT_FALSE(directory);
  EXPECT_NE(directory.error().describe().find("127.0.0.1:1"), std::string::npos);
}

}  // namespace
}  // namespace tipring::relay
