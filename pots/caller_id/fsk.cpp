#include "pots/caller_id/fsk.h"

#include <cmath>
#include <numbers>

namespace tipring::pots {
namespace {
constexpr double kTwoPi = 2.0 * std::numbers::pi;
}  // namespace

void append_seizure(std::vector<bool>& bits, int count) {
  for (int i = 0; i < count; ++i) {
    bits.push_back(i % 2 == 1);
  }
}

void append_marks(std::vector<bool>& bits, int count) {
  bits.insert(bits.end(), static_cast<std::size_t>(count), true);
}

void append_async_byte(std::vector<bool>& bits, std::uint8_t byte) {
  bits.push_back(false);
  for (unsigned i = 0; i < 8; ++i) {
    bits.push_back(((byte >> i) & 1U) != 0);
  }
  bits.push_back(true);
}

FskModulator::FskModulator(FskStandard standard, double level_dbm0)
    : standard_(standard), amplitude_(dbm0_to_amplitude(level_dbm0)) {}

void FskModulator::queue(const std::vector<bool>& bits) {
  bits_.insert(bits_.end(), bits.begin(), bits.end());
}

void FskModulator::render(MutableSamples out) {
  const double samples_per_bit = kSampleRateHz / standard_.baud;
  for (auto& sample : out) {
    if (bit_left_ <= 0.0) {
      if (bits_.empty()) {
        bit_left_ = 0.0;
        sample = 0;
        continue;
      }
      current_ = bits_.front();
      bits_.pop_front();
      bit_left_ += samples_per_bit;
    }
    sample = saturate(amplitude_ * std::sin(phase_));
    const double hz = current_ ? standard_.mark_hz : standard_.space_hz;
    phase_ = std::fmod(phase_ + kTwoPi * hz / kSampleRateHz, kTwoPi);
    bit_left_ -= 1.0;
  }
}

FskReceiver::FskReceiver(FskStandard standard, double min_level_dbm0)
    : samples_per_bit_(kSampleRateHz / standard.baud),
      window_(static_cast<std::size_t>(std::lround(kSampleRateHz / standard.baud))),
      history_(window_, 0.0F),
      min_power_(std::pow(dbm0_to_amplitude(min_level_dbm0), 2.0) / 2.0) {
  for (std::size_t k = 0; k < window_; ++k) {
    const double n = static_cast<double>(k);
    mark_ref_.push_back(std::polar(1.0, -kTwoPi * standard.mark_hz * n / kSampleRateHz));
    space_ref_.push_back(std::polar(1.0, -kTwoPi * standard.space_hz * n / kSampleRateHz));
  }
}

void FskReceiver::process(Samples in, std::vector<Byte>& out) {
  for (std::int16_t s : in) {
    ++consumed_;
    const auto x = static_cast<float>(s);
    history_[head_] = x;
    head_ = (head_ + 1) % window_;
    // Carrier: a smoothed power with 3 dB of hysteresis.
    power_ += (static_cast<double>(x) * x - power_) / 40.0;
    carrier_ = carrier_ ? power_ >= min_power_ / 2.0 : power_ >= min_power_;

    std::complex<double> mark{};
    std::complex<double> space{};
    for (std::size_t k = 0; k < window_; ++k) {
      const float v = history_[(head_ + k) % window_];
      mark += static_cast<double>(v) * mark_ref_[k];
      space += static_cast<double>(v) * space_ref_[k];
    }
    const double m = std::norm(mark);
    const double sp = std::norm(space);
    clock_uart((m - sp) / (m + sp + 1e-9), out);
  }
}

void FskReceiver::clock_uart(double discriminator, std::vector<Byte>& out) {
  const bool bit = discriminator >= 0.0;
  if (!carrier_) {
    in_byte_ = false;
    last_bit_ = true;
    mark_run_ = 0.0;
    return;
  }
  if (!in_byte_) {
    if (last_bit_ && !bit) {
      in_byte_ = true;
      bit_clock_ = 0.0;
      bit_index_ = 0;
      shift_ = 0;
      integral_ = 0.0;
      byte_start_ = consumed_;
      marks_before_ = mark_run_ / samples_per_bit_;
      mark_run_ = 0.0;
    } else if (bit) {
      mark_run_ += 1.0;
    }
    last_bit_ = bit;
    return;
  }
  last_bit_ = bit;
  bit_clock_ += 1.0;
  // Integrate the discriminator over the middle of each bit, then decide. Only the middle:
  // the one-bit correlation window reaches into the neighbouring bits elsewhere.
  const double begin = (bit_index_ + 0.3) * samples_per_bit_;
  const double end = (bit_index_ + 0.7) * samples_per_bit_;
  if (bit_clock_ >= begin) {
    integral_ += discriminator;
  }
  if (bit_clock_ < end) {
    return;
  }
  const bool value = integral_ >= 0.0;
  integral_ = 0.0;
  if (bit_index_ == 0 && value) {
    in_byte_ = false;  // a glitch, not a start bit
    return;
  }
  if (bit_index_ >= 1 && bit_index_ <= 8 && value) {
    shift_ = static_cast<std::uint16_t>(shift_ | (1U << static_cast<unsigned>(bit_index_ - 1)));
  }
  if (bit_index_ == 9) {
    in_byte_ = false;
    // The stop bit's second half may hold the next start edge; keep the line "mark".
    last_bit_ = true;
    if (value) {
      out.push_back(Byte{static_cast<std::uint8_t>(shift_), byte_start_, marks_before_});
    }
    return;
  }
  ++bit_index_;
}

}  // namespace tipring::pots
