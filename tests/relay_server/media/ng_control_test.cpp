// Golden cases for the ng control protocol: each case is a name, the request datagrams and
// the expected reply datagrams, where PPPPP stands for a relay port (the tests' range has
// five-digit ports, so bencode lengths stay exact).
#include "relay_server/media/ng_control.h"

#include "protocol/bencode/ng_datagram.h"
#include "relay_server/media/media_relay.h"
#include "tests/relay_server/media/relay_call.h"
#include "tests/relay_server/media/udp_peer.h"

#include <regex>

#include <gtest/gtest.h>

namespace tipring::relay {
namespace {

using bencode::Dict;
using bencode::List;
using bencode::Value;

const std::string kAliceSdp =
    "v=0\r\n"
    "o=alice 2890844526 2890844526 IN IP4 192.168.1.10\r\n"
    "s=-\r\n"
    "c=IN IP4 192.168.1.10\r\n"
    "t=0 0\r\n"
    "a=ice-ufrag:F7gI\r\n"
    "m=audio 4000 RTP/AVP 0 101\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=candidate:1 1 UDP 2130706431 192.168.1.10 4000 typ host\r\n"
    "a=rtcp-mux\r\n"
    "a=sendrecv\r\n"
    "m=video 4002 RTP/AVP 96\r\n"
    "a=rtpmap:96 H264/90000\r\n";

const std::string kAliceRewritten =
    "v=0\r\n"
    "o=alice 2890844526 2890844526 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "c=IN IP4 127.0.0.1\r\n"
    "t=0 0\r\n"
    "m=audio PPPPP RTP/AVP 0 101\r\n"
    "c=IN IP4 127.0.0.1\r\n"  // protocol/sdp scopes the relay address to the audio stream
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=sendrecv\r\n"
    "a=rtcp:PPPPP\r\n"
    "a=rtcp-mux\r\n"
    "m=video 0 RTP/AVP 96\r\n"
    "a=rtpmap:96 H264/90000\r\n";

const std::string kBobSdp =
    "v=0\r\n"
    "o=bob 1 1 IN IP4 198.51.100.7\r\n"
    "s=-\r\n"
    "c=IN IP4 198.51.100.7\r\n"
    "t=0 0\r\n"
    "m=audio 5000 RTP/AVP 0\r\n"
    "a=rtpmap:0 PCMU/8000\r\n";

const std::string kBobRewritten =
    "v=0\r\n"
    "o=bob 1 1 IN IP4 198.51.100.7\r\n"
    "s=-\r\n"
    "c=IN IP4 127.0.0.1\r\n"
    "t=0 0\r\n"
    "m=audio PPPPP RTP/AVP 0\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtcp:PPPPP\r\n"
    "a=rtcp-mux\r\n";

Dict offer_request(std::string call_id = "call-1") {
  return Dict{{"command", "offer"},
              {"call-id", std::move(call_id)},
              {"from-tag", "alice-tag"},
              {"sdp", kAliceSdp},
              {"replace", List{"origin", "session-connection"}},
              {"ICE", "remove"},
              {"flags", List{"symmetric", "strict-source"}},
              {"received-from", List{"IP4", "203.0.113.5"}},
              {"via-branch", "z9hG4bK776asdhds"}};
}
Dict answer_request() {
  return Dict{{"command", "answer"},
              {"call-id", "call-1"},
              {"from-tag", "alice-tag"},
              {"to-tag", "bob-tag"},
              {"sdp", kBobSdp},
              {"ICE", "remove"},
              {"rtcp-mux", List{"accept"}},
              {"received-from", List{"IP4", "198.51.100.7"}}};
}
Dict error_reply(std::string reason) {
  return Dict{{"result", "error"}, {"error-reason", std::move(reason)}};
}

struct Exchange {
  std::string cookie;
  Dict request;  // sent as `cookie SP bencode(request)` unless raw is set
  std::string raw;
  std::string expected;  // with PPPPP for ports; empty = no reply
};

struct GoldenCase {
  std::string name;
  std::vector<Exchange> exchanges;
};

void PrintTo(const GoldenCase& c, std::ostream* os) {
  *os << c.name;
}

Exchange send(std::string cookie, Dict request, const Dict& reply) {
  Exchange e{cookie, std::move(request), {}, bencode::join_ng_datagram(cookie, reply)};
  return e;
}
Exchange send_raw(std::string raw, std::string expected) {
  return Exchange{{}, {}, std::move(raw), std::move(expected)};
}

bool matches(const std::string& actual, const std::string& expected) {
  std::string pattern;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (expected.compare(i, 5, "PPPPP") == 0) {
      pattern += "[0-9]{5}";
      i += 4;
    } else if (std::string("\\^$.|?*+()[]{}").find(expected[i]) != std::string::npos) {
      pattern += std::string("\\") + expected[i];
    } else {
      pattern += expected[i];
    }
  }
  return std::regex_match(actual, std::regex(pattern));
}

class NgGolden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(NgGolden, RepliesAsRecorded) {
  MediaRelay relay(testing::loopback_config(43000, 43999));
  ASSERT_TRUE(relay.start().has_value());
  NgControl control(relay);
  const TimePoint now{std::chrono::seconds(100)};
  for (const Exchange& e : GetParam().exchanges) {
    const std::string datagram =
        e.raw.empty() ? bencode::join_ng_datagram(e.cookie, e.request) : e.raw;
    const std::string reply = control.handle(datagram, now);
    EXPECT_TRUE(matches(reply, e.expected))
        << "request: " << datagram << "\nreply:    " << reply << "\nexpected: " << e.expected;
  }
}

const Dict kOfferReply{{"result", "ok"}, {"sdp", kAliceRewritten}};
const Dict kAnswerReply{{"result", "ok"}, {"sdp", kBobRewritten}};

INSTANTIATE_TEST_SUITE_P(
    Ng, NgGolden,
    ::testing::Values(
        GoldenCase{"PingIsAnsweredWithPong",
                   {send("5323_1", Dict{{"command", "ping"}}, Dict{{"result", "pong"}})}},
        GoldenCase{"OfferRewritesTheSdpToTheRelayAndDropsIceAndOtherStreams",
                   {send("c1", offer_request(), kOfferReply)}},
        GoldenCase{
            "AnswerRewritesTheCalleeSdp",
            {send("c1", offer_request(), kOfferReply), send("c2", answer_request(), kAnswerReply)}},
        GoldenCase{"AnswerWithoutOfferIsAnError",
                   {send("c1", answer_request(),
                         error_reply("media relay answer: no session for this Call-ID and "
                                     "from-tag"))}},
        GoldenCase{"UnknownCommandIsAnError",
                   {send("c1", Dict{{"command", "statistics"}},
                         error_reply("ng protocol: unsupported command 'statistics'"))}},
        GoldenCase{"UnknownFlagIsAnErrorNotIgnored",
                   [] {
                     Dict r = offer_request();
                     r.set("flags", List{"port-latching"});
                     return std::vector<Exchange>{
                         send("c1", r, error_reply("ng flags: unsupported flag 'port-latching'"))};
                   }()},
        GoldenCase{"IceOtherThanRemoveIsAnError",
                   [] {
                     Dict r = offer_request();
                     r.set("ICE", "force");
                     return std::vector<Exchange>{
                         send("c1", r, error_reply("ng ICE: only ICE=remove is supported"))};
                   }()},
        GoldenCase{
            "RtcpMuxDemuxOffersRtcpOnItsOwnPort",
            [] {
              Dict r = offer_request();
              r.set("rtcp-mux", List{"demux"});
              std::string sdp = kAliceRewritten;
              sdp.erase(sdp.find("a=rtcp-mux\r\n"), 12);
              return std::vector<Exchange>{send("c1", r, Dict{{"result", "ok"}, {"sdp", sdp}})};
            }()},
        GoldenCase{"MissingSdpIsAnError",
                   [] {
                     Dict r = offer_request();
                     r.erase("sdp");
                     return std::vector<Exchange>{
                         send("c1", r, error_reply("ng protocol: missing 'sdp'"))};
                   }()},
        GoldenCase{
            "DeleteReleasesTheCallAndASecondDeleteIsAnError",
            {send("c1", offer_request(), kOfferReply),
             send("c2", Dict{{"command", "delete"}, {"call-id", "call-1"}}, Dict{{"result", "ok"}}),
             send("c3", Dict{{"command", "delete"}, {"call-id", "call-1"}},
                  error_reply("ng delete: Call-ID not found"))}},
        GoldenCase{"ListNamesTheActiveCalls",
                   {send("c1", offer_request(), kOfferReply),
                    send("c2", Dict{{"command", "list"}},
                         Dict{{"result", "ok"}, {"calls", List{"call-1"}}})}},
        GoldenCase{"RetransmittedCookieGetsTheSameReplyWithoutASecondOffer",
                   {send("c1", offer_request(), kOfferReply),
                    send("c1", Dict{{"command", "ping"}}, kOfferReply),
                    send("c2", Dict{{"command", "list"}},
                         Dict{{"result", "ok"}, {"calls", List{"call-1"}}})}},
        GoldenCase{"BodyThatIsNotADictionaryIsAnError",
                   {send_raw("c1 li1ee",
                             "c1 d12:error-reason50:ng protocol: the body is not "
                             "a bencoded dictionary6:result5:errore")}},
        GoldenCase{"DatagramWithoutCookieGetsNoReply", {send_raw("d7:command4:pinge", "")}}),
    [](const auto& test_case) { return test_case.param.name; });

TEST(NgControl, RetransmissionReplaysTheExactBytes) {
  MediaRelay relay(testing::loopback_config(43000, 43999));
  ASSERT_TRUE(relay.start().has_value());
  NgControl control(relay);
  const TimePoint now{std::chrono::seconds(100)};
  const std::string datagram = bencode::join_ng_datagram("7_3", offer_request());

  const std::string first = control.handle(datagram, now);
  const std::string again = control.handle(datagram, now + std::chrono::seconds(1));

  EXPECT_EQ(first, again);
  EXPECT_EQ(control.replayed_replies(), 1u);
  EXPECT_EQ(relay.session_count(), 1u);
}

TEST(NgControl, ServerAnswersOverUdp) {
  MediaRelayConfig config = testing::loopback_config(43000, 43999);
  config.ng_listen = "127.0.0.1:0";
  MediaRelay relay(config);
  ASSERT_TRUE(relay.start().has_value());
  ASSERT_NE(relay.ng_port(), 0);
  testing::UdpPeer kamailio("127.0.0.1");
  const std::string ping = "abc d7:command4:pinge";
  kamailio.send_to(testing::endpoint("127.0.0.1", relay.ng_port()),
                   std::vector<std::uint8_t>(ping.begin(), ping.end()));
  const auto reply = kamailio.receive(std::chrono::seconds(3));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(std::string(reply->bytes.begin(), reply->bytes.end()), "abc d6:result4:ponge");
}

}  // namespace
}  // namespace tipring::relay
