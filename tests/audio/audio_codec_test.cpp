#include "audio/codec/audio_codec.h"

#include <string>

#include <gtest/gtest.h>

namespace tipring::audio {
namespace {

struct NameCase {
  std::string rtpmap;
  bool ok;
  CodecKind kind;
};

class CodecFromSdpName : public ::testing::TestWithParam<NameCase> {};

TEST_P(CodecFromSdpName, ChoosesTheCodecByRtpmapEncodingName) {
  const auto& c = GetParam();
  const auto kind = codec_from_sdp_name(c.rtpmap);
  ASSERT_EQ(kind.has_value(), c.ok) << c.rtpmap;
  if (c.ok) {
    EXPECT_EQ(*kind, c.kind);
  } else {
    EXPECT_EQ(kind.error().rule, "RFC 8866 §6.6 rtpmap");
  }
}

INSTANTIATE_TEST_SUITE_P(Rtpmaps, CodecFromSdpName,
                         ::testing::Values(NameCase{"opus/48000/2", true, CodecKind::opus},
                                           NameCase{"OPUS/48000/2", true, CodecKind::opus},
                                           NameCase{"PCMU/8000", true, CodecKind::pcmu},
                                           NameCase{"pcma/8000", true, CodecKind::pcma},
                                           NameCase{"PCMA/8000/1", true, CodecKind::pcma},
                                           NameCase{"opus/48000", false, CodecKind::opus},
                                           NameCase{"G722/8000", false, CodecKind::opus},
                                           NameCase{"PCMU/16000", false, CodecKind::opus},
                                           NameCase{"", false, CodecKind::opus}));

TEST(AudioCodec, ClockRatesFollowTheRtpPayloadFormats) {
  EXPECT_EQ(clock_rate_hz(CodecKind::opus), 48000);
  EXPECT_EQ(clock_rate_hz(CodecKind::pcmu), 8000);
  EXPECT_EQ(clock_rate_hz(CodecKind::pcma), 8000);
}

TEST(AudioCodec, FactoryBuildsEachCodecWithItsFrameSize) {
  for (auto kind : {CodecKind::opus, CodecKind::pcmu, CodecKind::pcma}) {
    CodecSettings settings;
    settings.kind = kind;
    settings.frame_ms = 20;
    auto encoder = make_encoder(settings);
    ASSERT_TRUE(encoder);
    EXPECT_EQ((*encoder)->kind(), kind);
    EXPECT_EQ((*encoder)->frame_samples(), static_cast<std::size_t>(clock_rate_hz(kind) / 50));
    auto decoder = make_decoder(kind);
    ASSERT_TRUE(decoder);
    EXPECT_EQ((*decoder)->kind(), kind);
  }
}

}  // namespace
}  // namespace tipring::audio
