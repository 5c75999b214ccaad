// SessionMedia: the product's CallMedia — client/media's MediaSession (one UDP socket per
// call for RTP and RTCP, audio on its media thread) behind the seam the Call uses, with its
// stats turned into the webrtc-stats-named fields of tipring-cli's "stats" event.
#pragma once

#include "client/media/media_session.h"
#include "client/phone/call_media.h"

#include <functional>

namespace tipring::client {

// Makes the audio device for one call (WAV files, PortAudio, or silence).
using AudioDeviceFactory = std::function<Result<std::unique_ptr<audio::AudioDevice>>()>;

class SessionMedia final : public CallMedia {
  Q_OBJECT
public:
  static Result<std::unique_ptr<CallMedia>> open(MediaSessionConfig config);

  [[nodiscard]] sdp::MediaAddress local_address() const override;
  Result<void> apply(const sdp::NegotiatedMedia& media) override;
  void set_muted(bool muted) override;
  bool send_dtmf(char digit, std::chrono::milliseconds duration) override;
  void stop() override;
  [[nodiscard]] QJsonObject stats() const override;

private:
  explicit SessionMedia(std::unique_ptr<MediaSession> session);
  std::unique_ptr<MediaSession> session_;
};

// How often a call's media thread pumps audio by default: a sound card's chunks complete
// at its own pace, and a 5 ms tick picks each up at most 5 ms later.
inline constexpr std::chrono::milliseconds kDefaultMediaTick{5};

// Opens a SessionMedia per call on `bind_address` with a device from `devices`; the media
// thread pumps audio every `tick` (MediaSessionConfig::tick).
CallMediaFactory session_media_factory(const QHostAddress& bind_address, AudioDeviceFactory devices,
                                       std::chrono::milliseconds tick = kDefaultMediaTick);

}  // namespace tipring::client
