// EmulatedTelephone: the emulated analog telephone (pots::AnalogTelephone: hook switch,
// keypad, rotary dial, ringer, FSK caller-ID display) plugged into a LinePort, with its
// handset's microphone and earpiece on an audio::AudioDevice — the computer's PortAudio
// devices in the product, a test device in tests. It is the line's audio clock: every 10 ms
// of steady time it moves one 8 kHz block each way and fires the line's and phone's timers.
#pragma once

#include "audio/device/audio_device.h"
#include "audio/dsp/resampler.h"
#include "client/line/line_port.h"
#include "pots/phone/analog_telephone.h"

#include <QObject>
#include <QString>
#include <QTimer>
#include <array>
#include <memory>

namespace tipring::client {

class EmulatedTelephone final : public QObject {
  Q_OBJECT
public:
  // Starts `handset` and the 10 ms clock.
  static Result<std::unique_ptr<EmulatedTelephone>> create(
      LinePort& line, std::unique_ptr<audio::AudioDevice> handset,
      pots::TelephoneSettings settings = {});
  ~EmulatedTelephone() override;
  EmulatedTelephone(const EmulatedTelephone&) = delete;
  EmulatedTelephone& operator=(const EmulatedTelephone&) = delete;

  void liftHandset();
  void hangUp();
  void pressKeys(const QString& keys);
  void pressFlash();
  void dialRotary(const QString& digits);

  [[nodiscard]] const pots::AnalogTelephone& telephone() const { return phone_; }

private:
  EmulatedTelephone(LinePort& line, std::unique_ptr<audio::AudioDevice> handset,
                    pots::TelephoneSettings settings, audio::Resampler mic_down,
                    audio::Resampler ear_up);
  void tick();
  void fire_timers_until(TimePoint at);
  void run_block(TimePoint end);

  LinePort& line_;
  std::unique_ptr<audio::AudioDevice> handset_;
  pots::AnalogTelephone phone_;
  audio::Resampler mic_down_;  // 48 -> 8 kHz
  audio::Resampler ear_up_;    // 8 -> 48 kHz
  QTimer clock_;
  TimePoint next_block_end_{};
  std::array<std::int16_t, audio::kEngineFrame10ms> mic48_{};
  std::array<std::int16_t, audio::kEngineFrame10ms> ear48_{};
  std::array<std::int16_t, LineCallAudio::kBlock8k> mic8_{};
  std::array<std::int16_t, LineCallAudio::kBlock8k> up8_{};
  std::array<std::int16_t, LineCallAudio::kBlock8k> down8_{};
};

}  // namespace tipring::client
