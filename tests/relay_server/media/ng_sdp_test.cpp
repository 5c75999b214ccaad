#include "relay_server/media/ng_sdp.h"

#include <string>

#include <gtest/gtest.h>

namespace tipring::relay {
namespace {

const std::string kHead = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\n";

TEST(NgSdp, ReadsTheAudioAddressPreferringTheMediaLevelConnection) {
  const auto audio = read_sdp_audio(kHead +
                                    "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
                                    "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 10.0.0.2\r\n"
                                    "a=rtcp:4005\r\na=rtcp-mux\r\n");
  ASSERT_TRUE(audio.has_value()) << audio.error().describe();
  EXPECT_EQ(audio->address, (Endpoint{*IpAddress::parse("10.0.0.2"), 4000}));
  EXPECT_EQ(audio->rtcp_port, 4005);
  EXPECT_TRUE(audio->rtcp_mux);
  EXPECT_FALSE(audio->held);
  EXPECT_EQ(audio->transport, "RTP/AVP");
}

TEST(NgSdp, SendonlyInactiveOrZeroAddressMeansHeld) {
  for (const std::string& body :
       {std::string("c=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=sendonly\r\n"),
        std::string("c=IN IP4 10.0.0.1\r\nt=0 0\r\na=inactive\r\nm=audio 4000 RTP/AVP 0\r\n"),
        std::string("c=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n")}) {
    const auto audio = read_sdp_audio(kHead + body);
    ASSERT_TRUE(audio.has_value()) << body;
    EXPECT_TRUE(audio->held) << body;
  }
}

TEST(NgSdp, RejectsBodiesWithoutWhatTheRelayNeeds) {
  for (const std::string& sdp :
       {std::string(""),
        std::string("v=1\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\n"
                    "m=audio 1 RTP/AVP 0\r\n"),
        kHead + "c=IN IP4 1.2.3.4\r\nt=0 0\r\nm=video 1 RTP/AVP 96\r\n",
        kHead + "t=0 0\r\nm=audio 1 RTP/AVP 0\r\n",
        kHead + "c=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 99999 RTP/AVP 0\r\n"}) {
    EXPECT_FALSE(read_sdp_audio(sdp).has_value()) << sdp;
  }
}

TEST(NgSdp, RewriteWritesIpv6AddressTypes) {
  SdpRewrite r;
  r.address = "2001:db8::1";
  r.rtp_port = 40000;
  r.rtcp_port = 40001;
  r.replace_origin = true;
  const auto out =
      rewrite_sdp(kHead + "c=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n", r);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(*out,
            "v=0\r\no=- 1 1 IN IP6 2001:db8::1\r\ns=-\r\nc=IN IP6 2001:db8::1\r\nt=0 0\r\n"
            "m=audio 40000 RTP/AVP 0\r\na=rtcp:40001\r\n");
}

}  // namespace
}  // namespace tipring::relay
