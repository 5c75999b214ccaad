#include "pots/tones/tone_plan.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <numeric>
#include <string>

namespace tipring::pots {
namespace {

// Building blocks, so each plan reads like its row in the reference table.
ToneSegment on(std::vector<double> hz, double dbm0, double ms) {
  ToneSegment segment{{}, ms};
  for (double f : hz) {
    segment.components.push_back({f, dbm0});
  }
  return segment;
}

ToneSegment off(double ms) {
  return ToneSegment{{}, ms};
}

ToneSignal steady(std::vector<double> hz, double dbm0) {
  return ToneSignal{{TonePhase{{on(std::move(hz), dbm0, 1000.0)}, 0}}};
}

ToneSignal cadence(std::vector<ToneSegment> segments) {
  return ToneSignal{{TonePhase{std::move(segments), 0}}};
}

ToneSignal on_off(std::vector<double> hz, double dbm0, double on_ms, double off_ms) {
  return cadence({on(std::move(hz), dbm0, on_ms), off(off_ms)});
}

// Message waiting: ten 0.1/0.1 interruptions, then steady dial tone (GR-506).
ToneSignal stutter(std::vector<double> hz, double dbm0) {
  return ToneSignal{
      {TonePhase{{on(hz, dbm0, 100.0), off(100.0)}, 10}, TonePhase{{on(hz, dbm0, 1000.0)}, 0}}};
}

// Receiver off-hook: 1400+2060+2450+2600 Hz at 0.1/0.1, loud.
ToneSignal howler() {
  return on_off({1400.0, 2060.0, 2450.0, 2600.0}, -8.0, 100.0, 100.0);
}

constexpr double kDialDbm0 = -13.0;
constexpr double kRingbackDbm0 = -16.0;
constexpr double kBusyDbm0 = -20.0;

std::vector<TonePlan> build_plans() {
  std::vector<TonePlan> plans;
  // ITU-T E.180 recommended values: 425 Hz everywhere, cadences from its ranges.
  plans.push_back(
      TonePlan{"ITU", "ITU-T E.180 default", steady({425}, kDialDbm0), stutter({425}, kDialDbm0),
               on_off({425}, kRingbackDbm0, 1000, 4000), on_off({425}, kBusyDbm0, 500, 500),
               on_off({425}, kBusyDbm0, 250, 250),
               cadence({on({425}, kDialDbm0, 200), off(200), on({425}, kDialDbm0, 200), off(9400)}),
               howler(), RingCadence{25.0, {1000, 4000}}});
  // ANSI T1.401 "precise" tones (US/CA).
  plans.push_back(
      TonePlan{"US", "United States / Canada (ANSI T1.401)", steady({350, 440}, kDialDbm0),
               stutter({350, 440}, kDialDbm0), on_off({440, 480}, -19.0, 2000, 4000),
               on_off({480, 620}, -24.0, 500, 500), on_off({480, 620}, -24.0, 250, 250),
               on_off({440}, kDialDbm0, 300, 9700), howler(), RingCadence{20.0, {2000, 4000}}});
  // BT SIN 350.
  plans.push_back(
      TonePlan{"UK", "United Kingdom (BT SIN 350)", steady({350, 450}, kDialDbm0),
               on_off({350, 450}, kDialDbm0, 750, 750),
               cadence({on({400, 450}, kRingbackDbm0, 400), off(200),
                        on({400, 450}, kRingbackDbm0, 400), off(2000)}),
               on_off({400}, kBusyDbm0, 375, 375),
               cadence({on({400}, kBusyDbm0, 400), off(350), on({400}, kBusyDbm0, 225), off(525)}),
               cadence({on({400}, kDialDbm0, 100), off(3000)}), howler(),
               RingCadence{25.0, {400, 200, 400, 2000}}});
  plans.push_back(
      TonePlan{"DE", "Germany", steady({425}, kDialDbm0), stutter({425}, kDialDbm0),
               on_off({425}, kRingbackDbm0, 1000, 4000), on_off({425}, kBusyDbm0, 480, 480),
               on_off({425}, kBusyDbm0, 240, 240),
               cadence({on({425}, kDialDbm0, 200), off(200), on({425}, kDialDbm0, 200), off(5000)}),
               howler(), RingCadence{25.0, {1000, 4000}}});
  plans.push_back(TonePlan{"FR", "France", steady({440}, kDialDbm0), stutter({440}, kDialDbm0),
                           on_off({440}, kRingbackDbm0, 1500, 3500),
                           on_off({440}, kBusyDbm0, 500, 500), on_off({440}, kBusyDbm0, 250, 250),
                           cadence({on({440}, kDialDbm0, 300), off(10000)}), howler(),
                           RingCadence{50.0, {1500, 3500}}});
  // JP ringback is 400 Hz modulated by 16 Hz: side frequencies 384 and 416 Hz.
  plans.push_back(
      TonePlan{"JP", "Japan", steady({400}, kDialDbm0), stutter({400}, kDialDbm0),
               on_off({384, 416}, kRingbackDbm0, 1000, 2000), on_off({400}, kBusyDbm0, 500, 500),
               on_off({400}, kBusyDbm0, 250, 250),
               cadence({on({400}, kDialDbm0, 100), off(100), on({400}, kDialDbm0, 100), off(3000)}),
               howler(), RingCadence{16.0, {1000, 2000}}});
  // AU dial and ringback are 425 Hz modulated by 25 Hz: 400 and 450 Hz. Congestion holds
  // 425 Hz and alternates its level instead of pausing.
  plans.push_back(TonePlan{
      "AU", "Australia", steady({400, 450}, kDialDbm0), stutter({400, 450}, kDialDbm0),
      cadence({on({400, 450}, kRingbackDbm0, 400), off(200), on({400, 450}, kRingbackDbm0, 400),
               off(2000)}),
      on_off({425}, kBusyDbm0, 375, 375), cadence({on({425}, -13.0, 375), on({425}, -23.0, 375)}),
      cadence({on({425}, kDialDbm0, 200), off(200), on({425}, kDialDbm0, 200), off(4400)}),
      howler(), RingCadence{25.0, {400, 200, 400, 2000}}});
  return plans;
}

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

}  // namespace

bool RingCadence::on_at(double elapsed_ms) const {
  const double cycle = cycle_ms();
  if (cycle <= 0.0) {
    return false;
  }
  double t = std::fmod(elapsed_ms, cycle);
  for (std::size_t i = 0; i < on_off_ms.size(); ++i) {
    if (t < on_off_ms[i]) {
      return i % 2 == 0;
    }
    t -= on_off_ms[i];
  }
  return false;
}

double RingCadence::next_change_after(double elapsed_ms) const {
  const double cycle = cycle_ms();
  const double base = std::floor(elapsed_ms / cycle) * cycle;
  double edge = base;
  for (;;) {
    for (double step : on_off_ms) {
      edge += step;
      if (edge > elapsed_ms) {
        return edge;
      }
    }
  }
}

double RingCadence::cycle_ms() const {
  return std::accumulate(on_off_ms.begin(), on_off_ms.end(), 0.0);
}

std::string_view progress_tone_name(ProgressTone tone) {
  static constexpr std::array<std::string_view, kProgressToneCount> kNames{
      "dial", "stutter-dial", "ringback", "busy", "reorder", "call-waiting", "howler"};
  return kNames[static_cast<std::size_t>(tone)];
}

const ToneSignal& TonePlan::signal(ProgressTone tone) const {
  switch (tone) {
    case ProgressTone::kDial:
      return dial;
    case ProgressTone::kStutterDial:
      return stutter_dial;
    case ProgressTone::kRingback:
      return ringback;
    case ProgressTone::kBusy:
      return busy;
    case ProgressTone::kReorder:
      return reorder;
    case ProgressTone::kCallWaiting:
      return call_waiting;
    case ProgressTone::kHowler:
      return howler;
  }
  return dial;
}

std::span<const TonePlan> tone_plans() {
  static const std::vector<TonePlan> kPlans = build_plans();
  return kPlans;
}

const TonePlan* find_tone_plan(std::string_view code) {
  std::string wanted = upper(code);
  if (wanted == "GB") {
    wanted = "UK";
  } else if (wanted == "CA") {
    wanted = "US";
  } else if (wanted == "E180" || wanted == "E.180" || wanted.empty()) {
    wanted = "ITU";
  }
  for (const auto& plan : tone_plans()) {
    if (plan.code == wanted) {
      return &plan;
    }
  }
  return nullptr;
}

const TonePlan& default_tone_plan() {
  return tone_plans().front();
}

}  // namespace tipring::pots
