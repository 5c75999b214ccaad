// How caller ID goes out on the line: FSK bursts with the preamble each variant wants
// (GR-30-CORE type 1: 300 seizure + 180 mark bits; type 2: 80 mark bits, no seizure;
// EN 300 659: V.23 with seizure and marks), the alerting tones (CAS / DT-AS 2130+2750 Hz,
// SAS 440 Hz), and the type 2 exchange that waits for the telephone's ACK digit.
#pragma once

#include "pots/caller_id/fsk.h"
#include "pots/dsp/signal.h"
#include "pots/tones/tone_player.h"

#include <cstdint>
#include <vector>

namespace tipring::pots {

struct FskBurstSettings {
  FskStandard standard = kBell202;
  int seizure_bits = 300;
  int mark_bits = 180;
  double level_dbm0 = -13.5;
};

// GR-30-CORE type 1 (on-hook, between first and second ring).
inline constexpr FskBurstSettings kType1Burst{kBell202, 300, 180, -13.5};
// GR-30-CORE type 2 (off-hook, after the ACK): marks only.
inline constexpr FskBurstSettings kType2Burst{kBell202, 0, 80, -13.5};
// ETSI EN 300 659-1 on-hook data (V.23).
inline constexpr FskBurstSettings kEtsiBurst{kV23, 300, 180, -13.5};

std::vector<bool> fsk_burst_bits(const std::vector<std::uint8_t>& message,
                                 const FskBurstSettings& settings);
std::vector<std::int16_t> render_fsk_burst(const std::vector<std::uint8_t>& message,
                                           const FskBurstSettings& settings);

// Alerting signals as tone signals (so they play through a TonePlayer).
ToneSignal cas_tone(double ms = 80.0);     // GR-30 CPE alerting signal, 75-85 ms
ToneSignal dt_as_tone(double ms = 100.0);  // EN 300 659 dual-tone alerting signal
ToneSignal sas_tone(double ms = 300.0);    // subscriber alerting signal, 440 Hz

// GR-30-CORE type 2 on the office side, on the sample clock: SAS, CAS, then wait for the
// telephone's ACK ('D', or 'A' for ADSI sets); FSK only after an ACK.
class CallWaitingCallerIdSender {
public:
  enum class State { kAlerting, kAwaitingAck, kAckDelay, kSendingData, kDone, kNoAck };

  explicit CallWaitingCallerIdSender(std::vector<std::uint8_t> message);
  // Office audio towards the telephone.
  void render(MutableSamples out);
  // A DTMF key from the telephone (the line's detector feeds it).
  void on_key(char key);
  [[nodiscard]] State state() const { return state_; }

  static constexpr double kAckTimeoutMs = 160.0;  // after the end of CAS
  static constexpr double kAckToDataMs = 60.0;    // GR-30: 50-500 ms

private:
  std::vector<std::uint8_t> message_;
  State state_ = State::kAlerting;
  TonePlayer alert_;
  FskModulator modem_;
  std::int64_t wait_left_ = 0;
};

}  // namespace tipring::pots
