// Packet loss concealment for G.711 in the manner of ITU-T G.711 Appendix I: repeat the
// last pitch period(s) of the history, widen to more periods and fade 20 % per 10 ms as
// the loss goes on, go silent after 60 ms, and overlap-add into the first good frame.
// Works at 8 kHz on decoded PCM; our own implementation of the approach.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace tipring::audio {

class G711Concealer {
public:
  static constexpr int kRateHz = 8000;
  static constexpr std::size_t kHistory = 390;   // 48.75 ms: three periods of the lowest pitch
  static constexpr std::size_t kMinPitch = 40;   // 200 Hz
  static constexpr std::size_t kMaxPitch = 120;  // 66.7 Hz

  // A frame arrived: merge it into the concealed signal if a loss just ended, then
  // remember it as history. `frame` is modified in place by the merge.
  void on_good_frame(std::span<std::int16_t> frame);
  // Fills `out` with concealment for lost audio.
  void conceal(std::span<std::int16_t> out);
  void reset();

  std::size_t pitch_samples() const { return pitch_; }

private:
  void start_loss();
  float gain_at(std::size_t erased_sample) const;
  std::int16_t next_synthetic();
  void remember(std::span<const std::int16_t> frame);

  std::array<std::int16_t, kHistory> history_{};
  std::array<std::int16_t, kHistory> pitch_buffer_{};
  std::size_t pitch_ = kMinPitch;
  std::size_t periods_ = 1;
  std::size_t position_ = 0;  // read position within the active periods of pitch_buffer_
  std::size_t erased_ = 0;    // samples concealed in the current loss
};

}  // namespace tipring::audio
