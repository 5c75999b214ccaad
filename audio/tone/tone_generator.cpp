#include "audio/tone/tone_generator.h"

#include <cmath>
#include <numbers>

namespace tipring::audio {
namespace {

// Ringback and busy follow the ITU-T E.180 recommended shapes (425 Hz; 1 s on / 4 s off,
// 0.5 s on / 0.5 s off); the ringtone is our own two-tone warble-free burst pattern.
constexpr ToneShape kTones[] = {
    {"ringtone", 440.0, 480.0, -10.0, {400, 200, 400, 2000}, true},
    {"ringback", 425.0, 0.0, -14.0, {1000, 4000, 0, 0}, true},
    {"busy", 425.0, 0.0, -14.0, {500, 500, 0, 0}, true},
};

// ITU-T Q.23: row (low group) and column (high group) frequencies.
constexpr std::string_view kKeys = "123A456B789C*0#D";
constexpr double kRows[] = {697.0, 770.0, 852.0, 941.0};
constexpr double kColumns[] = {1209.0, 1336.0, 1477.0, 1633.0};

}  // namespace

std::optional<ToneShape> find_tone(std::string_view name) {
  for (const auto& tone : kTones) {
    if (tone.name == name) {
      return tone;
    }
  }
  if (name.size() == 1) {
    const auto at = kKeys.find(name[0]);
    if (at != std::string_view::npos) {
      // Key feedback: 100 ms of the key's pair, played once.
      return ToneShape{name, kRows[at / 4], kColumns[at % 4], -16.0, {100, 0, 0, 0}, false};
    }
  }
  return std::nullopt;
}

void ToneGenerator::start(const ToneShape& shape) {
  shape_ = shape;
  playing_ = true;
  position_ = 0;
  phase1_ = 0.0;
  phase2_ = 0.0;
}

bool ToneGenerator::in_on_period() const {
  int total = 0;
  for (int ms : shape_.cadence_ms) {
    total += ms;
  }
  if (total == 0) {
    return true;
  }
  const auto ms_now = static_cast<int>(position_ * 1000 / static_cast<std::uint64_t>(rate_hz_));
  if (!shape_.repeat && ms_now >= total) {
    return false;
  }
  int t = ms_now % total;
  for (std::size_t i = 0; i < shape_.cadence_ms.size(); ++i) {
    if (t < shape_.cadence_ms[i]) {
      return i % 2 == 0;
    }
    t -= shape_.cadence_ms[i];
  }
  return false;
}

bool ToneGenerator::generate(std::span<std::int16_t> out) {
  const double amplitude = 32767.0 * std::pow(10.0, shape_.level_dbfs / 20.0);
  const double step1 = 2.0 * std::numbers::pi * shape_.frequency1_hz / rate_hz_;
  const double step2 = 2.0 * std::numbers::pi * shape_.frequency2_hz / rate_hz_;
  int total_ms = 0;
  for (int ms : shape_.cadence_ms) {
    total_ms += ms;
  }
  for (auto& sample : out) {
    double value = 0.0;
    if (playing_ && in_on_period()) {
      value = std::sin(phase1_) + (shape_.frequency2_hz > 0.0 ? std::sin(phase2_) : 0.0);
    }
    sample = static_cast<std::int16_t>(std::lround(amplitude * value));
    phase1_ = std::fmod(phase1_ + step1, 2.0 * std::numbers::pi);
    phase2_ = std::fmod(phase2_ + step2, 2.0 * std::numbers::pi);
    if (playing_) {
      ++position_;
      if (!shape_.repeat && position_ * 1000 >= static_cast<std::uint64_t>(total_ms) *
                                                    static_cast<std::uint64_t>(rate_hz_)) {
        playing_ = false;
      }
    }
  }
  return playing_;
}

}  // namespace tipring::audio
