// MediaSession: one call's media on exactly ONE UDP socket (RFC 3550 RTP and RTCP,
// multiplexed per RFC 5761, symmetric per RFC 4961). The socket is bound when the session
// opens, before the SDP offer or answer is built; media goes to the address of the
// negotiated SDP and is accepted only from it. Audio runs on a dedicated media thread;
// this object lives on the caller's thread and is its thread-safe handle.
#pragma once

#include "audio/device/audio_device.h"
#include "audio/dsp/echo_canceller.h"
#include "audio/jitter/jitter_buffer.h"
#include "client/media/media_stats.h"
#include "protocol/core/error.h"
#include "protocol/core/time.h"
#include "protocol/sdp/offer_answer.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <QtCore/QObject>
#include <QtCore/QThread>
#include <QtNetwork/QHostAddress>

namespace tipring::client {

struct MediaSessionConfig {
  QHostAddress bind_address;
  quint16 port_min = 0, port_max = 0;  // both 0: an ephemeral port
  std::unique_ptr<audio::AudioDevice> device;

  // Opus encoder settings; the peer's fmtp (maxaveragebitrate, useinbandfec, usedtx)
  // narrows them per call.
  int opus_complexity = 8;
  int opus_bitrate_bps = 32000;
  bool opus_dtx = false;  // send nothing during silence if the peer allows it
  // We offer useinbandfec=1 (sdp::opus_codec()), so the peer may send FEC: use it.
  bool decode_opus_fec = true;
  audio::JitterBufferConfig jitter;
  audio::VoiceProcessingConfig voice;
  // Unset: on for loudspeakers, off for headsets and files (the device says which).
  std::optional<bool> echo_cancellation;
  // No RTP or RTCP from the peer for this long while we expect to receive: media_timeout().
  std::chrono::milliseconds media_timeout{30000};
  std::string cname;  // RTCP SDES CNAME; empty: a random one
  Duration rtcp_interval = std::chrono::seconds(5);

  // The media thread's monotonic clock; tests inject a fake one.
  std::function<TimePoint()> clock;
  // How often the media thread pumps audio, sends due RTCP and checks timeouts. Tests on
  // a fake clock turn the timer off and call MediaSession::run_due_work() instead.
  std::chrono::milliseconds tick{5};
  bool run_timer = true;
};

class MediaEndpoint;

class MediaSession : public QObject {
  Q_OBJECT
public:
  // Starts the media thread and binds the socket there (an even port in the range,
  // tried from a random start, or an ephemeral port).
  static tipring::Result<std::unique_ptr<MediaSession>> open(MediaSessionConfig config);
  ~MediaSession() override;
  MediaSession(const MediaSession&) = delete;
  MediaSession& operator=(const MediaSession&) = delete;

  // The bound address and port for the SDP c= and m= lines. A wildcard bind address is
  // returned as is; the caller puts its signalling interface's address in the SDP then.
  sdp::MediaAddress local_address() const { return local_; }

  // Starts media, or updates it on a re-INVITE: a new remote address, a new direction
  // (hold/resume), a new codec. Fails when the codec or address cannot be used.
  tipring::Result<void> apply(const sdp::NegotiatedMedia& media);
  void set_muted(bool muted);
  bool muted() const { return muted_.load(); }
  // Sends an RFC 4733 event; false when telephone-event was not negotiated (or at another
  // clock rate than the codec's), the digit is not a DTMF digit, or we may not send (hold).
  bool send_dtmf(char digit, std::chrono::milliseconds duration);
  // RTCP BYE, then the socket and the device close. Idempotent.
  void stop();
  // Thread-safe snapshot.
  MediaStats stats() const;

  // Runs the media thread's periodic work now and waits for it (tests on a fake clock).
  void run_due_work();

signals:
  void dtmf_received(QChar digit);
  void first_packet_received();
  void media_timeout();
  // The device fell back to the default or failed (audio::DeviceEvent::detail).
  void device_event(QString detail);

private:
  MediaSession() = default;

  QThread thread_;
  MediaEndpoint* endpoint_ = nullptr;  // lives on thread_; deleted there by stop()
  std::atomic<bool> muted_{false};
  sdp::MediaAddress local_;
  std::optional<sdp::NegotiatedMedia> applied_;
  PublishedMediaStats stats_;  // outlives the endpoint, so stats() works after stop()
};

}  // namespace tipring::client
