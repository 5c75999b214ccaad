#include "protocol/sip/stream_framer.h"

#include "tests/protocol/sip/sample_messages.h"

#include <gtest/gtest.h>

namespace tipring::sip {
namespace {

TEST(StreamFramer, CutsMessagesByContentLengthAcrossArbitraryChunks) {
  std::string stream = samples::kInvite + samples::kOk + samples::kRegister;
  for (std::size_t chunk : {1U, 7U, 100U, 5000U}) {
    StreamFramer framer;
    std::vector<Message> got;
    for (std::size_t i = 0; i < stream.size(); i += chunk) {
      framer.push(std::string_view(stream).substr(i, chunk));
      while (auto item = framer.next()) {
        ASSERT_TRUE(*item) << item->error().describe();
        ASSERT_EQ((*item)->kind, StreamItemKind::Message);
        got.push_back(std::move((*item)->message));
      }
    }
    ASSERT_EQ(got.size(), 3U) << "chunk " << chunk;
    EXPECT_EQ(got[0].method(), Method::Invite);
    EXPECT_EQ(got[0].body().size(), 300U);
    EXPECT_EQ(got[1].status_code(), 200);
    EXPECT_EQ(got[2].method(), Method::Register);
    EXPECT_EQ(framer.buffered_bytes(), 0U);
  }
}

TEST(StreamFramer, RecognisesRfc5626PingAndPongBetweenMessages) {
  StreamFramer framer;
  framer.push("\r\n\r\n");
  auto ping = framer.next();
  ASSERT_TRUE(ping && *ping);
  EXPECT_EQ((*ping)->kind, StreamItemKind::Ping);
  framer.push("\r\n" + samples::kOk);
  auto pong = framer.next();
  ASSERT_TRUE(pong && *pong);
  EXPECT_EQ((*pong)->kind, StreamItemKind::Pong);
  auto message = framer.next();
  ASSERT_TRUE(message && *message);
  EXPECT_EQ((*message)->kind, StreamItemKind::Message);
  EXPECT_FALSE(framer.next());
}

TEST(StreamFramer, WaitsForTheWholeBody) {
  StreamFramer framer;
  framer.push(samples::kInvite.substr(0, samples::kInvite.size() - 1));
  EXPECT_FALSE(framer.next());
  framer.push(samples::kInvite.substr(samples::kInvite.size() - 1));
  auto item = framer.next();
  ASSERT_TRUE(item && *item);
}

TEST(StreamFramer, MissingContentLengthFailsTheStream) {
  std::string text = samples::kOk;
  text.replace(text.find("Content-Length: 0\r\n"), 19, "");
  StreamFramer framer;
  framer.push(text);
  auto item = framer.next();
  ASSERT_TRUE(item);
  ASSERT_FALSE(*item);
  EXPECT_EQ(item->error().rule, "RFC 3261 §18.3 Content-Length framing");
  framer.push(samples::kOk);
  auto after = framer.next();
  ASSERT_TRUE(after);
  EXPECT_FALSE(*after);
}

TEST(StreamFramer, AMalformedButFramedMessageDoesNotDesynchronise) {
  std::string bad = samples::kOk;
  bad.replace(bad.find("CSeq: 314159 INVITE"), 19, "CSeq: x INVITE     ");
  StreamFramer framer;
  framer.push(bad + samples::kOk);
  auto first = framer.next();
  ASSERT_TRUE(first);
  EXPECT_FALSE(*first);
  auto second = framer.next();
  ASSERT_TRUE(second && *second);
  EXPECT_EQ((*second)->message.status_code(), 200);
}

TEST(StreamFramer, OversizedHeaderSectionFails) {
  StreamFramer framer(100);
  framer.push(std::string(200, 'a'));
  auto item = framer.next();
  ASSERT_TRUE(item);
  EXPECT_FALSE(*item);
}

}  // namespace
}  // namespace tipring::sip
