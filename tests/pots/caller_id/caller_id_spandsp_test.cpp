// Caller ID against spandsp's ADSI transmitter and receiver, both ways (Bell 202 "CLASS"
// and V.23 "CLIP"), with the preambles GR-30-CORE and EN 300 659 use.
#include "pots/caller_id/caller_id_receiver.h"
#include "pots/caller_id/caller_id_transmitter.h"
#include "spandsp_oracle.h"
#include "test_signals.h"

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

CallerId sample_id(bool sdmf) {
  CallerId id;
  id.when = CallerIdDateTime{11, 5, 7, 45};
  id.number = "4085551212";
  if (!sdmf) {
    id.name = "ABCDEFGHIJKLMNOP";  // 16 bytes: the DLE length spandsp's helper gets wrong
  }
  return id;
}

struct OracleCase {
  const char* what;
  test::AdsiStandard standard;
  FskBurstSettings burst;
  CallerIdFormat format;
  double gain_db;
  double noise_dbm0;
};

class CallerIdAgainstSpandsp : public testing::TestWithParam<OracleCase> {};

TEST_P(CallerIdAgainstSpandsp, SpandspReceivesOurBurst) {
  const auto& c = GetParam();
  const auto id = sample_id(c.format == CallerIdFormat::kSdmf);
  const auto message = encode_caller_id(id, c.format);
  auto samples = test::concat({test::silence_ms(100), render_fsk_burst(message, c.burst)});
  test::apply_gain(samples, c.gain_db);
  test::add_noise(samples, c.noise_dbm0, 23);
  const auto received = test::spandsp_adsi_receive(c.standard, samples);
  ASSERT_EQ(received.size(), 1U) << c.what;
  // spandsp hands over the message without its checksum, after checking it.
  EXPECT_EQ(received[0], std::vector<std::uint8_t>(message.begin(), message.end() - 1)) << c.what;
}

TEST_P(CallerIdAgainstSpandsp, WeReceiveSpandspsBurst) {
  const auto& c = GetParam();
  const auto id = sample_id(c.format == CallerIdFormat::kSdmf);
  const auto message = encode_caller_id(id, c.format);
  // spandsp appends the checksum itself.
  auto samples =
      test::concat({test::silence_ms(100),
                    test::spandsp_adsi_burst(c.standard, {message.begin(), message.end() - 1},
                                             c.burst.seizure_bits, c.burst.mark_bits),
                    test::silence_ms(100)});
  test::apply_gain(samples, c.gain_db);
  test::add_noise(samples, c.noise_dbm0, 29);
  CallerIdReceiver receiver(c.burst.standard, c.burst.seizure_bits ? 20.0 : 10.0);
  std::vector<CallerIdMessage> out;
  receiver.process(samples, out);
  ASSERT_EQ(out.size(), 1U) << c.what;
  ASSERT_TRUE(out[0].decoded) << c.what << ": " << out[0].decoded.error().describe();
  EXPECT_EQ(*out[0].decoded, id) << c.what;
}

INSTANTIATE_TEST_SUITE_P(
    Variants, CallerIdAgainstSpandsp,
    testing::Values(OracleCase{"Bell 202 type 1 MDMF", test::AdsiStandard::kClass, kType1Burst,
                               CallerIdFormat::kMdmf, 0, -60},
                    OracleCase{"Bell 202 type 1 SDMF", test::AdsiStandard::kClass, kType1Burst,
                               CallerIdFormat::kSdmf, 0, -60},
                    OracleCase{"Bell 202 type 2", test::AdsiStandard::kClass, kType2Burst,
                               CallerIdFormat::kMdmf, 0, -60},
                    OracleCase{"V.23 ETSI MDMF", test::AdsiStandard::kClip, kEtsiBurst,
                               CallerIdFormat::kMdmf, 0, -60},
                    OracleCase{"Bell 202 noisy, 10 dB down", test::AdsiStandard::kClass,
                               kType1Burst, CallerIdFormat::kMdmf, -10, -45},
                    OracleCase{"V.23 noisy, 6 dB up", test::AdsiStandard::kClip, kEtsiBurst,
                               CallerIdFormat::kMdmf, 6, -35}));

TEST(CallerIdAgainstSpandsp, Bell202AndV23ReceiversDecodeEachOthersBursts) {
  // As measured with spandsp: the two modems are close enough to cross-decode. Ours too.
  const auto id = sample_id(false);
  const auto v23 = render_fsk_burst(encode_caller_id(id, CallerIdFormat::kMdmf), kEtsiBurst);
  CallerIdReceiver bell(kBell202);
  std::vector<CallerIdMessage> out;
  bell.process(v23, out);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].decoded.value(), id);
}

}  // namespace
}  // namespace tipring::pots
