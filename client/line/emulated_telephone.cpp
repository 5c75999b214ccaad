#include "client/line/emulated_telephone.h"

#include "client/phone/steady_clock.h"

#include <algorithm>

namespace tipring::client {
namespace {

using namespace std::chrono_literals;

constexpr Duration kBlock = 10ms;
// Behind by more than this (a stalled event loop): skip ahead rather than race to catch up.
constexpr Duration kMaxLag = 200ms;

}  // namespace

Result<std::unique_ptr<EmulatedTelephone>> EmulatedTelephone::create(
    LinePort& line, std::unique_ptr<audio::AudioDevice> handset, pots::TelephoneSettings settings) {
  auto mic_down = audio::Resampler::create(audio::kEngineRateHz, pots::kSampleRateHz, 5, false);
  auto ear_up = audio::Resampler::create(pots::kSampleRateHz, audio::kEngineRateHz, 5, false);
  if (!mic_down) {
    return tl::unexpected(mic_down.error());
  }
  if (!ear_up) {
    return tl::unexpected(ear_up.error());
  }
  if (auto started = handset->start(); !started) {
    return tl::unexpected(started.error());
  }
  return std::unique_ptr<EmulatedTelephone>(new EmulatedTelephone(
      line, std::move(handset), settings, std::move(*mic_down), std::move(*ear_up)));
}

EmulatedTelephone::EmulatedTelephone(LinePort& line, std::unique_ptr<audio::AudioDevice> handset,
                                     pots::TelephoneSettings settings, audio::Resampler mic_down,
                                     audio::Resampler ear_up)
    : line_(line),
      handset_(std::move(handset)),
      phone_([this](bool closed, TimePoint at) { line_.set_loop_closed(closed, at); }, settings),
      mic_down_(std::move(mic_down)),
      ear_up_(std::move(ear_up)) {
  next_block_end_ = steady_now() + kBlock;
  clock_.setTimerType(Qt::PreciseTimer);
  connect(&clock_, &QTimer::timeout, this, &EmulatedTelephone::tick);
  clock_.start(10);
}

EmulatedTelephone::~EmulatedTelephone() {
  clock_.stop();
  handset_->stop();
}

void EmulatedTelephone::liftHandset() {
  phone_.lift_handset(steady_now());
}

void EmulatedTelephone::hangUp() {
  phone_.hang_up(steady_now());
}

void EmulatedTelephone::pressKeys(const QString& keys) {
  phone_.press_keys(keys.toStdString());
}

void EmulatedTelephone::pressFlash() {
  phone_.press_flash(steady_now());
}

void EmulatedTelephone::dialRotary(const QString& digits) {
  phone_.dial_rotary(digits.toStdString(), steady_now());
}

void EmulatedTelephone::tick() {
  const TimePoint now = steady_now();
  if (now - next_block_end_ > kMaxLag) {
    next_block_end_ = now;
  }
  while (next_block_end_ <= now) {
    fire_timers_until(next_block_end_);
    run_block(next_block_end_);
    next_block_end_ += kBlock;
  }
}

void EmulatedTelephone::fire_timers_until(TimePoint at) {
  // Rotary pulses and the line's timers fall between blocks; fire each at its own instant.
  for (int guard = 0; guard < 256; ++guard) {
    std::optional<TimePoint> next = line_.next_deadline();
    if (const auto p = phone_.next_deadline(); p && (!next || *p < *next)) {
      next = p;
    }
    if (!next || *next > at) {
      return;
    }
    phone_.on_timer(*next);
    line_.on_timer(*next);
  }
}

void EmulatedTelephone::run_block(TimePoint end) {
  line_.on_timer(end);
  phone_.on_timer(end);
  phone_.on_line_voltage(line_.voltage(end), end);

  const auto captured = handset_->read_capture(mic48_);
  std::fill(mic48_.begin() + static_cast<std::ptrdiff_t>(captured), mic48_.end(), std::int16_t{0});
  const auto down = mic_down_.process(mic48_, mic8_);
  std::fill(mic8_.begin() + static_cast<std::ptrdiff_t>(down.produced), mic8_.end(),
            std::int16_t{0});
  up8_.fill(0);
  phone_.render_to_line(mic8_, up8_);

  down8_.fill(0);
  line_.exchange(up8_, down8_, end);
  phone_.receive_from_line(down8_, end);

  // The earpiece hears the line only with the handset lifted.
  if (!phone_.off_hook()) {
    down8_.fill(0);
  }
  const auto up = ear_up_.process(down8_, ear48_);
  handset_->write_playout(std::span<const std::int16_t>(ear48_).first(up.produced));
}

}  // namespace tipring::client
