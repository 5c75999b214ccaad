// The ng commands the proxy sends a remote media relay, and how it reads the replies
// (rtpengine's ng protocol: offer/answer with call-id, from-tag, to-tag, sdp,
// received-from; delete), without a socket.
#include "relay_server/proxy/ng_media_command.h"

#include "protocol/sdp/rewrite.h"

#include <gtest/gtest.h>

namespace tipring::relay::testing {
namespace {

MediaSide behind_nat() {
  MediaSide side;
  side.advertised_address = "10.0.0.5";
  side.advertised_port = 7078;
  side.signalling_source = "192.0.2.10";
  return side;
}

TEST(NgMediaCommand, OfferCarriesTheDialogTagsTheSdpAndTheSignallingSource) {
  const auto dict = ng_sdp_command(NgSdpCommand::offer, "call-1", "atag", "", behind_nat());
  EXPECT_EQ(dict.get_string("command"), "offer");
  EXPECT_EQ(dict.get_string("call-id"), "call-1");
  EXPECT_EQ(dict.get_string("from-tag"), "atag");
  EXPECT_EQ(dict.find("to-tag"), nullptr);
  const auto received = dict.get_string_list("received-from");
  ASSERT_TRUE(received);
  EXPECT_EQ(*received, (std::vector<std::string_view>{"IP4", "192.0.2.10"}));
  const auto sdp = dict.get_string("sdp");
  ASSERT_TRUE(sdp);
  const auto audio = sdp::read_relayed_audio(*sdp);
  ASSERT_TRUE(audio) << *sdp;
  EXPECT_EQ(audio->address, (sdp::MediaAddress{"10.0.0.5", 7078}));
  EXPECT_FALSE(audio->rtcp_mux);
  EXPECT_FALSE(audio->held);
}

TEST(NgMediaCommand, AnswerCarriesTheToTagAndTheAnswerersRtcpArrangement) {
  MediaSide side = behind_nat();
  side.rtcp_mux = true;
  side.held = true;
  side.advertised_address = "2001:db8::5";
  side.signalling_source = "2001:db8::1";
  const auto dict = ng_sdp_command(NgSdpCommand::answer, "call-1", "atag", "btag", side);
  EXPECT_EQ(dict.get_string("command"), "answer");
  EXPECT_EQ(dict.get_string("to-tag"), "btag");
  EXPECT_EQ(*dict.get_string_list("received-from"),
            (std::vector<std::string_view>{"IP6", "2001:db8::1"}));
  const auto audio = sdp::read_relayed_audio(*dict.get_string("sdp"));
  ASSERT_TRUE(audio);
  EXPECT_TRUE(audio->rtcp_mux);
  EXPECT_TRUE(audio->held);
  EXPECT_EQ(audio->address.address, "2001:db8::5");
}

TEST(NgMediaCommand, DeleteNamesTheCallAndOptionallyOneSide) {
  EXPECT_EQ(ng_delete_command("call-1", "").find("from-tag"), nullptr);
  EXPECT_EQ(ng_delete_command("call-1", "atag").get_string("from-tag"), "atag");
  EXPECT_EQ(ng_delete_command("call-1", "").get_string("command"), "delete");
}

TEST(NgMediaCommand, OkReplyGivesTheRelayChannelFromItsSdp) {
  bencode::Dict reply{{"result", "ok"},
                      {"sdp",
                       "v=0\r\no=- 1 1 IN IP4 203.0.113.9\r\ns=-\r\nc=IN IP4 203.0.113.9\r\n"
                       "t=0 0\r\nm=audio 30000 RTP/AVP 0\r\na=rtcp:30001\r\n"}};
  const auto channel = read_ng_sdp_reply(reply);
  ASSERT_TRUE(channel) << channel.error().describe();
  EXPECT_EQ(channel->address, "203.0.113.9");
  EXPECT_EQ(channel->rtp_port, 30000);
  EXPECT_EQ(channel->rtcp_port, 30001);
  EXPECT_FALSE(channel->rtcp_mux);
}

struct BadReply {
  const char* name;
  bencode::Dict reply;
  const char* names;  // what the error must say
};

class NgReplyRefused : public ::testing::TestWithParam<BadReply> {};

TEST_P(NgReplyRefused, IsAnErrorSayingWhy) {
  const auto channel = read_ng_sdp_reply(GetParam().reply);
  ASSERT_FALSE(channel);
  EXPECT_NE(channel.error().describe().find(GetParam().names), std::string::npos)
      << channel.error().describe();
}

INSTANTIATE_TEST_SUITE_P(
    Replies, NgReplyRefused,
    ::testing::Values(BadReply{"ErrorResult",
                               bencode::Dict{{"result", "error"},
                                             {"error-reason", "no free port pair left"}},
                               "no free port pair left"},
                      BadReply{"NoResult", bencode::Dict{{"sdp", "v=0\r\n"}}, "result"},
                      BadReply{"OkWithoutSdp", bencode::Dict{{"result", "ok"}}, "sdp"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace tipring::relay::testing
