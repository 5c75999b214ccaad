#include "protocol/sdp/offer_answer.h"
#include "tests/protocol/sdp/sdp_text.h"

#include <gtest/gtest.h>

namespace tipring::sdp {
namespace {

using test::lines;

SessionDescription our_offer(Direction direction = Direction::sendrecv) {
  LocalCapabilities caps;
  caps.codecs = {opus_codec(), pcmu_codec(), pcma_codec()};
  caps.direction = direction;
  return make_offer(caps, MediaAddress{"198.18.0.1", 4000});
}

std::string answer_text(std::initializer_list<std::string_view> media_lines) {
  return lines({"v=0", "o=bob 7 7 IN IP4 198.18.0.2", "s=-", "c=IN IP4 198.18.0.2", "t=0 0"}) +
         lines(media_lines);
}

Result<NegotiatedMedia> apply_text(const SessionDescription& offer, const std::string& answer) {
  auto parsed = parse(answer);
  EXPECT_TRUE(parsed.has_value()) << parsed.error().describe();
  if (!parsed) {
    return tl::unexpected(parsed.error());
  }
  return apply_answer(offer, *parsed);
}

TEST(ApplyAnswer, ReadsCodecParametersAddressAndEvents) {
  auto n = apply_text(
      our_offer(), answer_text({"m=audio 5000 RTP/AVP 111 101", "c=IN IP4 198.18.0.7",
                                "a=rtpmap:111 opus/48000/2", "a=fmtp:111 useinbandfec=0; stereo=1",
                                "a=rtpmap:101 telephone-event/8000", "a=ptime:60", "a=rtcp-mux"}));
  ASSERT_TRUE(n.has_value()) << n.error().describe();
  EXPECT_EQ(n->remote, (MediaAddress{"198.18.0.7", 5000}));
  EXPECT_EQ(n->codec.encoding_name, "opus");
  EXPECT_EQ(n->codec.payload_type, 111);
  EXPECT_EQ(find_parameter(n->codec.parameters, "useinbandfec"), "0");
  EXPECT_EQ(find_parameter(n->codec.parameters, "stereo"), "1");
  EXPECT_EQ(n->telephone_event_payload_type, 101);
  EXPECT_EQ(n->ptime_ms, 60U);
  EXPECT_EQ(n->direction, Direction::sendrecv);
  EXPECT_TRUE(n->rtcp_mux);
}

TEST(ApplyAnswer, TheFirstCodecOfTheAnswerIsUsedAndStaticTypesNeedNoRtpmap) {
  auto n = apply_text(our_offer(), answer_text({"m=audio 5000 RTP/AVP 8 0"}));
  ASSERT_TRUE(n.has_value()) << n.error().describe();
  EXPECT_EQ(n->codec.encoding_name, "PCMA");
  EXPECT_EQ(n->codec.payload_type, 8);
  EXPECT_FALSE(n->telephone_event_payload_type.has_value());
  EXPECT_FALSE(n->rtcp_mux) << "the answer did not accept rtcp-mux";
  EXPECT_EQ(n->ptime_ms, 20U) << "no a=ptime in the answer: our own";
}

TEST(ApplyAnswer, AnswererMayRenumberADynamicPayloadType) {
  auto n =
      apply_text(our_offer(), answer_text({"m=audio 5000 RTP/AVP 98", "a=rtpmap:98 opus/48000/2"}));
  ASSERT_TRUE(n.has_value()) << n.error().describe();
  EXPECT_EQ(n->codec.payload_type, 98) << "we send with the number the answer gave";
}

struct DirectionCase {
  Direction offered;
  const char* answered;
  Direction expected;
};

class HoldDirections : public ::testing::TestWithParam<DirectionCase> {};

// RFC 6337 §5: the offerer's resulting direction is the reverse of the answer's.
TEST_P(HoldDirections, LocalDirectionIsTheReverseOfTheAnswer) {
  const auto& c = GetParam();
  auto n = apply_text(our_offer(c.offered),
                      answer_text({"m=audio 5000 RTP/AVP 0", std::string("a=") + c.answered}));
  ASSERT_TRUE(n.has_value()) << n.error().describe();
  EXPECT_EQ(n->direction, c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc6337, HoldDirections,
    ::testing::Values(DirectionCase{Direction::sendrecv, "sendrecv", Direction::sendrecv},
                      DirectionCase{Direction::sendrecv, "recvonly", Direction::sendonly},
                      DirectionCase{Direction::sendrecv, "sendonly", Direction::recvonly},
                      DirectionCase{Direction::sendrecv, "inactive", Direction::inactive},
                      DirectionCase{Direction::sendonly, "recvonly", Direction::sendonly},
                      DirectionCase{Direction::sendonly, "inactive", Direction::inactive},
                      // A non-compliant sendrecv answer to our hold cannot make us receive.
                      DirectionCase{Direction::sendonly, "sendrecv", Direction::sendonly},
                      DirectionCase{Direction::inactive, "inactive", Direction::inactive}));

TEST(ApplyAnswer, RejectedAudioStreamFails) {
  auto n = apply_text(our_offer(), answer_text({"m=audio 0 RTP/AVP 0"}));
  ASSERT_FALSE(n.has_value());
  EXPECT_EQ(n.error().rule, "RFC 3264 §6: answer rejected the audio stream");
}

TEST(ApplyAnswer, AnswerWithAnotherNumberOfMediaLinesFails) {
  auto n = apply_text(our_offer(), answer_text({"m=audio 5000 RTP/AVP 0", "m=video 0 RTP/AVP 31"}));
  ASSERT_FALSE(n.has_value());
  EXPECT_EQ(n.error().rule, "RFC 3264 §6: answer must have as many m= lines as the offer");
}

TEST(ApplyAnswer, AnswerWithACodecWeNeverOfferedFails) {
  auto n = apply_text(our_offer(), answer_text({"m=audio 5000 RTP/AVP 18"}));
  ASSERT_FALSE(n.has_value());
  EXPECT_EQ(n.error().rule, "RFC 3264 §7: answer holds no offered codec");
}

TEST(ApplyAnswer, AnswerWithOnlyTelephoneEventFails) {
  auto n = apply_text(
      our_offer(), answer_text({"m=audio 5000 RTP/AVP 101", "a=rtpmap:101 telephone-event/8000"}));
  ASSERT_FALSE(n.has_value());
  EXPECT_EQ(n.error().rule, "RFC 3264 §7: answer holds no offered codec");
}

}  // namespace
}  // namespace tipring::sdp
