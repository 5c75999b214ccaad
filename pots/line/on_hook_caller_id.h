// On-hook caller ID as the line sends it, in each variant an ATA offers: Telcordia GR-30-CORE
// type 1 (Bell 202 FSK in the first silent interval) and ETSI EN 300 659-1 — V.23 FSK after
// the first ring, or before ringing announced by a line reversal plus DT-AS or by a ring-pulse
// alerting signal (RP-AS) — and DTMF caller ID before the first ring. A variant sent before
// ringing is a timed plan of steps the controller plays on its clock before it rings.
#pragma once

#include "pots/caller_id/caller_id_message.h"
#include "pots/caller_id/caller_id_transmitter.h"
#include "pots/dtmf/dtmf_generator.h"
#include "pots/line/line.h"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace tipring::pots {

using namespace std::chrono_literals;

enum class CallerIdVariant {
  kTelcordiaType1,      // GR-30-CORE: Bell 202 FSK between the first and second ring
  kEtsiAfterFirstRing,  // EN 300 659-1: V.23 FSK after the first ring
  kEtsiLineReversal,    // EN 300 659-1: line reversal, DT-AS, V.23 FSK, then ringing
  kEtsiRingPulse,       // EN 300 659-1: RP-AS, V.23 FSK, then ringing
  kDtmf,                // DTMF caller ID (A<number>C) before the first ring
};
// Settings names: "telcordia", "etsi-ring", "etsi-reversal", "etsi-rp-as", "dtmf".
std::string_view caller_id_variant_name(CallerIdVariant variant);
std::optional<CallerIdVariant> find_caller_id_variant(std::string_view name);
[[nodiscard]] bool sent_before_ringing(CallerIdVariant variant);
// The FSK burst (modem and preamble) a variant uses; DTMF caller ID uses none.
[[nodiscard]] FskBurstSettings fsk_burst_for(CallerIdVariant variant);

// Timings of the variants sent before ringing. Defaults sit inside EN 300 659-1's windows
// (and reference/telephony.md: DT-AS about 100 ms, RP-AS 200-300 ms, DTMF tones 50-70 ms).
struct PreRingTimings {
  Duration reversal_to_alert = 150ms;   // line reversal to DT-AS: at least 100 ms
  Duration dt_as = 100ms;               // DT-AS length: about 100 ms
  Duration alert_to_data = 60ms;        // end of DT-AS to the first FSK bit: 45-500 ms
  Duration rp_as = 250ms;               // RP-AS length: 200-300 ms
  Duration ring_pulse_to_data = 650ms;  // end of RP-AS to the first FSK bit: 500-800 ms
  Duration data_to_ring = 250ms;        // end of the data to the first ring: at least 200 ms
  DtmfToneSettings dtmf{60.0, 60.0, -8.0, -6.0};  // DTMF caller ID: tones of 50-70 ms
};

// One step of a plan, `at` after the plan starts.
struct PreRingStep {
  enum class Action {
    kReversePolarity,
    kAlertTone,     // DT-AS
    kRingPulseOn,   // RP-AS: ring voltage ...
    kRingPulseOff,  // ... for 200-300 ms
    kData,          // the FSK burst or DTMF keys (the plan's samples)
    kRing,          // restore polarity and start the ring cadence
  };
  Action action;
  Duration at;
};

struct PreRingPlan {
  std::vector<PreRingStep> steps;  // in time order
  std::vector<std::int16_t> data;  // what kData plays
};

// The plan for a variant sent before ringing (empty steps for the others).
PreRingPlan plan_pre_ring_caller_id(CallerIdVariant variant, const CallerId& caller,
                                    const PreRingTimings& timings);

// Plays one step of `plan` on `line` at `at` (kData hands the plan's samples over; kRing
// rings with `ring`, the national cadence).
void play_pre_ring_step(PreRingStep::Action action, PreRingPlan& plan,
                        const PreRingTimings& timings, const RingCadence& ring, Line& line,
                        TimePoint at);

}  // namespace tipring::pots
