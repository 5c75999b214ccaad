#include "client/cli/cli_media.h"

#include "audio/device/wav_device.h"
#include "client/phone/session_media.h"
#include "client/phone/steady_clock.h"

#include <QFileInfo>
#include <QHostAddress>

namespace tipring::client {

Result<CallMediaFactory> make_cli_media_factory(const CliOptions& options) {
  if (!options.play_wav.isEmpty() && !QFileInfo(options.play_wav).isReadable()) {
    return fail("--play", "cannot read '" + options.play_wav.toStdString() + "'");
  }
  const QHostAddress bind = options.bind_address.isEmpty() ? QHostAddress(QHostAddress::AnyIPv4)
                                                           : QHostAddress(options.bind_address);
  audio::WavDeviceConfig wav;
  wav.capture_path = options.play_wav.toStdString();
  wav.record_path = options.record_wav.toStdString();
  wav.pacing = audio::CapturePacing::real_time;
  wav.loop = true;  // --play loops until hang-up (--help says so)
  wav.clock = steady_now;
  // The WAV device completes a 10 ms capture chunk every 10 ms from the moment it starts,
  // and the media thread's timer starts right after it: a 10 ms tick finds each chunk just
  // completed (no capture wait, as with 5 ms), with half the wake-ups. Playout is kept
  // 30 ms ahead, so the 10 ms between refills never drains it.
  constexpr std::chrono::milliseconds kWavTick{10};
  // Every call opens the files anew; with --max-calls > 1 the recording holds the last call.
  return session_media_factory(
      bind,
      [wav]() -> Result<std::unique_ptr<audio::AudioDevice>> {
        auto device = audio::WavFileDevice::open(wav);
        if (!device) {
          return tl::unexpected(device.error());
        }
        return std::unique_ptr<audio::AudioDevice>(std::move(*device));
      },
      kWavTick);
}

}  // namespace tipring::client
