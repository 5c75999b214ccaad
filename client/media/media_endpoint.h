// MediaEndpoint: the media-thread half of a MediaSession. It owns the call's one UDP
// socket, the audio device and the MediaPipeline, and does the per-packet and per-tick
// work: RTP out (random SSRC, sequence and timestamp offset, RFC 3550 §5.1), RTP/RTCP in
// from the negotiated address only (RFC 5761 demultiplexing), RFC 4733 events both ways,
// and the RTCP reports of RtcpSession. Only MediaSession creates and calls it.
#pragma once

#include "audio/pipeline/media_pipeline.h"
#include "client/media/media_session.h"
#include "client/media/muted_microphone.h"
#include "client/media/rtcp_session.h"
#include "client/media/telephone_events.h"

#include <array>
#include <functional>

#include <QtCore/QEvent>
#include <QtCore/QTimer>
#include <QtCore/QVariant>
#include <QtNetwork/QUdpSocket>

namespace tipring::client {

// Work the owner's thread hands to the media thread, delivered through the media thread's
// event queue (so it runs between packets and ticks, never concurrently with them).
class MediaThreadCall final : public QEvent {
public:
  explicit MediaThreadCall(std::function<void()> work)
      : QEvent(event_type()), work_(std::move(work)) {}
  static QEvent::Type event_type();
  void run() { work_(); }

private:
  std::function<void()> work_;
};

class MediaEndpoint : public QObject {
  Q_OBJECT
public:
  MediaEndpoint(MediaSessionConfig config, const std::atomic<bool>& muted,
                PublishedMediaStats& published);
  ~MediaEndpoint() override;
  MediaEndpoint(const MediaEndpoint&) = delete;
  MediaEndpoint& operator=(const MediaEndpoint&) = delete;

  // Everything below runs on the media thread.
  Result<quint16> bind();
  Result<void> apply(const sdp::NegotiatedMedia& media);
  void queue_dtmf(char digit, std::chrono::milliseconds duration);
  void run_due_work();
  void stop();

  bool event(QEvent* event) override;

signals:
  void dtmf_received(QChar digit);
  void first_packet_received();
  void media_timeout();
  void device_event(QString detail);

private:
  struct Remote {
    QHostAddress host;
    quint16 rtp_port = 0;
    quint16 rtcp_port = 0;  // rtp_port with rtcp-mux, else rtp_port + 1 (RFC 3550 §11)
  };

  TimePoint now() const { return config_.clock(); }
  Result<void> configure_pipeline(const sdp::NegotiatedMedia& media);
  void read_datagrams();
  void on_datagram(rtp::Bytes datagram, const QHostAddress& from, quint16 port, TimePoint now);
  void on_rtp(rtp::Bytes datagram, TimePoint now);
  void send_frame(const audio::OutgoingFrame& frame, TimePoint now);
  void send_rtp(std::uint8_t payload_type, bool marker, std::uint32_t media_timestamp,
                rtp::Bytes payload, TimePoint now);
  void send_rtcp(std::size_t length);
  void check_media_timeout(TimePoint now);
  void publish_stats();

  MediaSessionConfig config_;
  MutedMicrophone device_;
  const std::atomic<bool>& muted_;
  QUdpSocket* socket_ = nullptr;  // child of this object
  QTimer* timer_ = nullptr;

  std::unique_ptr<audio::MediaPipeline> pipeline_;
  std::optional<sdp::NegotiatedMedia> media_;
  std::optional<Remote> remote_;
  bool device_started_ = false;
  bool stopped_ = false;

  std::uint32_t ssrc_ = 0;
  std::uint16_t next_sequence_ = 0;
  std::uint32_t timestamp_offset_ = 0;  // added to the pipeline's timeline (§5.1)
  std::uint32_t last_media_timestamp_ = 0;
  std::uint32_t frame_samples_ = 0;
  std::optional<RtcpSession> rtcp_;
  std::uint64_t loss_reports_applied_ = 0;  // remote reports already passed to the encoder
  std::optional<DtmfSender> dtmf_out_;
  DtmfReceiver dtmf_in_;

  bool first_packet_seen_ = false;
  TimePoint last_heard_;
  bool timeout_reported_ = false;

  MediaStats stats_;  // the media thread's working copy
  PublishedMediaStats& published_;

  std::array<std::uint8_t, 2048> receive_buffer_{};
  std::array<std::uint8_t, 1500> send_buffer_{};
};

}  // namespace tipring::client
