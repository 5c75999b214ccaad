#include "pots/line/on_hook_caller_id.h"

#include "pots/caller_id/dtmf_caller_id.h"

#include <array>
#include <chrono>

namespace tipring::pots {
namespace {

struct VariantName {
  CallerIdVariant variant;
  std::string_view name;
};
constexpr std::array<VariantName, 5> kVariantNames{{
    {CallerIdVariant::kTelcordiaType1, "telcordia"},
    {CallerIdVariant::kEtsiAfterFirstRing, "etsi-ring"},
    {CallerIdVariant::kEtsiLineReversal, "etsi-reversal"},
    {CallerIdVariant::kEtsiRingPulse, "etsi-rp-as"},
    {CallerIdVariant::kDtmf, "dtmf"},
}};

Duration samples_to_duration(std::size_t samples) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(
      static_cast<double>(samples) / static_cast<double>(kSampleRateHz)));
}

}  // namespace

std::string_view caller_id_variant_name(CallerIdVariant variant) {
  for (const auto& v : kVariantNames) {
    if (v.variant == variant) {
      return v.name;
    }
  }
  return "?";
}

std::optional<CallerIdVariant> find_caller_id_variant(std::string_view name) {
  for (const auto& v : kVariantNames) {
    if (v.name == name) {
      return v.variant;
    }
  }
  return std::nullopt;
}

bool sent_before_ringing(CallerIdVariant variant) {
  return variant == CallerIdVariant::kEtsiLineReversal ||
         variant == CallerIdVariant::kEtsiRingPulse || variant == CallerIdVariant::kDtmf;
}

FskBurstSettings fsk_burst_for(CallerIdVariant variant) {
  return variant == CallerIdVariant::kTelcordiaType1 ? kType1Burst : kEtsiBurst;
}

PreRingPlan plan_pre_ring_caller_id(CallerIdVariant variant, const CallerId& caller,
                                    const PreRingTimings& timings) {
  using Action = PreRingStep::Action;
  PreRingPlan plan;
  Duration data_at{};
  switch (variant) {
    case CallerIdVariant::kTelcordiaType1:
    case CallerIdVariant::kEtsiAfterFirstRing:
      return plan;
    case CallerIdVariant::kEtsiLineReversal:
      plan.steps.push_back({Action::kReversePolarity, Duration{}});
      plan.steps.push_back({Action::kAlertTone, timings.reversal_to_alert});
      data_at = timings.reversal_to_alert + timings.dt_as + timings.alert_to_data;
      break;
    case CallerIdVariant::kEtsiRingPulse:
      plan.steps.push_back({Action::kRingPulseOn, Duration{}});
      plan.steps.push_back({Action::kRingPulseOff, timings.rp_as});
      data_at = timings.rp_as + timings.ring_pulse_to_data;
      break;
    case CallerIdVariant::kDtmf:
      break;
  }
  if (variant == CallerIdVariant::kDtmf) {
    plan.data = generate_dtmf(encode_dtmf_caller_id(caller), timings.dtmf);
  } else {
    // EN 300 659-3's call set-up message uses the MDMF layout (type 0x80).
    plan.data =
        render_fsk_burst(encode_caller_id(caller, CallerIdFormat::kMdmf), fsk_burst_for(variant));
  }
  plan.steps.push_back({Action::kData, data_at});
  plan.steps.push_back(
      {Action::kRing, data_at + samples_to_duration(plan.data.size()) + timings.data_to_ring});
  return plan;
}

void play_pre_ring_step(PreRingStep::Action action, PreRingPlan& plan,
                        const PreRingTimings& timings, const RingCadence& ring, Line& line,
                        TimePoint at) {
  using Action = PreRingStep::Action;
  const auto ms = [](Duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  switch (action) {
    case Action::kReversePolarity:
      line.set_polarity_reversed(true);
      return;
    case Action::kAlertTone:
      line.play_tone(dt_as_tone(ms(timings.dt_as)));
      return;
    case Action::kRingPulseOn:
      // One burst; kRingPulseOff stops it (the hour-long "off" never comes round).
      line.start_ringing(RingCadence{ring.frequency_hz, {ms(timings.rp_as), 3.6e6}}, at);
      return;
    case Action::kRingPulseOff:
      line.stop_ringing(at);
      return;
    case Action::kData:
      line.queue_samples(std::move(plan.data));
      return;
    case Action::kRing:
      line.set_polarity_reversed(false);
      line.start_ringing(ring, at);
      return;
  }
}

}  // namespace tipring::pots
