#include "protocol/sdp/media_format.h"

#include <gtest/gtest.h>

namespace tipring::sdp {
namespace {

TEST(MediaFormat, ParsesRtpmapWithAndWithoutChannels) {
  auto opus = parse_rtpmap("opus/48000/2");
  ASSERT_TRUE(opus.has_value());
  EXPECT_EQ(*opus, (RtpMap{"opus", 48000, 2}));
  auto te = parse_rtpmap("telephone-event/8000");
  ASSERT_TRUE(te.has_value());
  EXPECT_EQ(te->channels, 1);
  for (auto bad :
       {"", "opus", "opus/", "/8000", "opus/0", "opus/48000/", "opus/48000/0", "opus/x"}) {
    EXPECT_FALSE(parse_rtpmap(bad).has_value()) << bad;
  }
  EXPECT_EQ(format_rtpmap(*opus), "opus/48000/2");
  EXPECT_EQ(format_rtpmap(*te), "telephone-event/8000");
}

TEST(MediaFormat, StaticPayloadTypesNeedNoRtpmap) {
  EXPECT_EQ(static_rtpmap("0"), (RtpMap{"PCMU", 8000, 1}));
  EXPECT_EQ(static_rtpmap("8"), (RtpMap{"PCMA", 8000, 1}));
  EXPECT_EQ(static_rtpmap("96"), std::nullopt);
}

TEST(MediaFormat, EncodingNamesCompareCaseInsensitively) {
  EXPECT_TRUE(same_encoding(RtpMap{"OPUS", 48000, 2}, RtpMap{"opus", 48000, 2}));
  EXPECT_FALSE(same_encoding(RtpMap{"opus", 48000, 1}, RtpMap{"opus", 48000, 2}));
  EXPECT_FALSE(
      same_encoding(RtpMap{"telephone-event", 8000, 1}, RtpMap{"telephone-event", 48000, 1}));
}

TEST(MediaFormat, FormatParametersSplitOnSemicolonsToleratingSpaces) {
  auto params = parse_format_parameters("minptime=10;useinbandfec=1; usedtx=0");
  ASSERT_EQ(params.size(), 3U);
  EXPECT_EQ(find_parameter(params, "useinbandfec"), "1");
  EXPECT_EQ(find_parameter(params, "usedtx"), "0");
  EXPECT_EQ(find_parameter(params, "stereo"), std::nullopt);
  EXPECT_EQ(format_format_parameters(params), "minptime=10;useinbandfec=1;usedtx=0");
}

TEST(MediaFormat, EventListsAreParametersWithoutName) {
  auto params = parse_format_parameters("0-15");
  ASSERT_EQ(params.size(), 1U);
  EXPECT_EQ(params[0].name, "");
  EXPECT_EQ(params[0].value, "0-15");
  EXPECT_EQ(format_format_parameters(params), "0-15");
}

}  // namespace
}  // namespace tipring::sdp
