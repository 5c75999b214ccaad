#include "pots/caller_id/dtmf_caller_id.h"

#include "pots/dtmf/dtmf_detector.h"
#include "pots/dtmf/dtmf_generator.h"

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

TEST(DtmfCallerId, EncodesNumberBetweenAAndC) {
  CallerId id;
  id.number = "+45 3312-3456";
  EXPECT_EQ(encode_dtmf_caller_id(id), "A4533123456C");
}

TEST(DtmfCallerId, EncodesAbsenceAsBCodes) {
  CallerId id;
  id.number_absent = Absence::kPrivate;
  EXPECT_EQ(encode_dtmf_caller_id(id), "B10C");
  id.number_absent = Absence::kUnavailable;
  EXPECT_EQ(encode_dtmf_caller_id(id), "B00C");
}

struct DecodeCase {
  const char* keys;
  bool ok;
  const char* number;
  std::optional<Absence> absent;
};

class DtmfCallerIdDecode : public testing::TestWithParam<DecodeCase> {};

TEST_P(DtmfCallerIdDecode, ReadsTheVariants) {
  const auto c = GetParam();
  const auto id = decode_dtmf_caller_id(c.keys);
  ASSERT_EQ(id.has_value(), c.ok) << c.keys;
  if (c.ok) {
    EXPECT_EQ(id->number, c.number);
    EXPECT_EQ(id->number_absent, c.absent);
  }
}

INSTANTIATE_TEST_SUITE_P(Variants, DtmfCallerIdDecode,
                         testing::Values(DecodeCase{"A012345678C", true, "012345678", std::nullopt},
                                         DecodeCase{"D012345678C", true, "012345678", std::nullopt},
                                         DecodeCase{"A012345678#", true, "012345678", std::nullopt},
                                         DecodeCase{"B10C", true, "", Absence::kPrivate},
                                         DecodeCase{"B00C", true, "", Absence::kUnavailable},
                                         DecodeCase{"B42C", false, "", std::nullopt},
                                         DecodeCase{"A0123", false, "", std::nullopt},
                                         DecodeCase{"0123C", false, "", std::nullopt},
                                         DecodeCase{"A01*3C", false, "", std::nullopt}));

TEST(DtmfCallerId, SurvivesTheLineAtSixtyMillisecondTones) {
  CallerId id;
  id.number = "4520304050";
  DtmfToneSettings settings;
  settings.on_ms = 60;
  settings.off_ms = 60;
  const auto samples = generate_dtmf(encode_dtmf_caller_id(id), settings);
  DtmfDetector detector;
  std::vector<DtmfDigit> digits;
  detector.process(samples, digits);
  std::string keys;
  for (const auto& d : digits) {
    keys += d.key;
  }
  EXPECT_EQ(decode_dtmf_caller_id(keys).value(), id);
}

}  // namespace
}  // namespace tipring::pots
