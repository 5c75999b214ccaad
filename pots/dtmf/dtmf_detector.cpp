#include "pots/dtmf/dtmf_detector.h"

#include "pots/dtmf/dtmf_keys.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace tipring::pots {
namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;

double radians_per_sample(double hz) {
  return kTwoPi * hz / kSampleRateHz;
}

// One tone of a candidate pair, measured in the current window.
struct MeasuredTone {
  std::size_t index;            // into the 8 correlators
  double frequency_hz;          // from the phase advance
  std::complex<double> phasor;  // complex amplitude a, x[n] = Re(a e^{j w n})
  double amplitude;
};

std::size_t peak_index(const std::array<double, 8>& power, std::size_t first) {
  std::size_t best = first;
  for (std::size_t k = first; k < first + 4; ++k) {
    if (power[k] > power[best]) {
      best = k;
    }
  }
  return best;
}

// What a measured tone contributes to a correlator at `hz` (both spectral images).
std::complex<double> leakage(const MeasuredTone& tone, double hz, std::size_t length) {
  const double w = radians_per_sample(tone.frequency_hz);
  const double w_ref = radians_per_sample(hz);
  return tone.phasor / 2.0 * window_kernel(w - w_ref, length) +
         std::conj(tone.phasor) / 2.0 * window_kernel(-w - w_ref, length);
}

}  // namespace

DtmfDetector::DtmfDetector(DtmfDetectorSettings settings) : settings_(settings) {
  for (const auto& group : {kDtmfLowHz, kDtmfHighHz}) {
    for (double hz : group) {
      tones_.emplace_back(hz, kWindow);
      harmonics_.emplace_back(2.0 * hz, kWindow);
    }
  }
}

void DtmfDetector::process(Samples in, std::vector<DtmfDigit>& out) {
  for (std::int16_t sample : in) {
    window_[filled_++] = static_cast<float>(sample);
    ++consumed_;
    if (filled_ == kWindow) {
      track(classify_window(), out);
      std::copy(window_.begin() + kHop, window_.end(), window_.begin());
      filled_ = kWindow - kHop;
    }
  }
}

char DtmfDetector::classify_window() {
  std::array<std::complex<double>, 8> current{};
  std::array<double, 8> power{};
  for (std::size_t k = 0; k < 8; ++k) {
    current[k] = tones_[k].correlate(window_);
    power[k] = std::norm(current[k]);
  }
  const auto previous = previous_;
  previous_ = current;

  double energy = 0.0;
  for (float v : window_) {
    energy += static_cast<double>(v) * v;
  }
  const double mean_square = energy / kWindow;
  if (power_to_dbm0(mean_square) < settings_.min_level_dbm0) {
    return 0;
  }

  const std::size_t low = peak_index(power, 0);
  const std::size_t high = peak_index(power, 4);
  std::array<MeasuredTone, 2> tones{};
  for (std::size_t t = 0; t < 2; ++t) {
    const std::size_t k = t == 0 ? low : high;
    // The phase of a window that barely saw the tone says nothing about its frequency.
    if (std::norm(previous[k]) < 0.05 * power[k]) {
      return 0;
    }
    const double nominal = tones_[k].frequency_hz();
    const double hz = frequency_from_phase_advance(previous[k], current[k], nominal, kHop);
    if (std::abs(hz - nominal) > settings_.frequency_tolerance * nominal) {
      return 0;
    }
    const auto kernel = window_kernel(radians_per_sample(hz - nominal), kWindow);
    tones[t] = MeasuredTone{k, hz, 2.0 * current[k] / kernel, 0.0};
    tones[t].amplitude = std::abs(tones[t].phasor);
  }

  const double low_dbm0 = amplitude_to_dbm0(tones[0].amplitude);
  const double high_dbm0 = amplitude_to_dbm0(tones[1].amplitude);
  if (low_dbm0 < settings_.min_level_dbm0 || high_dbm0 < settings_.min_level_dbm0) {
    return 0;
  }
  const double twist = high_dbm0 - low_dbm0;
  if (twist > settings_.normal_twist_db || twist < -settings_.reverse_twist_db) {
    return 0;
  }

  const double tone_power =
      (tones[0].amplitude * tones[0].amplitude + tones[1].amplitude * tones[1].amplitude) / 2.0;
  if (tone_power < settings_.min_energy_ratio * mean_square) {
    return 0;
  }

  // What is left in a correlator once the two measured tones' leakage is taken out, as the
  // amplitude of a tone at that frequency.
  auto residual_amplitude = [&](std::complex<double> correlation, double hz) {
    for (const auto& source : tones) {
      correlation -= leakage(source, hz, kWindow);
    }
    return 2.0 * std::abs(correlation) / kWindow;
  };
  for (std::size_t t = 0; t < 2; ++t) {
    const std::size_t first = t == 0 ? 0 : 4;
    const double other_limit =
        tones[t].amplitude * std::pow(10.0, settings_.max_in_group_db / 20.0);
    for (std::size_t k = first; k < first + 4; ++k) {
      if (k != tones[t].index &&
          residual_amplitude(current[k], tones_[k].frequency_hz()) > other_limit) {
        return 0;
      }
    }
    const auto& harmonic = harmonics_[tones[t].index];
    const double harmonic_limit =
        tones[t].amplitude * std::pow(10.0, settings_.max_second_harmonic_db / 20.0);
    if (residual_amplitude(harmonic.correlate(window_), harmonic.frequency_hz()) > harmonic_limit) {
      return 0;
    }
  }
  return kDtmfKeys[low][high - 4];
}

void DtmfDetector::track(char key, std::vector<DtmfDigit>& out) {
  const std::int64_t window_start = consumed_ - static_cast<std::int64_t>(kWindow);
  if (key != 0) {
    const std::int64_t begin =
        std::max<std::int64_t>(window_start - static_cast<std::int64_t>(kHop), 0);
    if (key_tone_ && begin <= key_tone_->end) {
      key_tone_->end = consumed_;
    } else {
      key_tone_ = ToneSpan{begin, consumed_};
    }
  }
  if (key == run_key_) {
    ++run_length_;
  } else {
    run_key_ = key;
    run_length_ = 1;
    run_start_ = window_start;
  }

  if (current_ == 0) {
    if (key != 0 && run_length_ >= kOnWindows) {
      current_ = key;
      misses_ = 0;
      // The run's first window already overlapped the tone by most of its length.
      out.push_back(DtmfDigit{key, std::max<std::int64_t>(run_start_, 0)});
    }
    return;
  }
  if (key == current_) {
    misses_ = 0;
  } else if (++misses_ >= kOffWindows) {
    current_ = 0;
  }
}

}  // namespace tipring::pots
