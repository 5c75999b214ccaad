#include "relay_server/media/ng_sdp.h"

#include <gtest/gtest.h>

namespace tipring::relay {
namespace {

TEST(NgSdp, ReadsTheAudioAddressPreferringTheMediaLevelConnection) {
  const auto audio = read_sdp_audio(
      "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
      "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 10.0.0.2\r\na=rtcp:4005\r\na=rtcp-mux\r\n");
  ASSERT_TRUE(audio.has_value());
  EXPECT_EQ(audio->address, (Endpoint{*IpAddress::parse("10.0.0.2"), 4000}));
  EXPECT_EQ(audio->rtcp_port, 4005);
  EXPECT_TRUE(audio->rtcp_mux);
  EXPECT_FALSE(audio->held);
  EXPECT_EQ(audio->transport, "RTP/AVP");
}

TEST(NgSdp, SendonlyInactiveOrZeroAddressMeansHeld) {
  for (const char* sdp : {"v=0\nc=IN IP4 10.0.0.1\nm=audio 4000 RTP/AVP 0\na=sendonly\n",
                          "v=0\nc=IN IP4 10.0.0.1\na=inactive\nm=audio 4000 RTP/AVP 0\n",
                          "v=0\nc=IN IP4 0.0.0.0\nm=audio 4000 RTP/AVP 0\n"}) {
    const auto audio = read_sdp_audio(sdp);
    ASSERT_TRUE(audio.has_value()) << sdp;
    EXPECT_TRUE(audio->held) << sdp;
  }
}

TEST(NgSdp, RejectsBodiesWithoutWhatTheRelayNeeds) {
  EXPECT_FALSE(read_sdp_audio("").has_value());
  EXPECT_FALSE(read_sdp_audio("v=1\r\nc=IN IP4 1.2.3.4\r\nm=audio 1 RTP/AVP 0\r\n").has_value());
  EXPECT_FALSE(read_sdp_audio("v=0\r\nc=IN IP4 1.2.3.4\r\nm=video 1 RTP/AVP 96\r\n").has_value());
  EXPECT_FALSE(read_sdp_audio("v=0\r\nm=audio 1 RTP/AVP 0\r\n").has_value());
  EXPECT_FALSE(
      read_sdp_audio("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 99999 RTP/AVP 0\r\n").has_value());
  EXPECT_FALSE(read_sdp_audio("v=0\r\nc=IN IP4 nonsense\r\nm=audio 1 RTP/AVP 0\r\n").has_value());
}

TEST(NgSdp, RewriteWritesIpv6AddressTypes) {
  SdpRewrite r;
  r.address = "2001:db8::1";
  r.rtp_port = 40000;
  r.rtcp_port = 40001;
  r.replace_origin = true;
  const std::string out = rewrite_sdp(
      "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\n", r);
  EXPECT_EQ(out,
            "v=0\r\no=- 1 1 IN IP6 2001:db8::1\r\nc=IN IP6 2001:db8::1\r\n"
            "m=audio 40000 RTP/AVP 0\r\na=rtcp:40001\r\n");
}

}  // namespace
}  // namespace tipring::relay
