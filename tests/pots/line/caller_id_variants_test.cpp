// On-hook caller ID in every variant the line settings offer, driven by the controller on an
// incoming call and decoded by the emulated telephone itself: GR-30-CORE type 1 and
// EN 300 659-1 V.23 after the first ring, EN 300 659-1 before ringing after a line reversal
// plus DT-AS or after a ring-pulse alert (RP-AS), and DTMF caller ID before the first ring.
// Fake clock; the decoded number and name and each variant's timing are asserted.
#include "line_bench.h"

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

using namespace test;

struct VariantCase {
  const char* name;
  CallerIdVariant variant;
  FskStandard display;  // the telephone's FSK receiver
  std::optional<CallerIdAlert> alert;
  int rings_before_display;
  bool name_shown;  // DTMF caller ID carries the number only
};

class CallerIdVariants : public ::testing::TestWithParam<VariantCase> {};

TEST_P(CallerIdVariants, TheTelephoneDecodesTheCallerInTheVariantChosen) {
  auto settings = us_settings();
  settings.caller_id_variant = GetParam().variant;
  TelephoneSettings telephone;
  telephone.caller_id_standard = GetParam().display;
  Bench bench(settings, telephone);
  bench.controller.on_incoming_call(7, caller("2025550147", "GRACE HOPPER"), bench.now);
  EXPECT_EQ(bench.controller.state(), LineState::kRinging);
  bench.advance(seconds(9));

  ASSERT_TRUE(bench.phone.display()) << caller_id_variant_name(GetParam().variant);
  EXPECT_EQ(bench.phone.display()->number, "2025550147");
  EXPECT_EQ(bench.phone.display()->name, GetParam().name_shown ? "GRACE HOPPER" : "");
  EXPECT_EQ(bench.phone.caller_id_errors(), 0);
  EXPECT_EQ(bench.rings_at_caller_id, GetParam().rings_before_display);
  EXPECT_EQ(bench.phone.last_alert(), GetParam().alert);
  EXPECT_EQ(bench.phone.rings(), 2) << "the RP-AS does not count as a ring";
  EXPECT_FALSE(bench.controller.line().polarity_reversed()) << "normal polarity for ringing";

  bench.phone.lift_handset(bench.now);
  bench.advance(milliseconds(50));
  EXPECT_EQ(bench.telephony.last(), "answer 7");
  EXPECT_EQ(bench.controller.state(), LineState::kTalking);
}

