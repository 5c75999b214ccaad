#include "protocol/sdp/rewrite.h"

#include "tests/protocol/sdp/sdp_text.h"

#include <gtest/gtest.h>

namespace tipring::sdp {
namespace {

using test::lines;

const std::string kClientOffer = lines({
    "v=0",
    "o=- 4611731400430051336 2 IN IP4 192.168.1.10",
    "s=-",
    "c=IN IP4 192.168.1.10",
    "t=0 0",
    "a=ice-lite",
    "m=audio 40000 RTP/AVP 111 101",
    "a=rtcp:40001 IN IP4 192.168.1.10",
    "a=ice-ufrag:F7gI",
    "a=ice-pwd:x9cml/YzichV2+XlhiMu8g",
    "a=candidate:1 1 UDP 2130706431 192.168.1.10 40000 typ host",
    "a=end-of-candidates",
    "a=rtpmap:111 opus/48000/2",
    "a=fmtp:111 minptime=10; useinbandfec=1",
    "a=rtpmap:101 telephone-event/48000",
    "a=x-unknown:keep me",
    "a=sendrecv",
});

TEST(Rewrite, AudioEndpointIsTheAdvertisedAddressPortAndRtcpPort) {
  auto sdp = parse(kClientOffer);
  ASSERT_TRUE(sdp.has_value()) << sdp.error().describe();
  auto endpoint = audio_endpoint(*sdp);
  ASSERT_TRUE(endpoint.has_value());
  EXPECT_EQ(endpoint->media_index, 0U);
  EXPECT_EQ(endpoint->address, (MediaAddress{"192.168.1.10", 40000}));
  EXPECT_EQ(endpoint->rtcp_port, 40001);
}

TEST(Rewrite, RelayRewriteChangesOnlyConnectionPortRtcpOriginAndIce) {
  auto sdp = parse(kClientOffer);
  ASSERT_TRUE(sdp.has_value());
  rewrite_media_endpoint(*sdp, 0, MediaAddress{"198.18.0.100", 30000});
  rewrite_origin_address(*sdp, "198.18.0.100");
  EXPECT_EQ(strip_ice(*sdp), 5U);
  EXPECT_EQ(serialize(*sdp), lines({
                                 "v=0",
                                 "o=- 4611731400430051336 2 IN IP4 198.18.0.100",
                                 "s=-",
                                 "c=IN IP4 198.18.0.100",
                                 "t=0 0",
                                 "m=audio 30000 RTP/AVP 111 101",
                                 "a=rtcp:30001 IN IP4 198.18.0.100",
                                 "a=rtpmap:111 opus/48000/2",
                                 "a=fmtp:111 minptime=10; useinbandfec=1",
                                 "a=rtpmap:101 telephone-event/48000",
                                 "a=x-unknown:keep me",
                                 "a=sendrecv",
                             }));
}

TEST(Rewrite, WithoutSessionConnectionTheStreamGetsItsOwnC) {
  auto sdp = parse(lines({"v=0", "o=- 1 1 IN IP4 192.168.1.10", "s=-", "c=IN IP4 192.168.1.10",
                          "t=0 0", "m=audio 40000 RTP/AVP 0", "a=sendrecv"}));
  ASSERT_TRUE(sdp.has_value());
  rewrite_media_endpoint(*sdp, 0, MediaAddress{"2001:db8::100", 30002}, false);
  EXPECT_EQ(serialize(*sdp),
            lines({"v=0", "o=- 1 1 IN IP4 192.168.1.10", "s=-", "c=IN IP4 192.168.1.10", "t=0 0",
                   "m=audio 30002 RTP/AVP 0", "c=IN IP6 2001:db8::100", "a=sendrecv"}));
}

TEST(Rewrite, MediaLevelConnectionIsRewrittenAndOtherStreamsKeepTheSessionC) {
  auto sdp = parse(lines({"v=0", "o=- 1 1 IN IP4 10.0.0.1", "s=-", "c=IN IP4 10.0.0.1", "t=0 0",
                          "m=video 0 RTP/AVP 31", "m=audio 40000 RTP/AVP 0", "c=IN IP4 10.0.0.2"}));
  ASSERT_TRUE(sdp.has_value());
  auto endpoint = audio_endpoint(*sdp);
  ASSERT_TRUE(endpoint.has_value());
  EXPECT_EQ(endpoint->media_index, 1U);
  EXPECT_EQ(endpoint->address.address, "10.0.0.2");
  EXPECT_FALSE(endpoint->rtcp_port.has_value());
  rewrite_media_endpoint(*sdp, 1, MediaAddress{"198.18.0.100", 30000}, false, 30000);
  EXPECT_EQ(serialize(*sdp),
            lines({"v=0", "o=- 1 1 IN IP4 10.0.0.1", "s=-", "c=IN IP4 10.0.0.1", "t=0 0",
                   "m=video 0 RTP/AVP 31", "m=audio 30000 RTP/AVP 0", "c=IN IP4 198.18.0.100"}));
}

TEST(Rewrite, RtcpAttributeFollowsTheMuxedPortWhenGiven) {
  auto sdp = parse(kClientOffer);
  ASSERT_TRUE(sdp.has_value());
  rewrite_media_endpoint(*sdp, 0, MediaAddress{"198.18.0.100", 30000}, true, 30000);
  EXPECT_EQ(sdp->media[0].attributes.value("rtcp"), "30000 IN IP4 198.18.0.100");
}

TEST(Rewrite, NoActiveAudioIsAnError) {
  auto sdp = parse(lines({"v=0", "o=- 1 1 IN IP4 10.0.0.1", "s=-", "c=IN IP4 10.0.0.1", "t=0 0",
                          "m=audio 0 RTP/AVP 0"}));
  ASSERT_TRUE(sdp.has_value());
  EXPECT_FALSE(audio_endpoint(*sdp).has_value());
}

}  // namespace
}  // namespace tipring::sdp
