// Answer tables: each case is an offer, our capabilities, and either the exact answer we
// must produce or the rule of the 488 we must refuse with.
#include "protocol/sdp/offer_answer.h"

#include "tests/protocol/sdp/sdp_text.h"

#include <gtest/gtest.h>

namespace tipring::sdp {
namespace {

using test::lines;

LocalCapabilities default_caps() {
  LocalCapabilities caps;
  caps.codecs = {opus_codec(), pcmu_codec(), pcma_codec()};
  return caps;
}

LocalCapabilities narrowband_caps(std::vector<Codec> codecs) {
  LocalCapabilities caps;
  caps.codecs = std::move(codecs);
  return caps;
}

LocalCapabilities holding_caps() {
  LocalCapabilities caps = default_caps();
  caps.direction = Direction::sendonly;
  return caps;
}

LocalCapabilities no_dtmf_caps() {
  LocalCapabilities caps = default_caps();
  caps.dtmf = false;
  return caps;
}

LocalCapabilities no_mux_caps() {
  LocalCapabilities caps = default_caps();
  caps.rtcp_mux = false;
  return caps;
}

const MediaAddress kLocal{"198.18.0.2", 30000};
const OriginIdentity kIdentity{"-", "42", 1, "-"};

std::string offer_with(std::initializer_list<std::string_view> media_lines,
                       std::string_view address = "198.18.0.1") {
  const std::string type =
      std::string_view(address).find(':') != std::string_view::npos ? "IP6" : "IP4";
  std::string text = lines({"v=0"}) + "o=alice 1 1 IN " + type + " " + std::string(address) +
                     "\r\ns=-\r\nc=IN " + type + " " + std::string(address) + "\r\nt=0 0\r\n";
  return text + lines(media_lines);
}

std::string answer_with(std::initializer_list<std::string_view> media_lines,
                        std::string_view address = "198.18.0.2") {
  const std::string type =
      std::string_view(address).find(':') != std::string_view::npos ? "IP6" : "IP4";
  return "v=0\r\no=- 42 1 IN " + type + " " + std::string(address) + "\r\ns=-\r\nc=IN " + type +
         " " + std::string(address) + "\r\nt=0 0\r\n" + lines(media_lines);
}

struct AnswerCase {
  const char* name;
  std::string offer;
  LocalCapabilities caps;
  std::string expected_answer;  // empty when a 488 is expected
  std::string_view expected_rule = {};
  MediaAddress local = kLocal;
};

class AnswerTable : public ::testing::TestWithParam<AnswerCase> {};

TEST_P(AnswerTable, ProducesTheExpectedAnswerOrRefusal) {
  const AnswerCase& c = GetParam();
  auto offer = parse(c.offer);
  ASSERT_TRUE(offer.has_value()) << offer.error().describe();
  auto answer = make_answer(*offer, c.caps, c.local, kIdentity);
  if (c.expected_answer.empty()) {
    ASSERT_FALSE(answer.has_value()) << "answered:\n" << serialize(answer->sdp);
    EXPECT_EQ(answer.error().rule, c.expected_rule) << answer.error().describe();
    return;
  }
  ASSERT_TRUE(answer.has_value()) << answer.error().describe();
  EXPECT_EQ(serialize(answer->sdp), c.expected_answer);
  // Our answer must itself be valid SDP, and the offerer must be able to apply it.
  auto reparsed = parse(serialize(answer->sdp));
  ASSERT_TRUE(reparsed.has_value()) << reparsed.error().describe();
  auto applied = apply_answer(*offer, *reparsed);
  ASSERT_TRUE(applied.has_value()) << applied.error().describe();
  EXPECT_EQ(applied->direction, reversed(answer->media.direction));
  EXPECT_EQ(applied->codec.payload_type, answer->media.codec.payload_type);
  EXPECT_EQ(applied->remote, c.local);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc3264, AnswerTable,
    ::testing::Values(
        AnswerCase{"opus_chosen_by_our_preference_not_the_offer_order",
                   offer_with({"m=audio 4000 RTP/AVP 0 8 96 97 101", "a=rtpmap:96 opus/48000/2",
                               "a=fmtp:96 useinbandfec=1", "a=rtpmap:97 telephone-event/48000",
                               "a=fmtp:97 0-15", "a=rtpmap:101 telephone-event/8000",
                               "a=fmtp:101 0-15", "a=ptime:20", "a=rtcp-mux", "a=sendrecv"}),
                   default_caps(),
                   answer_with({"m=audio 30000 RTP/AVP 96 97", "a=rtpmap:96 opus/48000/2",
                                "a=fmtp:96 useinbandfec=1;usedtx=0;maxaveragebitrate=32000",
                                "a=rtpmap:97 telephone-event/48000", "a=fmtp:97 0-16", "a=ptime:20",
                                "a=rtcp-mux", "a=sendrecv"})},
        AnswerCase{"pcmu_only_offer_with_telephone_event",
                   offer_with({"m=audio 4000 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000",
                               "a=fmtp:101 0-16"}),
                   default_caps(),
                   answer_with({"m=audio 30000 RTP/AVP 0 101", "a=rtpmap:0 PCMU/8000",
                                "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16",
                                "a=ptime:20", "a=sendrecv"})},
        AnswerCase{"our_preference_for_pcma_wins_over_the_offers_pcmu_first",
                   offer_with({"m=audio 4000 RTP/AVP 0 8"}),
                   narrowband_caps({pcma_codec(), pcmu_codec()}),
                   answer_with({"m=audio 30000 RTP/AVP 8", "a=rtpmap:8 PCMA/8000", "a=ptime:20",
                                "a=sendrecv"})},
        AnswerCase{"telephone_event_at_8000_accepted_with_opus_when_no_48000_offered",
                   offer_with({"m=audio 4000 RTP/AVP 111 101", "a=rtpmap:111 OPUS/48000/2",
                               "a=rtpmap:101 telephone-event/8000"}),
                   default_caps(),
                   answer_with({"m=audio 30000 RTP/AVP 111 101", "a=rtpmap:111 OPUS/48000/2",
                                "a=fmtp:111 useinbandfec=1;usedtx=0;maxaveragebitrate=32000",
                                "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16",
                                "a=ptime:20", "a=sendrecv"})},
        AnswerCase{"opus_mono_is_not_rfc7587_opus_so_pcmu_is_chosen",
                   offer_with({"m=audio 4000 RTP/AVP 96 0", "a=rtpmap:96 opus/48000/1"}),
                   default_caps(),
                   answer_with({"m=audio 30000 RTP/AVP 0", "a=rtpmap:0 PCMU/8000", "a=ptime:20",
                                "a=sendrecv"})},
        AnswerCase{"hold_sendonly_offer_is_answered_recvonly",
                   offer_with({"m=audio 4000 RTP/AVP 0", "a=sendonly"}), default_caps(),
                   answer_with({"m=audio 30000 RTP/AVP 0", "a=rtpmap:0 PCMU/8000", "a=ptime:20",
                                "a=recvonly"})},
        AnswerCase{"recvonly_offer_is_answered_sendonly",
                   offer_with({"m=audio 4000 RTP/AVP 0", "a=recvonly"}), default_caps(),
                   answer_with({"m=audio 30000 RTP/AVP 0", "a=rtpmap:0 PCMU/8000", "a=ptime:20",
                                "a=sendonly"})},
        AnswerCase{"inactive_offer_is_answered_inactive",
                   offer_with({"m=audio 4000 RTP/AVP 0", "a=inactive"}), default_caps(),
                   answer_with({"m=audio 30000 RTP/AVP 0", "a=rtpmap:0 PCMU/8000", "a=ptime:20",
                                "a=inactive"})},
        AnswerCase{"session_level_sendonly_applies_to_the_stream",
                   lines({"v=0", "o=alice 1 2 IN IP4 198.18.0.1", "s=-", "c=IN IP4 198.18.0.1",
                          "t=0 0", "a=sendonly", "m=audio 4000 RTP/AVP 0"}),
                   default_caps(),
                   answer_with({"m=audio 30000 RTP/AVP 0", "a=rtpmap:0 PCMU/8000", "a=ptime:20",
                                "a=recvonly"})},
        AnswerCase{"rfc2543_hold_with_zero_address_is_answered_recvonly",
                   offer_with({"m=audio 4000 RTP/AVP 0"}, "0.0.0.0"), default_caps(),
                   answer_with({"m=audio 30000 RTP/AVP 0", "a=rtpmap:0 PCMU/8000", "a=ptime:20",
                                "a=recvonly"})},
        AnswerCase{"holding_locally_answers_sendrecv_with_sendonly",
                   offer_with({"m=audio 4000 RTP/AVP 0"}), holding_caps(),
                   answer_with({"m=audio 30000 RTP/AVP 0", "a=rtpmap:0 PCMU/8000", "a=ptime:20",
                                "a=sendonly"})},
        AnswerCase{"holding_locally_and_held_remotely_is_inactive",
                   offer_with({"m=audio 4000 RTP/AVP 0", "a=sendonly"}), holding_caps(),
                   answer_with({"m=audio 30000 RTP/AVP 0", "a=rtpmap:0 PCMU/8000", "a=ptime:20",
                                "a=inactive"})},
        AnswerCase{"rtcp_mux_only_when_both_want_it",
                   offer_with({"m=audio 4000 RTP/AVP 0", "a=rtcp-mux"}), no_mux_caps(),
                   answer_with({"m=audio 30000 RTP/AVP 0", "a=rtpmap:0 PCMU/8000", "a=ptime:20",
                                "a=sendrecv"})},
        AnswerCase{"dtmf_disabled_leaves_telephone_event_out",
                   offer_with({"m=audio 4000 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000"}),
                   no_dtmf_caps(),
                   answer_with({"m=audio 30000 RTP/AVP 0", "a=rtpmap:0 PCMU/8000", "a=ptime:20",
                                "a=sendrecv"})},
        AnswerCase{
            "rfc3264_section_10_1_video_is_rejected_audio_accepted",
            lines({"v=0", "o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com",
                   "s=", "c=IN IP4 host.atlanta.example.com", "t=0 0",
                   "m=audio 49170 RTP/AVP 0 8 97", "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000",
                   "a=rtpmap:97 iLBC/8000", "m=video 51372 RTP/AVP 31 32", "a=rtpmap:31 H261/90000",
                   "a=rtpmap:32 MPV/90000"}),
            narrowband_caps({pcmu_codec()}),
            answer_with({"m=audio 30000 RTP/AVP 0", "a=rtpmap:0 PCMU/8000", "a=ptime:20",
                         "a=sendrecv", "m=video 0 RTP/AVP 31"})},
        AnswerCase{"a_rejected_first_audio_stream_is_skipped",
                   offer_with({"m=audio 0 RTP/AVP 0", "m=audio 4002 RTP/AVP 8"}), default_caps(),
                   answer_with({"m=audio 0 RTP/AVP 0", "m=audio 30000 RTP/AVP 8",
                                "a=rtpmap:8 PCMA/8000", "a=ptime:20", "a=sendrecv"})},
        AnswerCase{"a_second_audio_stream_is_rejected",
                   offer_with({"m=audio 4000 RTP/AVP 0", "m=audio 4002 RTP/AVP 0"}), default_caps(),
                   answer_with({"m=audio 30000 RTP/AVP 0", "a=rtpmap:0 PCMU/8000", "a=ptime:20",
                                "a=sendrecv", "m=audio 0 RTP/AVP 0"})},
        AnswerCase{"srtp_first_then_plain_rtp_falls_back_to_the_plain_stream",
                   offer_with({"m=audio 4000 RTP/SAVP 0", "m=audio 4002 RTP/AVP 0"}),
                   default_caps(),
                   answer_with({"m=audio 0 RTP/SAVP 0", "m=audio 30000 RTP/AVP 0",
                                "a=rtpmap:0 PCMU/8000", "a=ptime:20", "a=sendrecv"})},
        AnswerCase{"ipv6_offer_and_ipv6_local_address",
                   offer_with({"m=audio 4000 RTP/AVP 8"}, "2001:db8::1"),
                   default_caps(),
                   answer_with({"m=audio 30000 RTP/AVP 8", "a=rtpmap:8 PCMA/8000", "a=ptime:20",
                                "a=sendrecv"},
                               "2001:db8::2"),
                   {},
                   MediaAddress{"2001:db8::2", 30000}},
        AnswerCase{"refused_no_common_codec", offer_with({"m=audio 4000 RTP/AVP 18 3"}),
                   default_caps(), "", "RFC 3264 §6.1: no common codec"},
        AnswerCase{"refused_only_telephone_event",
                   offer_with({"m=audio 4000 RTP/AVP 101", "a=rtpmap:101 telephone-event/8000"}),
                   default_caps(), "", "RFC 3264 §6.1: no common codec"},
        AnswerCase{"refused_srtp_only", offer_with({"m=audio 4000 RTP/SAVP 0"}), default_caps(), "",
                   "RFC 3264 §6: no supported transport"},
        AnswerCase{"refused_video_only",
                   offer_with({"m=video 4000 RTP/AVP 31", "a=rtpmap:31 H261/90000"}),
                   default_caps(), "", "RFC 3264 §6: no audio stream offered"},
        AnswerCase{"refused_audio_disabled_in_offer", offer_with({"m=audio 0 RTP/AVP 0"}),
                   default_caps(), "", "RFC 3264 §6: no audio stream offered"}),
    [](const auto& test) { return std::string(test.param.name); });

TEST(MakeAnswer, RefusalNamesWhatWasOfferedForThe488) {
  auto offer = parse(offer_with({"m=audio 4000 RTP/AVP 18 96", "a=rtpmap:96 AMR/8000"}));
  ASSERT_TRUE(offer.has_value());
  auto answer = make_answer(*offer, default_caps(), kLocal);
  ASSERT_FALSE(answer.has_value());
  EXPECT_EQ(answer.error().describe(),
            "RFC 3264 §6.1: no common codec: offered G729/8000, AMR/8000");
}

TEST(MakeAnswer, NegotiatedMediaCarriesTheOfferersAddressParametersAndPtime) {
  auto offer = parse(offer_with(
      {"m=audio 4000 RTP/AVP 96 101", "c=IN IP4 198.18.0.9", "a=rtpmap:96 opus/48000/2",
       "a=fmtp:96 maxaveragebitrate=20000;useinbandfec=1;usedtx=1",
       "a=rtpmap:101 telephone-event/8000", "a=ptime:40", "a=maxptime:60", "a=rtcp-mux"}));
  ASSERT_TRUE(offer.has_value()) << offer.error().describe();
  auto answer = make_answer(*offer, default_caps(), kLocal);
  ASSERT_TRUE(answer.has_value()) << answer.error().describe();
  const NegotiatedMedia& n = answer->media;
  EXPECT_EQ(n.remote, (MediaAddress{"198.18.0.9", 4000}));
  EXPECT_EQ(n.codec.encoding_name, "opus");
  EXPECT_EQ(n.codec.payload_type, 96);
  EXPECT_EQ(n.codec.clock_rate, 48000U);
  EXPECT_EQ(n.codec.channels, 2);
  EXPECT_EQ(find_parameter(n.codec.parameters, "maxaveragebitrate"), "20000");
  EXPECT_EQ(find_parameter(n.codec.parameters, "usedtx"), "1");
  EXPECT_EQ(n.telephone_event_payload_type, 101);
  EXPECT_EQ(n.telephone_event_clock_rate, 8000U);
  EXPECT_EQ(n.ptime_ms, 40U);
  EXPECT_EQ(n.maxptime_ms, 60U);
  EXPECT_EQ(n.direction, Direction::sendrecv);
  EXPECT_TRUE(n.rtcp_mux);
}

TEST(MakeOffer, OffersEveryCodecInOrderWithEventsAtBothRates) {
  LocalCapabilities caps = default_caps();
  caps.maxptime_ms = 60;
  const SessionDescription offer = make_offer(caps, MediaAddress{"198.18.0.1", 4000}, kIdentity);
  EXPECT_EQ(
      serialize(offer),
      lines({"v=0", "o=- 42 1 IN IP4 198.18.0.1", "s=-", "c=IN IP4 198.18.0.1", "t=0 0",
             "m=audio 4000 RTP/AVP 111 0 8 110 101", "a=rtpmap:111 opus/48000/2",
             "a=fmtp:111 useinbandfec=1;usedtx=0;maxaveragebitrate=32000", "a=rtpmap:0 PCMU/8000",
             "a=rtpmap:8 PCMA/8000", "a=rtpmap:110 telephone-event/48000", "a=fmtp:110 0-16",
             "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16", "a=ptime:20", "a=maxptime:60",
             "a=rtcp-mux", "a=sendrecv"}));
}

TEST(MakeOffer, HoldOfferIsSendonly) {
  const SessionDescription offer = make_offer(holding_caps(), MediaAddress{"198.18.0.1", 4000});
  EXPECT_EQ(declared_direction(offer, 0), Direction::sendonly);
}

TEST(OfferAnswer, TwoTipringPeersAgreeOnOpusAndDtmf) {
  const SessionDescription offer = make_offer(default_caps(), MediaAddress{"198.18.0.1", 4000});
  auto answer = make_answer(offer, narrowband_caps({pcma_codec(), opus_codec(120)}), kLocal);
  ASSERT_TRUE(answer.has_value()) << answer.error().describe();
  EXPECT_EQ(answer->media.codec.encoding_name, "PCMA") << "the answerer's preference decides";
  EXPECT_EQ(answer->media.telephone_event_payload_type, 101);
  auto applied = apply_answer(offer, answer->sdp);
  ASSERT_TRUE(applied.has_value()) << applied.error().describe();
  EXPECT_EQ(applied->codec.encoding_name, "PCMA");
  EXPECT_EQ(applied->codec.payload_type, 8);
  EXPECT_EQ(applied->telephone_event_payload_type, 101);
  EXPECT_EQ(applied->remote, kLocal);
  EXPECT_TRUE(applied->rtcp_mux);
}

}  // namespace
}  // namespace tipring::sdp
