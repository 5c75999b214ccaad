// GR-30-CORE type 2: alert, CAS, ACK, then FSK — and no FSK without the ACK.
#include "pots/caller_id/alert_tone_detector.h"
#include "pots/caller_id/caller_id_receiver.h"
#include "pots/caller_id/caller_id_transmitter.h"
#include "pots/tones/tone_player.h"
#include "test_signals.h"

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

CallerId waiting_caller() {
  CallerId id;
  id.number = "3035550100";
  id.name = "BOB";
  return id;
}

// Runs the office side in 10 ms blocks; a telephone that hears the CAS answers with
// `ack` (or not at all) after one block.
struct Exchange {
  std::vector<CallerIdMessage> messages;
  std::vector<AlertTone> alerts;
  CallWaitingCallerIdSender::State final_state;
};

Exchange run(char ack) {
  CallWaitingCallerIdSender sender(encode_caller_id(waiting_caller(), CallerIdFormat::kMdmf));
  AlertToneDetector cas(70.0, 90.0);
  CallerIdReceiver display(kBell202, 10.0);
  Exchange result;
  std::vector<std::int16_t> block(80);
  bool acked = false;
  for (int i = 0; i < 300; ++i) {
    sender.render(block);
    cas.process(block, result.alerts);
    display.process(block, result.messages);
    if (!result.alerts.empty() && !acked && ack != 0) {
      sender.on_key(ack);
      acked = true;
    }
  }
  result.final_state = sender.state();
  return result;
}

TEST(CallWaitingCallerId, SendsDataAfterTheAckDigitD) {
  const auto result = run('D');
  ASSERT_EQ(result.alerts.size(), 1U);
  EXPECT_NEAR(result.alerts[0].duration_ms, 80.0, 10.0);
  ASSERT_EQ(result.messages.size(), 1U);
  EXPECT_EQ(result.messages[0].decoded.value(), waiting_caller());
  EXPECT_EQ(result.final_state, CallWaitingCallerIdSender::State::kDone);
}

TEST(CallWaitingCallerId, AdsiAckDigitAAlsoWorks) {
  EXPECT_EQ(run('A').messages.size(), 1U);
}

TEST(CallWaitingCallerId, NoAckMeansNoData) {
  const auto result = run(0);
  EXPECT_TRUE(result.messages.empty());
  EXPECT_EQ(result.final_state, CallWaitingCallerIdSender::State::kNoAck);
}

TEST(CallWaitingCallerId, OtherDigitsAreNotAnAck) {
  const auto result = run('5');
  EXPECT_TRUE(result.messages.empty());
  EXPECT_EQ(result.final_state, CallWaitingCallerIdSender::State::kNoAck);
}

struct AlertCase {
  double ms;
  bool cas;   // accepted as CAS (75-85 ms)
  bool dtas;  // accepted as DT-AS (about 100 ms)
};

class AlertToneLengths : public testing::TestWithParam<AlertCase> {};

TEST_P(AlertToneLengths, AcceptsOnlyItsOwnDuration) {
  const auto c = GetParam();
  const auto signal =
      test::concat({test::silence_ms(50), render_tone(cas_tone(c.ms), c.ms), test::silence_ms(50)});
  AlertToneDetector cas(70.0, 90.0);
  AlertToneDetector dtas(90.0, 130.0);
  std::vector<AlertTone> cas_out;
  std::vector<AlertTone> dtas_out;
  cas.process(signal, cas_out);
  dtas.process(signal, dtas_out);
  EXPECT_EQ(cas_out.size(), c.cas ? 1U : 0U) << c.ms;
  EXPECT_EQ(dtas_out.size(), c.dtas ? 1U : 0U) << c.ms;
}

INSTANTIATE_TEST_SUITE_P(Durations, AlertToneLengths,
                         testing::Values(AlertCase{80, true, false}, AlertCase{75, true, false},
                                         AlertCase{85, true, false}, AlertCase{100, false, true},
                                         AlertCase{40, false, false},
                                         AlertCase{300, false, false}));

TEST(AlertToneDetector, IgnoresOneToneAlone) {
  const auto signal =
      render_tone(ToneSignal{{TonePhase{{ToneSegment{{{2130.0, -10.0}}, 80}}, 1}}}, 100);
  AlertToneDetector cas;
  std::vector<AlertTone> out;
  cas.process(signal, out);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace tipring::pots
