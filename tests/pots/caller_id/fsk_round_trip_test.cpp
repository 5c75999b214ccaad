// Our FSK caller ID through our own modulator and demodulator.
#include "pots/caller_id/caller_id_receiver.h"
#include "pots/caller_id/caller_id_transmitter.h"
#include "test_signals.h"

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

CallerId sample_id() {
  CallerId id;
  id.when = CallerIdDateTime{3, 14, 15, 9};
  id.number = "5551234567";
  id.name = "JOHN DOE";
  return id;
}

std::vector<CallerIdMessage> receive(const test::Buffer& samples, FskStandard standard,
                                     double min_marks = 20.0) {
  CallerIdReceiver receiver(standard, min_marks);
  std::vector<CallerIdMessage> out;
  for (std::size_t at = 0; at < samples.size(); at += 160) {
    receiver.process(Samples(samples).subspan(at, std::min<std::size_t>(160, samples.size() - at)),
                     out);
  }
  return out;
}

struct FskCase {
  const char* what;
  FskBurstSettings burst;
  CallerIdFormat format;
  double gain_db;
  double noise_dbm0;  // below -100: none
};

class FskCallerIdRoundTrip : public testing::TestWithParam<FskCase> {};

TEST_P(FskCallerIdRoundTrip, DecodesTheSameCallerId) {
  const auto& c = GetParam();
  CallerId id = sample_id();
  if (c.format == CallerIdFormat::kSdmf) {
    id.name.clear();
  }
  auto samples = test::concat({test::silence_ms(200),
                               render_fsk_burst(encode_caller_id(id, c.format), c.burst),
                               test::silence_ms(200)});
  test::apply_gain(samples, c.gain_db);
  if (c.noise_dbm0 > -100.0) {
    test::add_noise(samples, c.noise_dbm0, 17);
  }
  const auto messages = receive(samples, c.burst.standard, c.burst.seizure_bits ? 20.0 : 10.0);
  ASSERT_EQ(messages.size(), 1U) << c.what;
  ASSERT_TRUE(messages[0].decoded) << c.what << ": " << messages[0].decoded.error().describe();
  EXPECT_EQ(*messages[0].decoded, id) << c.what;
}

INSTANTIATE_TEST_SUITE_P(
    Variants, FskCallerIdRoundTrip,
    testing::Values(
        FskCase{"type 1 MDMF", kType1Burst, CallerIdFormat::kMdmf, 0, -200},
        FskCase{"type 1 SDMF", kType1Burst, CallerIdFormat::kSdmf, 0, -200},
        FskCase{"type 2 MDMF", kType2Burst, CallerIdFormat::kMdmf, 0, -200},
        FskCase{"ETSI V.23 MDMF", kEtsiBurst, CallerIdFormat::kMdmf, 0, -200},
        FskCase{"type 1 loud", kType1Burst, CallerIdFormat::kMdmf, 10, -200},
        FskCase{"type 1 quiet (-38.5 dBm0)", kType1Burst, CallerIdFormat::kMdmf, -25, -200},
        FskCase{"type 1 with noise 20 dB down", kType1Burst, CallerIdFormat::kMdmf, 0, -33.5},
        FskCase{"V.23 with noise 20 dB down", kEtsiBurst, CallerIdFormat::kMdmf, 0, -33.5},
        FskCase{"type 2 quiet and noisy", kType2Burst, CallerIdFormat::kMdmf, -10, -42}));

TEST(FskCallerId, Type1BurstLastsAsGr30Says) {
  // 300 seizure + 180 mark bits + 34 bytes of 10 bits (+1 trailing mark) at 1200 baud.
  const auto burst =
      render_fsk_burst(encode_caller_id(sample_id(), CallerIdFormat::kMdmf), kType1Burst);
  EXPECT_NEAR(ms_from_samples(static_cast<std::int64_t>(burst.size())),
              (300 + 180 + 35 * 10 + 1) / 1.2, 1.0);
}

TEST(FskCallerId, NoMessageWithoutTheMarkSignal) {
  // Seizure straight into data: a display must not take seizure bytes for a message.
  FskBurstSettings no_marks = kType1Burst;
  no_marks.mark_bits = 0;
  const auto samples =
      render_fsk_burst(encode_caller_id(sample_id(), CallerIdFormat::kMdmf), no_marks);
  for (const auto& m : receive(samples, kBell202)) {
    EXPECT_FALSE(m.decoded) << "decoded a message without a mark signal";
  }
}

TEST(FskCallerId, CorruptedBurstIsReportedNotShown) {
  auto samples =
      render_fsk_burst(encode_caller_id(sample_id(), CallerIdFormat::kMdmf), kType1Burst);
  // Wipe 10 ms in the middle of the message body.
  const std::size_t at = samples.size() - 1200;
  std::fill_n(samples.begin() + static_cast<long>(at), 40, std::int16_t{0});
  for (std::size_t i = at; i < at + 80; ++i) {
    samples[i] = static_cast<std::int16_t>(i % 2 ? 4000 : -4000);
  }
  const auto messages = receive(samples, kBell202);
  for (const auto& m : messages) {
    EXPECT_FALSE(m.decoded && *m.decoded == sample_id());
  }
}

}  // namespace
}  // namespace tipring::pots
