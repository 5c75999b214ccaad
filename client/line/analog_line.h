// AnalogLine: the user-facing POTS line — an account's calls carried by a simulated
// tip-and-ring line (LinePort, the ATA logic of pots::LineController) with the emulated
// analog telephone (EmulatedTelephone) on its far side, whose handset is an audio device that
// can change while the line runs (a USB telephone's own sound card). It reports what the
// telephone sees — line state, hook, ring bursts, the caller ID its own FSK decoder read
// (GR-30-CORE / ETSI EN 300 659), the call-progress tone in the earpiece — as Qt signals, so
// tipring-cli --line and the GUI bind to the same object.
#pragma once

#include "audio/device/audio_device.h"
#include "client/line/emulated_telephone.h"
#include "client/line/line_port.h"
#include "pots/tones/progress_tone_detector.h"

#include <QObject>
#include <QString>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

namespace tipring::client {

struct AnalogLineSettings {
  pots::LineControllerSettings line;
  pots::TelephoneSettings telephone;
};

// Settings from what a user names: a tone plan ("us", "uk", "de", "fr", "jp", "au", "itu"),
// an RFC 3435 digit map (empty: the default), and a caller-ID standard: "gr30" (Bell 202
// MDMF), "gr30-sdmf", "etsi" (V.23 MDMF) or "off". Errors name the setting.
Result<AnalogLineSettings> analog_line_settings(std::string_view tone_plan,
                                                std::string_view digit_map,
                                                std::string_view caller_id);

// Opens a handset device (PortAudio, a WAV file, the null device, a USB card).
using HandsetFactory = std::function<Result<std::unique_ptr<audio::AudioDevice>>()>;

class HandsetSwitch;

class AnalogLine final : public QObject {
  Q_OBJECT
  Q_PROPERTY(QString state READ state NOTIFY stateChanged)
  Q_PROPERTY(bool offHook READ offHook NOTIFY hookChanged)
  Q_PROPERTY(bool ringing READ ringing NOTIFY ringChanged)
  Q_PROPERTY(bool muted READ muted WRITE setMuted NOTIFY mutedChanged)
  Q_PROPERTY(QString tone READ tone NOTIFY toneChanged)

public:
  // The Phone that owns `account` must have been made with LinePort::MediaFactory::factory
  // of `media`, so each call's audio runs through the line.
  static Result<std::unique_ptr<AnalogLine>> create(Account& account,
                                                    std::shared_ptr<LinePort::MediaFactory> media,
                                                    AnalogLineSettings settings,
                                                    const HandsetFactory& handset);
  ~AnalogLine() override;
  AnalogLine(const AnalogLine&) = delete;
  AnalogLine& operator=(const AnalogLine&) = delete;

  // The telephone's controls.
  void liftHandset();
  void hangUp();
  void dialDtmf(const QString& keys);      // keypad: DTMF on the line
  void dialRotary(const QString& digits);  // loop breaks with real pulse timing
  void flash();
  void setMuted(bool muted);  // the handset microphone (the keypad still sounds)

  // Closes the current handset device, then opens another; on failure the handset is silent
  // until the next switch.
  Result<void> switchHandset(const HandsetFactory& handset);

  [[nodiscard]] QString state() const;
  [[nodiscard]] bool offHook() const;
  [[nodiscard]] bool ringing() const;  // a ring burst is on now
  [[nodiscard]] int rings() const;     // bursts of the current alerting
  [[nodiscard]] bool muted() const { return muted_; }
  [[nodiscard]] QString tone() const { return tone_; }  // empty: none recognised
  [[nodiscard]] const std::optional<pots::CallerId>& callerId() const;

  [[nodiscard]] LinePort& port() { return *port_; }
  [[nodiscard]] const EmulatedTelephone& telephone() const { return *telephone_; }

signals:
  void stateChanged(const QString& state);
  void hookChanged(bool offHook);
  void ringChanged(bool on, int rings);
  void callerIdReceived();  // callerId() holds what the display decoded
  void toneChanged(const QString& tone);
  void mutedChanged(bool muted);

private:
  AnalogLine(Account& account, std::shared_ptr<LinePort::MediaFactory> media,
             pots::LineControllerSettings settings);
  void on_earpiece(std::span<const std::int16_t> block_48k);
  Q_INVOKABLE void publish();

  pots::TonePlan plan_;
  std::unique_ptr<LinePort> port_;
  HandsetSwitch* handset_ = nullptr;  // owned by telephone_
  std::unique_ptr<EmulatedTelephone> telephone_;
  std::optional<audio::Resampler> ear_down_;  // 48 -> 8 kHz, for the tone detector
  std::optional<pots::ProgressToneDetector> tones_;
  std::vector<pots::ProgressToneEvent> tone_events_;
  std::vector<std::int16_t> ear8_;
  bool publish_queued_ = false;

  // What was last published.
  QString state_;
  bool off_hook_ = false;
  bool ring_on_ = false;
  std::optional<pots::CallerId> caller_id_;
  QString tone_;
  bool muted_ = false;
};

}  // namespace tipring::client