INSTANTIATE_TEST_SUITE_P(
    Variants, CallerIdVariants,
    ::testing::Values(VariantCase{"TelcordiaType1", CallerIdVariant::kTelcordiaType1, kBell202,
                                  std::nullopt, 1, true},
                      VariantCase{"EtsiAfterFirstRing", CallerIdVariant::kEtsiAfterFirstRing, kV23,
                                  std::nullopt, 1, true},
                      VariantCase{"EtsiLineReversalAndDtAs", CallerIdVariant::kEtsiLineReversal,
                                  kV23, CallerIdAlert::kDualTone, 0, true},
                      VariantCase{"EtsiRingPulse", CallerIdVariant::kEtsiRingPulse, kV23,
                                  CallerIdAlert::kRingPulse, 0, true},
                      VariantCase{"Dtmf", CallerIdVariant::kDtmf, kBell202, std::nullopt, 0,
                                  false}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

// The instants of a variant sent before ringing, from the line's side.
struct PreRingProbe {
  std::optional<TimePoint> reversed;
  std::vector<TimePoint> ring_on;  // each ring voltage burst's start and end (10 ms steps)
  std::vector<TimePoint> ring_off;
};

PreRingProbe probe(Bench& bench, milliseconds length) {
  PreRingProbe p;
  bool was_ringing = false;
  for (const TimePoint end = bench.now + length; bench.now < end;) {
    bench.advance(milliseconds(10));
    const auto v = bench.controller.voltage(bench.now);
    if (v.dc_volts > 0 && !p.reversed) {
      p.reversed = bench.now;
    }
    const bool ringing = v.ring_volts_rms > 0;
    if (ringing != was_ringing) {
      (ringing ? p.ring_on : p.ring_off).push_back(bench.now);
    }
    was_ringing = ringing;
  }
  return p;
}

TEST(CallerIdVariantTimings, LineReversalThenDtAsThenDataThenTheFirstRing) {
  auto settings = us_settings();
  settings.caller_id_variant = CallerIdVariant::kEtsiLineReversal;
  TelephoneSettings telephone;
  telephone.caller_id_standard = kV23;
  Bench bench(settings, telephone);
  const TimePoint start = bench.now;
  bench.controller.on_incoming_call(7, caller("2025550147", "GRACE HOPPER"), start);
  EXPECT_TRUE(bench.controller.line().polarity_reversed()) << "the reversal comes first";
  const auto p = probe(bench, milliseconds(3000));
  ASSERT_EQ(p.ring_on.size(), 1U);
  ASSERT_TRUE(bench.caller_id_shown_at);
  // No ringing before the data: the first burst is the first ring, 2 s long (US).
  EXPECT_EQ(p.ring_off.size(), 0U);
  const auto& t = settings.pre_ring;
  EXPECT_GE(*bench.caller_id_shown_at - start, t.reversal_to_alert + t.dt_as + t.alert_to_data);
  EXPECT_LE(*bench.caller_id_shown_at + t.data_to_ring, p.ring_on[0] + milliseconds(10));
  EXPECT_EQ(bench.rings_at_caller_id, 0);
  EXPECT_EQ(bench.phone.last_alert(), CallerIdAlert::kDualTone);
}

TEST(CallerIdVariantTimings, RingPulseLastsItsLengthAndTheDataFollowsItsGap) {
  auto settings = us_settings();
  settings.caller_id_variant = CallerIdVariant::kEtsiRingPulse;
  TelephoneSettings telephone;
  telephone.caller_id_standard = kV23;
  Bench bench(settings, telephone);
  const TimePoint start = bench.now;
  bench.controller.on_incoming_call(7, caller("2025550147", "GRACE HOPPER"), start);
  const auto p = probe(bench, milliseconds(3000));
  ASSERT_EQ(p.ring_on.size(), 2U) << "the pulse, then the first ring";
  ASSERT_GE(p.ring_off.size(), 1U);
  ASSERT_TRUE(bench.caller_id_shown_at);
  const auto& t = settings.pre_ring;
  // Sampled every 10 ms: the burst's length to within one step (EN 300 659-1: 200-300 ms).
  EXPECT_GE(p.ring_off[0] - p.ring_on[0], t.rp_as - milliseconds(10));
  EXPECT_LE(p.ring_off[0] - p.ring_on[0], t.rp_as);
  EXPECT_GE(*bench.caller_id_shown_at - p.ring_off[0], t.ring_pulse_to_data);
  EXPECT_LT(*bench.caller_id_shown_at, p.ring_on[1]);
  EXPECT_EQ(bench.phone.rings(), 1);
  EXPECT_FALSE(p.reversed);
}

TEST(CallerIdVariantTimings, DtmfCallerIdIsSentBeforeTheFirstRingAsAnumberC) {
  auto settings = us_settings();
  settings.caller_id_variant = CallerIdVariant::kDtmf;
  Bench bench(settings);
  bench.controller.on_incoming_call(7, caller("4533221100", ""), bench.now);
  const auto p = probe(bench, milliseconds(2500));
  ASSERT_EQ(p.ring_on.size(), 1U);
  ASSERT_TRUE(bench.caller_id_shown_at);
  EXPECT_LT(*bench.caller_id_shown_at, p.ring_on[0]);
  EXPECT_EQ(bench.phone.display()->number, "4533221100");
}

TEST(CallerIdVariantTimings, PrivateCallerShowsAsPrivateInDtmf) {
  auto settings = us_settings();
  settings.caller_id_variant = CallerIdVariant::kDtmf;
  Bench bench(settings);
  CallerId hidden;
  hidden.number_absent = Absence::kPrivate;
  bench.controller.on_incoming_call(7, hidden, bench.now);
  bench.advance(seconds(3));
  ASSERT_TRUE(bench.phone.display());
  EXPECT_EQ(bench.phone.display()->number_absent, Absence::kPrivate);
}

TEST(CallerIdVariantTimings, AnsweringDuringThePreRingDataAnswersAndRestoresPolarity) {
  auto settings = us_settings();
  settings.caller_id_variant = CallerIdVariant::kEtsiLineReversal;
  Bench bench(settings);
  bench.controller.on_incoming_call(7, caller("2025550147", "GRACE HOPPER"), bench.now);
  bench.advance(milliseconds(400));
  bench.phone.lift_handset(bench.now);
  bench.advance(milliseconds(100));
  EXPECT_EQ(bench.telephony.last(), "answer 7");
  EXPECT_FALSE(bench.controller.line().polarity_reversed());
  EXPECT_TRUE(bench.last_block_was_call_audio) << "the rest of the data is cut off";
  bench.advance(seconds(2));
  EXPECT_FALSE(bench.controller.line().ringing());
}

TEST(CallerIdVariantTimings, CallerGivingUpDuringThePreRingDataLeavesTheLineIdle) {
  auto settings = us_settings();
  settings.caller_id_variant = CallerIdVariant::kEtsiRingPulse;
  Bench bench(settings);
  bench.controller.on_incoming_call(7, caller("2025550147", "GRACE HOPPER"), bench.now);
  bench.advance(milliseconds(100));
  bench.controller.on_call_failed(7, 487, bench.now);
  bench.advance(seconds(3));
  EXPECT_EQ(bench.controller.state(), LineState::kIdle);
  EXPECT_EQ(bench.phone.rings(), 0);
  EXPECT_FALSE(bench.controller.line().ringing());
}

TEST(CallerIdVariantNames, RoundTripThroughTheSettingsNames) {
  for (const auto v : {CallerIdVariant::kTelcordiaType1, CallerIdVariant::kEtsiAfterFirstRing,
                       CallerIdVariant::kEtsiLineReversal, CallerIdVariant::kEtsiRingPulse,
                       CallerIdVariant::kDtmf}) {
    EXPECT_EQ(find_caller_id_variant(caller_id_variant_name(v)), v);
  }
  EXPECT_FALSE(find_caller_id_variant("bellcore-2"));
}

}  // namespace
}  // namespace tipring::pots
