#include "client/phone/session_media.h"

namespace tipring::client {

Result<std::unique_ptr<CallMedia>> SessionMedia::open(MediaSessionConfig config) {
  auto session = MediaSession::open(std::move(config));
  if (!session) {
    return tl::unexpected(session.error());
  }
  return std::unique_ptr<CallMedia>(new SessionMedia(std::move(*session)));
}

SessionMedia::SessionMedia(std::unique_ptr<MediaSession> session) : session_(std::move(session)) {
  connect(session_.get(), &MediaSession::dtmf_received, this, &CallMedia::dtmf_received);
  connect(session_.get(), &MediaSession::first_packet_received, this,
          &CallMedia::first_packet_received);
  connect(session_.get(), &MediaSession::media_timeout, this, &CallMedia::media_timeout);
}

sdp::MediaAddress SessionMedia::local_address() const {
  return session_->local_address();
}

Result<void> SessionMedia::apply(const sdp::NegotiatedMedia& media) {
  return session_->apply(media);
}

void SessionMedia::set_muted(bool muted) {
  session_->set_muted(muted);
}

bool SessionMedia::send_dtmf(char digit, std::chrono::milliseconds duration) {
  return session_->send_dtmf(digit, duration);
}

void SessionMedia::stop() {
  session_->stop();
}

QJsonObject SessionMedia::stats() const {
  const MediaStats s = session_->stats();
  const auto number = [](auto v) { return static_cast<double>(v); };
  const audio::JitterBufferStats& jb = s.jitter_buffer;
  return {{QStringLiteral("codec"), QString::fromStdString(s.codec)},
          {QStringLiteral("packetsSent"), number(s.packets_sent)},
          {QStringLiteral("bytesSent"), number(s.bytes_sent)},
          {QStringLiteral("packetsReceived"), number(s.packets_received)},
          {QStringLiteral("bytesReceived"), number(s.bytes_received)},
          {QStringLiteral("packetsLost"), number(s.inbound_packets_lost)},
          {QStringLiteral("jitter"), s.inbound_jitter_s},
          {QStringLiteral("roundTripTime"), s.round_trip_time_s},
          {QStringLiteral("fractionLost"), s.remote_fraction_lost},
          {QStringLiteral("rtcpPacketsSent"), number(s.rtcp_packets_sent)},
          {QStringLiteral("rtcpPacketsReceived"), number(s.rtcp_packets_received)},
          {QStringLiteral("strangersDropped"), number(s.packets_from_strangers_dropped)},
          {QStringLiteral("jitterBufferTargetDelayMs"), s.jitter_buffer_target_delay_ms},
          // The playout side in webrtc-stats names (RTCInboundRtpStreamStats).
          {QStringLiteral("jitterBufferDelay"), jb.jitter_buffer_delay_s},
          {QStringLiteral("jitterBufferEmittedCount"), number(jb.jitter_buffer_emitted_count)},
          {QStringLiteral("totalSamplesReceived"), number(jb.total_samples_received)},
          {QStringLiteral("concealedSamples"), number(jb.concealed_samples)},
          {QStringLiteral("concealmentEvents"), number(jb.concealment_events)},
          {QStringLiteral("packetsDiscarded"), number(jb.packets_discarded)},
          {QStringLiteral("fecPacketsRecovered"), number(jb.fec_packets_recovered)},
          {QStringLiteral("muted"), s.muted}};
}

CallMediaFactory session_media_factory(const QHostAddress& bind_address, AudioDeviceFactory devices,
                                       std::chrono::milliseconds tick) {
  return
      [bind_address, devices = std::move(devices), tick]() -> Result<std::unique_ptr<CallMedia>> {
        auto device = devices();
        if (!device) {
          return tl::unexpected(device.error());
        }
        MediaSessionConfig config;
        config.bind_address = bind_address;
        config.device = std::move(*device);
        config.tick = tick;
        return SessionMedia::open(std::move(config));
      };
}

}  // namespace tipring::client
