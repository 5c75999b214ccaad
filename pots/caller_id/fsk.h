// FSK modem for on-hook data: Bell 202 (mark 1200 Hz, space 2200 Hz; Telcordia GR-30-CORE)
// and ITU-T V.23 (mark 1300 Hz, space 2100 Hz; ETSI EN 300 659), 1200 baud, with the
// asynchronous character framing both use (start bit 0, 8 data bits LSB first, stop bit 1).
// The demodulator is non-coherent: sliding one-bit correlations at mark and space.
#pragma once

#include "pots/dsp/signal.h"

#include <complex>
#include <cstdint>
#include <deque>
#include <span>
#include <vector>

namespace tipring::pots {

struct FskStandard {
  double mark_hz;
  double space_hz;
  double baud;
};
inline constexpr FskStandard kBell202{1200.0, 2200.0, 1200.0};
inline constexpr FskStandard kV23{1300.0, 2100.0, 1200.0};

// Bits as sent: the channel seizure (alternating, starting with 0), marks, async bytes.
void append_seizure(std::vector<bool>& bits, int count);
void append_marks(std::vector<bool>& bits, int count);
void append_async_byte(std::vector<bool>& bits, std::uint8_t byte);

// Continuous-phase FSK modulator on the 8 kHz sample clock.
class FskModulator {
public:
  FskModulator(FskStandard standard, double level_dbm0);
  void queue(const std::vector<bool>& bits);
  // Fills `out`; silence once the queued bits are sent.
  void render(MutableSamples out);
  [[nodiscard]] bool busy() const { return !bits_.empty() || bit_left_ > 0.0; }

private:
  FskStandard standard_;
  double amplitude_;
  std::deque<bool> bits_;
  bool current_ = true;
  double bit_left_ = 0.0;  // samples left of the current bit (fractional: 6.67 per bit)
  double phase_ = 0.0;
};

// Demodulator plus UART: turns FSK audio into received bytes.
class FskReceiver {
public:
  struct Byte {
    std::uint8_t value;
    std::int64_t start_sample;  // sample count at the start bit
    double marks_before;        // bit times of steady mark just before the start bit
  };
  FskReceiver(FskStandard standard, double min_level_dbm0 = -45.0);

  void process(Samples in, std::vector<Byte>& out);
  // How many consecutive bit times of steady mark (with carrier) precede now.
  [[nodiscard]] double mark_bits_seen() const { return mark_run_ / samples_per_bit_; }
  [[nodiscard]] bool carrier() const { return carrier_; }
  [[nodiscard]] std::int64_t samples_consumed() const { return consumed_; }

private:
  void demodulate(float sample);
  void clock_uart(double discriminator, std::vector<Byte>& out);

  double samples_per_bit_;
  std::size_t window_;
  std::vector<std::complex<double>> mark_ref_;
  std::vector<std::complex<double>> space_ref_;
  std::vector<float> history_;
  std::size_t head_ = 0;
  double min_power_;
  double power_ = 0.0;
  bool carrier_ = false;
  std::int64_t consumed_ = 0;
  double mark_run_ = 0.0;

  // UART state.
  bool in_byte_ = false;
  bool last_bit_ = true;
  double bit_clock_ = 0.0;  // samples since the start-bit edge
  int bit_index_ = 0;
  std::uint16_t shift_ = 0;
  double integral_ = 0.0;
  std::int64_t byte_start_ = 0;
  double marks_before_ = 0.0;
};

}  // namespace tipring::pots
