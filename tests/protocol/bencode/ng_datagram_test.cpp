#include "protocol/bencode/ng_datagram.h"

#include <string>

#include <gtest/gtest.h>

namespace tipring::bencode {
namespace {

std::string bstr(std::string_view s) {
  return std::to_string(s.size()) + ":" + std::string(s);
}

TEST(NgDatagram, PingFromTheNgProtocolDocumentationDecodes) {
  auto msg = decode_ng_datagram("5323_1 d7:command4:pinge");
  ASSERT_TRUE(msg.has_value()) << msg.error().describe();
  EXPECT_EQ(msg->cookie, "5323_1");
  EXPECT_EQ(msg->body.get_string("command"), "ping");
}

TEST(NgDatagram, PongReplyRepeatsTheCookie) {
  EXPECT_EQ(join_ng_datagram("5323_1", Dict{{"result", "pong"}}), "5323_1 d6:result4:ponge");
}

// An offer as Kamailio's rtpengine module builds it: keys in insertion order, flags and
// replace as lists, received-from as [family, address].
TEST(NgDatagram, OfferCommandDecodesWithEveryField) {
  const std::string sdp =
      "v=0\r\no=- 1 1 IN IP4 192.168.1.10\r\ns=-\r\nc=IN IP4 192.168.1.10\r\nt=0 0\r\n"
      "m=audio 4000 RTP/AVP 111 0 101\r\n";
  const std::string datagram =
      "8247_17 d" + bstr("command") + bstr("offer") + bstr("call-id") +
      bstr("a84b4c76e66710@alice") + bstr("from-tag") + bstr("1928301774") + bstr("sdp") +
      bstr(sdp) + bstr("flags") + "l" + bstr("trust-address") + bstr("symmetric") + "e" +
      bstr("replace") + "l" + bstr("origin") + bstr("session-connection") + "e" +
      bstr("received-from") + "l" + bstr("IP4") + bstr("198.18.0.5") + "e" + bstr("rtcp-mux") +
      "l" + bstr("demux") + "e" + bstr("ICE") + bstr("remove") + "e";
  auto msg = decode_ng_datagram(datagram);
  ASSERT_TRUE(msg.has_value()) << msg.error().describe();
  const Dict& body = msg->body;
  EXPECT_EQ(msg->cookie, "8247_17");
  EXPECT_EQ(body.get_string("command"), "offer");
  EXPECT_EQ(body.get_string("call-id"), "a84b4c76e66710@alice");
  EXPECT_EQ(body.get_string("from-tag"), "1928301774");
  EXPECT_EQ(body.get_string("sdp"), sdp);
  EXPECT_EQ(body.get_string("ICE"), "remove");
  const List* flags = body.get_list("flags");
  ASSERT_NE(flags, nullptr);
  ASSERT_EQ(flags->size(), 2U);
  EXPECT_EQ(*(*flags)[0].string(), "trust-address");
  EXPECT_EQ(*(*flags)[1].string(), "symmetric");
  const List* from = body.get_list("received-from");
  ASSERT_NE(from, nullptr);
  ASSERT_EQ(from->size(), 2U);
  EXPECT_EQ(*(*from)[1].string(), "198.18.0.5");

  // Re-encoding is canonical: keys in byte order ("ICE" sorts before lower case).
  const std::string rejoined = join_ng_datagram(msg->cookie, body);
  EXPECT_EQ(rejoined.substr(0, 16), "8247_17 d3:ICE6:");
  auto again = decode_ng_datagram(rejoined);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->body, body);
}

TEST(NgDatagram, ErrorReplyEncodesResultAndReason) {
  const Dict reply{{"result", "error"}, {"error-reason", "Unknown call-id"}};
  EXPECT_EQ(join_ng_datagram("c1", reply), "c1 d12:error-reason15:Unknown call-id6:result5:errore");
}

TEST(NgDatagram, SplitKeepsViewsIntoTheDatagram) {
  const std::string datagram = "abc de";
  auto frame = split_ng_datagram(datagram);
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(frame->cookie.data(), datagram.data());
  EXPECT_EQ(frame->body, "de");
}

TEST(NgDatagram, BodyMaySpanFurtherSpacesInsideStrings) {
  auto msg = decode_ng_datagram("k d3:sdp3:a be");
  ASSERT_TRUE(msg.has_value());
  EXPECT_EQ(msg->body.get_string("sdp"), "a b");
}

struct BadFrame {
  const char* name;
  std::string datagram;
  std::string_view rule;
};

class MalformedDatagrams : public ::testing::TestWithParam<BadFrame> {};

TEST_P(MalformedDatagrams, AreRejected) {
  auto msg = decode_ng_datagram(GetParam().datagram);
  ASSERT_FALSE(msg.has_value());
  EXPECT_EQ(msg.error().rule, GetParam().rule) << msg.error().describe();
}

INSTANTIATE_TEST_SUITE_P(
    Framing, MalformedDatagrams,
    ::testing::Values(
        BadFrame{"no_space", "5323_1d7:command4:pinge", "ng protocol: COOKIE SP BENCODED-DICT"},
        BadFrame{"empty_cookie", " d7:command4:pinge", "ng protocol: COOKIE SP BENCODED-DICT"},
        BadFrame{"empty_body", "5323_1 ", "ng protocol: COOKIE SP BENCODED-DICT"},
        BadFrame{"body_is_list", "5323_1 l4:pinge", "ng protocol: COOKIE SP BENCODED-DICT"},
        BadFrame{"control_byte_in_cookie",
                 "53\x01"
                 "1 de",
                 "ng protocol: COOKIE SP BENCODED-DICT"},
        BadFrame{"cookie_too_long", std::string(300, 'c') + " de",
                 "ng protocol: COOKIE SP BENCODED-DICT"},
        BadFrame{"body_not_bencode", "5323_1 {\"command\":\"ping\"}", "BEP 3 bencode value"},
        BadFrame{"trailing_after_dict", "5323_1 dee", "BEP 3 bencode value"}),
    [](const auto& test) { return std::string(test.param.name); });

}  // namespace
}  // namespace tipring::bencode
