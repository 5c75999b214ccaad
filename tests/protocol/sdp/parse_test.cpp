#include "protocol/sdp/session_description.h"
#include "tests/protocol/sdp/sdp_text.h"

#include <gtest/gtest.h>

namespace tipring::sdp {
namespace {

using test::lines;

// RFC 8866 §5 example.
const std::string kRfc8866Example = lines({
    "v=0",
    "o=jdoe 3724394400 3724394405 IN IP4 198.51.100.1",
    "s=Call to John Smith",
    "i=SDP Offer #1",
    "u=http://www.jdoe.example.com/home.html",
    "e=Jane Doe <jane@jdoe.example.com>",
    "p=+1 617 555-6011",
    "c=IN IP4 198.51.100.1",
    "t=0 0",
    "m=audio 49170 RTP/AVP 0",
    "m=audio 49180 RTP/AVP 0",
    "m=video 51372 RTP/AVP 99",
    "c=IN IP6 2001:db8::2",
    "a=rtpmap:99 h263-1998/90000",
});

// RFC 3264 §10.1, Alice's offer: FQDN addresses and an empty s=.
const std::string kRfc3264Offer = lines({
    "v=0",
    "o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com",
    "s=",
    "c=IN IP4 host.atlanta.example.com",
    "t=0 0",
    "m=audio 49170 RTP/AVP 0 8 97",
    "a=rtpmap:0 PCMU/8000",
    "a=rtpmap:8 PCMA/8000",
    "a=rtpmap:97 iLBC/8000",
    "m=video 51372 RTP/AVP 31 32",
    "a=rtpmap:31 H261/90000",
    "a=rtpmap:32 MPV/90000",
});

// What a WebRTC-era softphone sends: Opus, ICE, rtcp-mux, b=, a=rtcp, unknown attributes.
const std::string kSoftphoneOffer = lines({
    "v=0",
    "o=- 4611731400430051336 2 IN IP4 192.168.1.10",
    "s=-",
    "c=IN IP4 192.168.1.10",
    "b=AS:84",
    "t=0 0",
    "a=ice-lite",
    "a=msid-semantic: WMS",
    "m=audio 40000 RTP/AVP 111 0 8 101",
    "b=TIAS:64000",
    "a=rtcp:40001 IN IP4 192.168.1.10",
    "a=ice-ufrag:F7gI",
    "a=ice-pwd:x9cml/YzichV2+XlhiMu8g",
    "a=candidate:1 1 UDP 2130706431 192.168.1.10 40000 typ host",
    "a=rtpmap:111 opus/48000/2",
    "a=fmtp:111 minptime=10;useinbandfec=1; usedtx=1",
    "a=rtpmap:101 telephone-event/8000",
    "a=fmtp:101 0-16",
    "a=ptime:20",
    "a=maxptime:120",
    "a=x-vendor-thing",
    "a=rtcp-mux",
    "a=sendrecv",
});

TEST(SdpParse, Rfc8866ExampleFields) {
  auto sdp = parse(kRfc8866Example);
  ASSERT_TRUE(sdp.has_value()) << sdp.error().describe();
  EXPECT_EQ(sdp->origin.username, "jdoe");
  EXPECT_EQ(sdp->origin.session_id, "3724394400");
  EXPECT_EQ(sdp->origin.session_version, "3724394405");
  EXPECT_EQ(sdp->origin.address, "198.51.100.1");
  EXPECT_EQ(sdp->session_name, "Call to John Smith");
  EXPECT_EQ(sdp->information, "SDP Offer #1");
  EXPECT_EQ(sdp->uri, "http://www.jdoe.example.com/home.html");
  ASSERT_EQ(sdp->emails.size(), 1U);
  ASSERT_EQ(sdp->phones.size(), 1U);
  ASSERT_TRUE(sdp->connection.has_value());
  EXPECT_EQ(sdp->connection->address, "198.51.100.1");
  ASSERT_EQ(sdp->media.size(), 3U);
  EXPECT_EQ(sdp->media[1].port, 49180);
  EXPECT_EQ(sdp->media[2].media, "video");
  EXPECT_EQ(sdp->media[2].formats, std::vector<std::string>{"99"});
  // Session c= covers the audio streams; the video stream has its own IPv6 c=.
  EXPECT_EQ(sdp->connection_for(0)->address, "198.51.100.1");
  EXPECT_EQ(sdp->connection_for(2)->address_type, "IP6");
  EXPECT_EQ(sdp->connection_for(2)->address, "2001:db8::2");
  EXPECT_EQ(sdp->media[2].attributes.for_format("rtpmap", "99"), "h263-1998/90000");
}

TEST(SdpParse, AttributesKeepTheirOrderAndVerbatimValues) {
  auto sdp = parse(kSoftphoneOffer);
  ASSERT_TRUE(sdp.has_value()) << sdp.error().describe();
  const auto& attrs = sdp->media[0].attributes.items;
  ASSERT_EQ(attrs.size(), 13U);
  EXPECT_EQ(attrs[0].name, "rtcp");
  EXPECT_EQ(attrs[5].value, "111 minptime=10;useinbandfec=1; usedtx=1");
  EXPECT_EQ(attrs[10].name, "x-vendor-thing");
  EXPECT_FALSE(attrs[10].value.has_value());
  EXPECT_EQ(sdp->attributes.value("msid-semantic"), " WMS");
  EXPECT_EQ(sdp->bandwidths.front().type, "AS");
  EXPECT_EQ(sdp->media[0].bandwidths.front().value, 64000U);
}

class RoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(RoundTrip, SerializeReproducesTheInputByteForByte) {
  auto sdp = parse(GetParam());
  ASSERT_TRUE(sdp.has_value()) << sdp.error().describe();
  EXPECT_EQ(serialize(*sdp), GetParam());
}

INSTANTIATE_TEST_SUITE_P(
    RealDescriptions, RoundTrip,
    ::testing::Values(kRfc8866Example, kRfc3264Offer, kSoftphoneOffer,
                      lines({"v=0", "o=- 1 1 IN IP6 2001:db8::1", "s= ", "c=IN IP6 2001:db8::1",
                             "t=2873397496 2873404696", "r=7d 1h 0 25h", "z=2882844526 -1h",
                             "k=prompt", "a=recvonly", "m=audio 0 RTP/AVP 0",
                             "m=audio 5004/2 RTP/AVP 8", "i=second", "c=IN IP4 224.2.1.1/127/3",
                             "b=AS:64", "k=clear:x", "a=inactive"}),
                      lines({"v=0", "o=- 1 1 IN IP4 10.0.0.1", "s=-", "c=IN IP4 10.0.0.1", "t=0 0",
                             "m=audio 4000 RTP/AVP 0"},
                            "\n")));

TEST(SdpParse, BareLineFeedsAreRememberedAndReproduced) {
  auto sdp = parse("v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\n");
  ASSERT_TRUE(sdp.has_value());
  EXPECT_EQ(sdp->line_ending, "\n");
}

TEST(SdpParse, MissingFinalLineEndIsTolerated) {
  auto sdp = parse("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0");
  ASSERT_TRUE(sdp.has_value()) << sdp.error().describe();
}

TEST(SdpParse, SerializeOfABuiltDescription) {
  SessionDescription sdp;
  sdp.origin.address = "198.18.0.1";
  sdp.connection = Connection{"IN", "IP4", "198.18.0.1"};
  MediaDescription m;
  m.port = 30000;
  m.formats = {"0"};
  m.attributes.add("sendrecv");
  sdp.media.push_back(m);
  EXPECT_EQ(serialize(sdp), lines({"v=0", "o=- 0 0 IN IP4 198.18.0.1", "s=-", "c=IN IP4 198.18.0.1",
                                   "t=0 0", "m=audio 30000 RTP/AVP 0", "a=sendrecv"}));
}

struct Rejected {
  const char* name;
  std::string text;
  std::string_view rule;
};

class RejectedDescriptions : public ::testing::TestWithParam<Rejected> {};

TEST_P(RejectedDescriptions, AreRejectedNamingTheRule) {
  auto sdp = parse(GetParam().text);
  ASSERT_FALSE(sdp.has_value()) << "accepted:\n" << GetParam().text;
  EXPECT_EQ(sdp.error().rule, GetParam().rule) << sdp.error().describe();
}

const std::string kHead =
    lines({"v=0", "o=- 1 1 IN IP4 10.0.0.1", "s=-", "c=IN IP4 10.0.0.1", "t=0 0"});

INSTANTIATE_TEST_SUITE_P(
    Rfc8866, RejectedDescriptions,
    ::testing::Values(
        Rejected{"empty", "", "RFC 8866 §5.1: v=0"},
        Rejected{"no_version_first", lines({"o=- 1 1 IN IP4 10.0.0.1", "v=0"}),
                 "RFC 8866 §5.1: v=0"},
        Rejected{"version_1", lines({"v=1"}), "RFC 8866 §5.1: v=0"},
        Rejected{"missing_origin", lines({"v=0", "s=-", "t=0 0"}), "RFC 8866 §5.2: o="},
        Rejected{"origin_five_fields", lines({"v=0", "o=- 1 IN IP4 10.0.0.1", "s=-", "t=0 0"}),
                 "RFC 8866 §5.2: o="},
        Rejected{"origin_double_space", lines({"v=0", "o=-  1 1 IN IP4 10.0.0.1", "s=-", "t=0 0"}),
                 "RFC 8866 §5.2: o="},
        Rejected{"origin_session_id_not_digits",
                 lines({"v=0", "o=- abc 1 IN IP4 10.0.0.1", "s=-", "t=0 0"}), "RFC 8866 §5.2: o="},
        Rejected{"missing_session_name", lines({"v=0", "o=- 1 1 IN IP4 10.0.0.1", "t=0 0"}),
                 "RFC 8866 §5.3: s="},
        Rejected{"missing_timing", lines({"v=0", "o=- 1 1 IN IP4 10.0.0.1", "s=-"}),
                 "RFC 8866 §5.9: t="},
        Rejected{"timing_not_numbers",
                 lines({"v=0", "o=- 1 1 IN IP4 10.0.0.1", "s=-", "t=now later"}),
                 "RFC 8866 §5.9: t="},
        Rejected{"unknown_type_letter", kHead + "x=1\r\n", "RFC 8866 §5: <type>=<value> line"},
        Rejected{"uppercase_type", kHead + "A=sendrecv\r\n", "RFC 8866 §5: <type>=<value> line"},
        Rejected{"space_before_equals", kHead + "a =sendrecv\r\n",
                 "RFC 8866 §5: <type>=<value> line"},
        Rejected{"empty_line_inside", kHead + "\r\na=sendrecv\r\n",
                 "RFC 8866 §5: <type>=<value> line"},
        Rejected{"connection_after_timing",
                 lines({"v=0", "o=- 1 1 IN IP4 10.0.0.1", "s=-", "t=0 0", "c=IN IP4 10.0.0.1"}),
                 "RFC 8866 §5: line order"},
        Rejected{"two_session_connections",
                 lines({"v=0", "o=- 1 1 IN IP4 10.0.0.1", "s=-", "c=IN IP4 10.0.0.1",
                        "c=IN IP4 10.0.0.2", "t=0 0"}),
                 "RFC 8866 §5: line order"},
        Rejected{"repeat_without_timing",
                 lines({"v=0", "o=- 1 1 IN IP4 10.0.0.1", "s=-", "r=7d 1h 0 25h"}),
                 "RFC 8866 §5: line order"},
        Rejected{"bad_ipv4", kHead + "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 10.0.0.256\r\n",
                 "RFC 8866 §5.7: c="},
        Rejected{"ipv6_address_as_ip4",
                 kHead + "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 2001:db8::1\r\n", "RFC 8866 §5.7: c="},
        Rejected{"bad_ipv6", kHead + "m=audio 4000 RTP/AVP 0\r\nc=IN IP6 2001:db8:::1\r\n",
                 "RFC 8866 §5.7: c="},
        Rejected{"connection_two_fields", kHead + "m=audio 4000 RTP/AVP 0\r\nc=IN IP4\r\n",
                 "RFC 8866 §5.7: c="},
        Rejected{
            "media_without_connection",
            lines({"v=0", "o=- 1 1 IN IP4 10.0.0.1", "s=-", "t=0 0", "m=audio 4000 RTP/AVP 0"}),
            "RFC 8866 §5.7: c="},
        Rejected{"media_port_too_large", kHead + "m=audio 65536 RTP/AVP 0\r\n",
                 "RFC 8866 §5.14: m="},
        Rejected{"media_port_negative", kHead + "m=audio -1 RTP/AVP 0\r\n", "RFC 8866 §5.14: m="},
        Rejected{"media_without_format", kHead + "m=audio 4000 RTP/AVP\r\n", "RFC 8866 §5.14: m="},
        Rejected{"media_trailing_space", kHead + "m=audio 4000 RTP/AVP 0 \r\n",
                 "RFC 8866 §5.14: m="},
        Rejected{"attribute_bad_name", kHead + "a=send recv\r\n", "RFC 8866 §5.13: a="},
        Rejected{"attribute_empty", kHead + "a=\r\n", "RFC 8866 §5.13: a="},
        Rejected{"bandwidth_not_a_number",
                 lines({"v=0", "o=- 1 1 IN IP4 10.0.0.1", "s=-", "c=IN IP4 10.0.0.1", "b=AS:lots",
                        "t=0 0"}),
                 "RFC 8866 §5.8: b="},
        Rejected{"media_title_twice", kHead + "m=audio 4000 RTP/AVP 0\r\ni=a\r\ni=b\r\n",
                 "RFC 8866 §5: line order"},
        Rejected{"media_connection_after_attribute",
                 kHead + "m=audio 4000 RTP/AVP 0\r\na=sendrecv\r\nc=IN IP4 10.0.0.2\r\n",
                 "RFC 8866 §5: line order"},
        Rejected{"bare_carriage_return_inside_a_line", kHead + "a=x\ry\r\n",
                 "RFC 8866 §5: <type>=<value> line"},
        Rejected{"nul_byte", kHead + std::string("a=x\0y\r\n", 7),
                 "RFC 8866 §5: <type>=<value> line"}),
    [](const auto& test) { return std::string(test.param.name); });

TEST(SdpParse, LimitsBoundMediaAttributesAndSize) {
  ParseLimits limits;
  limits.max_media = 1;
  const std::string two = kHead + "m=audio 1 RTP/AVP 0\r\nm=audio 2 RTP/AVP 0\r\n";
  EXPECT_TRUE(parse(two).has_value());
  auto r = parse(two, limits);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().rule, "SDP parse limits");

  ParseLimits attrs;
  attrs.max_attributes_per_section = 2;
  EXPECT_FALSE(parse(kHead + "a=a\r\na=b\r\na=c\r\n", attrs).has_value());
  ParseLimits size;
  size.max_bytes = kHead.size() - 1;
  EXPECT_FALSE(parse(kHead, size).has_value());
}

TEST(SdpParse, ErrorsNameTheLine) {
  auto r = parse(kHead + "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 300.1.1.1\r\n");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().detail.substr(0, 8), "line 7: ");
}

}  // namespace
}  // namespace tipring::sdp
