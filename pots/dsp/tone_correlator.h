// ToneCorrelator: the complex DFT of one frequency over a fixed-length window (a Goertzel
// filter written as a correlation, so the phase is kept). Phase advance between overlapping
// windows gives a frequency estimate far finer than the bin width; DTMF, call-progress and
// CAS detection all build on it.
#pragma once

#include <complex>
#include <span>
#include <vector>

namespace tipring::pots {

class ToneCorrelator {
public:
  ToneCorrelator(double frequency_hz, std::size_t window_length);

  // Correlation of `window` (exactly window_length samples) with e^{-j w n}, n from 0.
  [[nodiscard]] std::complex<double> correlate(std::span<const float> window) const;
  [[nodiscard]] double frequency_hz() const { return frequency_hz_; }

private:
  double frequency_hz_;
  std::vector<std::complex<double>> reference_;
};

// Sum over n in [0, length) of e^{j delta n}: how a rectangular window of `length` samples
// passes a tone that is `delta_rad_per_sample` away from the correlator's frequency.
std::complex<double> window_kernel(double delta_rad_per_sample, std::size_t length);

// Frequency of the tone seen by a correlator at `reference_hz` in two windows `hop_samples`
// apart: the phase advanced by 2*pi*f*hop/fs between them. Unambiguous within
// +-fs/(2*hop) of the reference.
double frequency_from_phase_advance(std::complex<double> earlier, std::complex<double> later,
                                    double reference_hz, std::size_t hop_samples);

// Peak amplitude of a real tone at `tone_hz` that produced `correlation` in a correlator at
// `reference_hz` over `length` samples (corrects for the window's attenuation off-bin).
double tone_amplitude(std::complex<double> correlation, double tone_hz, double reference_hz,
                      std::size_t length);

}  // namespace tipring::pots
