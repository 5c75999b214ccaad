#include "client/media/media_endpoint.h"

#include "protocol/rtp/mux.h"
#include "protocol/rtp/rtp_packet.h"
#include "protocol/rtp/telephone_event.h"

#include <algorithm>
#include <random>
#include <string>

namespace tipring::client {
namespace {

constexpr int kMaxDatagramsPerRead = 256;  // then let the timer run; the rest stay queued
constexpr int kMaxDeviceEventsPerTick = 4;

std::string rtpmap_text(const sdp::NegotiatedCodec& codec) {
  std::string text = codec.encoding_name + "/" + std::to_string(codec.clock_rate);
  if (codec.channels > 1) {
    text += "/" + std::to_string(codec.channels);
  }
  return text;
}

// The peer's a=ptime if the codec can use it, else 20 ms (RFC 7587 §4.1: Opus frames are
// 10, 20, 40 or 60 ms; G.711 any multiple of 10 ms here), never above its a=maxptime.
int frame_ms_for(const sdp::NegotiatedMedia& media, audio::CodecKind kind) {
  int ms = static_cast<int>(media.ptime_ms);
  const bool valid = kind == audio::CodecKind::opus ? (ms == 10 || ms == 20 || ms == 40 || ms == 60)
                                                    : (ms >= 10 && ms <= 60 && ms % 10 == 0);
  if (!valid) {
    ms = 20;
  }
  if (media.maxptime_ms && ms > static_cast<int>(*media.maxptime_ms)) {
    ms = *media.maxptime_ms >= 20 ? 20 : 10;
  }
  return ms;
}

bool parameter_is(const sdp::NegotiatedCodec& codec, std::string_view name, std::string_view v) {
  const auto found = sdp::find_parameter(codec.parameters, name);
  return found && *found == v;
}

}  // namespace

MediaEndpoint::MediaEndpoint(MediaSessionConfig config, const std::atomic<bool>& muted,
                             PublishedMediaStats& published)
    : config_(std::move(config)),
      device_(std::move(config_.device), muted),
      muted_(muted),
      published_(published) {
  // The SSRC, first sequence number and timestamp offset are random (RFC 3550 §5.1,
  // §8.1) so that a stranger cannot guess them and a restarted call is a new source.
  std::random_device entropy;
  ssrc_ = entropy();
  next_sequence_ = static_cast<std::uint16_t>(entropy());
  timestamp_offset_ = entropy();
  const std::uint64_t seed = (std::uint64_t{entropy()} << 32) | entropy();
  if (config_.cname.empty()) {
    config_.cname = "tipring-" + SeededRandom(seed).token(16);
  }
  RtcpSessionConfig rtcp;
  rtcp.local_ssrc = ssrc_;
  rtcp.cname = config_.cname;
  rtcp.report_interval = config_.rtcp_interval;
  rtcp.start = now();
  rtcp.random_seed = seed ^ 0x9e3779b97f4a7c15ULL;
  // NTP time of the session's start, from the wall clock; later reports add the
  // monotonic time elapsed so that the SR's NTP and RTP times advance together.
  const auto wall = std::chrono::system_clock::now().time_since_epoch();
  constexpr std::int64_t kNtpEpochOffsetS = 2'208'988'800;  // 1900 -> 1970
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(wall).count() +
                      kNtpEpochOffsetS * 1'000'000;
  rtcp.ntp_at_start = (static_cast<std::uint64_t>(micros / 1'000'000) << 32) +
                      ((static_cast<std::uint64_t>(micros % 1'000'000) << 32) / 1'000'000U);
  rtcp_.emplace(rtcp);
}

MediaEndpoint::~MediaEndpoint() {
  stop();
}

QEvent::Type MediaThreadCall::event_type() {
  static const auto type = static_cast<QEvent::Type>(QEvent::registerEventType());
  return type;
}

bool MediaEndpoint::event(QEvent* event) {
  if (event->type() == MediaThreadCall::event_type()) {
    static_cast<MediaThreadCall*>(event)->run();
    return true;
  }
  return QObject::event(event);
}

Result<quint16> MediaEndpoint::bind() {
  socket_ = new QUdpSocket(this);
  // DontShareAddress: no SO_REUSEADDR, so no other socket can bind the port and read
  // the call's media (on Windows: SO_EXCLUSIVEADDRUSE).
  constexpr auto kMode = QAbstractSocket::DontShareAddress;
  bool bound = false;
  if (config_.port_min == 0 && config_.port_max == 0) {
    bound = socket_->bind(config_.bind_address, 0, kMode);
  } else {
    // RTP ports are even (RFC 3550 §11); start at a random one so that calls in quick
    // succession do not reuse the port a late packet of the last call may still reach.
    const int low = std::max(2, (config_.port_min + 1) & ~1);
    const int high = config_.port_max;
    if (high < low) {
      return fail("MediaSession", "no even port in the configured range");
    }
    const int count = (high - low) / 2 + 1;
    std::random_device entropy;
    const int first = static_cast<int>(entropy() % static_cast<unsigned>(count));
    for (int i = 0; i < count && !bound; ++i) {
      const auto port = static_cast<quint16>(low + 2 * ((first + i) % count));
      bound = socket_->bind(config_.bind_address, port, kMode);
    }
  }
  if (!bound) {
    return fail("MediaSession", "cannot bind a UDP port on " +
                                    config_.bind_address.toString().toStdString() + ": " +
                                    socket_->errorString().toStdString());
  }
  socket_->setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, QVariant(256 * 1024));
  connect(socket_, &QUdpSocket::readyRead, this, &MediaEndpoint::read_datagrams);
  timer_ = new QTimer(this);
  timer_->setTimerType(Qt::PreciseTimer);
  timer_->setInterval(config_.tick);
  connect(timer_, &QTimer::timeout, this, &MediaEndpoint::run_due_work);
  return socket_->localPort();
}

Result<void> MediaEndpoint::configure_pipeline(const sdp::NegotiatedMedia& media) {
  const auto kind = audio::codec_from_sdp_name(rtpmap_text(media.codec));
  if (!kind) {
    return tl::unexpected(kind.error());
  }
  audio::CodecSettings codec;
  codec.kind = *kind;
  codec.frame_ms = frame_ms_for(media, *kind);
  codec.complexity = config_.opus_complexity;
  codec.bitrate_bps = config_.opus_bitrate_bps;
  if (*kind == audio::CodecKind::opus) {
    // RFC 7587 §6.1: the peer's fmtp says what it wants to receive.
    codec.inband_fec = parameter_is(media.codec, "useinbandfec", "1");
    codec.dtx = config_.opus_dtx && parameter_is(media.codec, "usedtx", "1");
    if (const auto max = sdp::find_parameter(media.codec.parameters, "maxaveragebitrate")) {
      const int peer_max = std::atoi(std::string(*max).c_str());
      if (peer_max >= 6000) {
        codec.bitrate_bps = std::min(codec.bitrate_bps, peer_max);
      }
    }
  }
  const bool same = pipeline_ && media_ && pipeline_->codec().kind == codec.kind &&
                    pipeline_->codec().frame_ms == codec.frame_ms &&
                    pipeline_->codec().inband_fec == codec.inband_fec &&
                    pipeline_->codec().dtx == codec.dtx &&
                    media_->codec.payload_type == media.codec.payload_type;
  if (same) {
    pipeline_->set_bitrate_bps(codec.bitrate_bps);
    return {};
  }
  audio::PipelineConfig pipeline_config;
  pipeline_config.codec = codec;
  pipeline_config.peer_sends_fec = config_.decode_opus_fec && codec.kind == audio::CodecKind::opus;
  pipeline_config.jitter = config_.jitter;
  pipeline_config.voice = config_.voice;
  pipeline_config.echo_cancellation = config_.echo_cancellation;
  auto pipeline = audio::MediaPipeline::create(pipeline_config);
  if (!pipeline) {
    return tl::unexpected(pipeline.error());
  }
  if (pipeline_) {
    // The new pipeline counts from 0 again; keep our RTP timeline going forward.
    timestamp_offset_ = last_media_timestamp_ + frame_samples_;
  }
  pipeline_ = std::move(*pipeline);
  const auto rate = static_cast<std::uint32_t>(audio::clock_rate_hz(codec.kind));
  frame_samples_ = static_cast<std::uint32_t>(codec.frame_ms) * rate / 1000;
  rtcp_->set_clock_rate(rate);
  stats_.codec = rtpmap_text(media.codec);
  return {};
}

Result<void> MediaEndpoint::apply(const sdp::NegotiatedMedia& media) {
  if (stopped_) {
    return fail("MediaSession", "the session was stopped");
  }
  const QHostAddress host(QString::fromStdString(media.remote.address));
  if (host.isNull()) {
    return fail("RFC 8866 §5.7 c=",
                "remote address '" + media.remote.address + "' is not an IP address");
  }
  if (auto configured = configure_pipeline(media); !configured) {
    return configured;
  }
  const bool was_receiving = media_ && sdp::receives(media_->direction);
  Remote remote;
  remote.host = host;
  remote.rtp_port = media.remote.port;
  remote.rtcp_port =
      media.rtcp_mux ? media.remote.port : static_cast<quint16>(media.remote.port + 1);
  remote_ = remote;
  const auto rate = static_cast<std::uint32_t>(audio::clock_rate_hz(pipeline_->codec().kind));
  if (media.telephone_event_payload_type && media.telephone_event_clock_rate == rate) {
    if (!dtmf_out_ || !media_ ||
        media_->telephone_event_payload_type != media.telephone_event_payload_type) {
      dtmf_out_.emplace(rate);
    }
  } else {
    dtmf_out_.reset();
  }
  media_ = media;
  const TimePoint t = now();
  if (sdp::receives(media.direction) && !was_receiving) {
    last_heard_ = t;  // the media timeout counts from when we started expecting media
    timeout_reported_ = false;
  }
  if (!device_started_) {
    if (auto started = device_.start(); !started) {
      emit device_event(QString::fromStdString(started.error().describe()));
    } else {
      device_started_ = true;
    }
    if (config_.run_timer) {
      timer_->start();
    }
  }
  publish_stats();
  return {};
}

void MediaEndpoint::queue_dtmf(char digit, std::chrono::milliseconds duration) {
  if (dtmf_out_) {
    dtmf_out_->queue(digit, duration);
  }
}

void MediaEndpoint::read_datagrams() {
  if (!socket_ || stopped_) {
    return;
  }
  const TimePoint t = now();
  for (int i = 0; i < kMaxDatagramsPerRead && socket_->hasPendingDatagrams(); ++i) {
    QHostAddress from;
    quint16 port = 0;
    const qint64 length =
        socket_->readDatagram(reinterpret_cast<char*>(receive_buffer_.data()),
                              static_cast<qint64>(receive_buffer_.size()), &from, &port);
    if (length < 0) {
      break;
    }
    on_datagram(rtp::Bytes(receive_buffer_).first(static_cast<std::size_t>(length)), from, port, t);
  }
}

void MediaEndpoint::on_datagram(rtp::Bytes datagram, const QHostAddress& from, quint16 port,
                                TimePoint t) {
  const auto kind = rtp::classify_muxed_packet(datagram);
  // Symmetric RTP (RFC 4961) from the negotiated address only: a stranger's packets are
  // never decoded, so nobody can inject audio into the call or steal its statistics.
  const bool from_peer = remote_ &&
                         from.isEqual(remote_->host, QHostAddress::ConvertV4MappedToIPv4) &&
                         (port == remote_->rtp_port ||
                          (kind == rtp::MuxedPacketKind::rtcp && port == remote_->rtcp_port));
  if (!from_peer) {
    ++stats_.packets_from_strangers_dropped;
    return;
  }
  last_heard_ = t;
  timeout_reported_ = false;
  switch (kind) {
    case rtp::MuxedPacketKind::rtp:
      on_rtp(datagram, t);
      break;
    case rtp::MuxedPacketKind::rtcp:
      if (rtcp_->on_rtcp_received(datagram, t)) {
        ++stats_.rtcp_packets_received;
      } else {
        ++stats_.packets_malformed_dropped;
      }
      break;
    case rtp::MuxedPacketKind::other:
      ++stats_.packets_malformed_dropped;
      break;
  }
}

void MediaEndpoint::on_rtp(rtp::Bytes datagram, TimePoint t) {
  const auto packet = rtp::parse_rtp(datagram);
  if (!packet) {
    ++stats_.packets_malformed_dropped;
    return;
  }
  const bool is_audio = packet->payload_type == media_->codec.payload_type;
  const bool is_event = media_->telephone_event_payload_type &&
                        packet->payload_type == *media_->telephone_event_payload_type;
  if (!is_audio && !is_event) {
    return;  // comfort noise or a format we did not negotiate
  }
  ++stats_.packets_received;
  stats_.bytes_received += packet->payload.size();
  rtcp_->on_rtp_received(*packet, t);
  if (!first_packet_seen_) {
    first_packet_seen_ = true;
    emit first_packet_received();
  }
  if (is_audio) {
    if (sdp::receives(media_->direction)) {
      audio::MediaPacket media;
      media.sequence_number = packet->sequence;
      media.rtp_timestamp = packet->timestamp;
      media.ssrc = packet->ssrc;
      media.marker = packet->marker;
      media.payload.assign(packet->payload.begin(), packet->payload.end());
      media.arrival = t;
      pipeline_->push_rtp_payload(std::move(media));
    }
    return;
  }
  const auto event = rtp::parse_telephone_event(packet->payload);
  if (!event) {
    ++stats_.packets_malformed_dropped;
    return;
  }
  if (const auto digit = dtmf_in_.on_packet(packet->timestamp, *event)) {
    ++stats_.telephone_events_received;
    emit dtmf_received(QChar::fromLatin1(*digit));
  }
}

void MediaEndpoint::send_frame(const audio::OutgoingFrame& frame, TimePoint t) {
  if (!media_ || !remote_ || !sdp::sends(media_->direction) || remote_->rtp_port == 0 ||
      remote_->host.isEqual(QHostAddress::AnyIPv4)) {
    return;  // hold (RFC 6337), or a c=0.0.0.0 "do not send to me" (RFC 2543 hold)
  }
  const std::uint32_t timestamp = timestamp_offset_ + frame.rtp_timestamp;
  last_media_timestamp_ = timestamp;
  if (dtmf_out_) {
    // While an event is sent the audio of the same slots is not (RFC 4733 §2.5.1.2).
    if (const auto event = dtmf_out_->on_frame_slot(timestamp, frame_samples_)) {
      std::array<std::uint8_t, rtp::kTelephoneEventBytes> payload{};
      if (rtp::build_telephone_event(event->event, payload)) {
        if (event->marker) {
          ++stats_.telephone_events_sent;
        }
        send_rtp(*media_->telephone_event_payload_type, event->marker, event->timestamp, payload,
                 t);
      }
      return;
    }
  }
  send_rtp(media_->codec.payload_type, frame.marker, timestamp, frame.payload, t);
}

void MediaEndpoint::send_rtp(std::uint8_t payload_type, bool marker, std::uint32_t media_timestamp,
                             rtp::Bytes payload, TimePoint t) {
  rtp::RtpHeader header;
  header.marker = marker;
  header.payload_type = payload_type;
  header.sequence = next_sequence_;
  header.timestamp = media_timestamp;
  header.ssrc = ssrc_;
  const auto length = rtp::build_rtp(header, payload, send_buffer_);
  if (!length) {
    return;
  }
  ++next_sequence_;
  socket_->writeDatagram(reinterpret_cast<const char*>(send_buffer_.data()),
                         static_cast<qint64>(*length), remote_->host, remote_->rtp_port);
  ++stats_.packets_sent;
  stats_.bytes_sent += payload.size();
  rtcp_->on_rtp_sent(media_timestamp, payload.size(), t);
}

void MediaEndpoint::send_rtcp(std::size_t length) {
  if (!remote_ || remote_->rtcp_port == 0 || length == 0) {
    return;
  }
  // Without rtcp-mux the peer listens for RTCP on port + 1; we still send from our one
  // socket, which is also where its RTCP reaches us (RFC 5761 §5.1.3, RFC 4961).
  socket_->writeDatagram(reinterpret_cast<const char*>(send_buffer_.data()),
                         static_cast<qint64>(length), remote_->host, remote_->rtcp_port);
  ++stats_.rtcp_packets_sent;
}

void MediaEndpoint::run_due_work() {
  if (stopped_ || !socket_) {
    return;
  }
  read_datagrams();
  const TimePoint t = now();
  for (int i = 0; i < kMaxDeviceEventsPerTick; ++i) {
    const auto event = device_.poll_event();
    if (!event) {
      break;
    }
    emit device_event(QString::fromStdString(event->detail));
  }
  if (pipeline_ && device_started_) {
    pipeline_->pump(device_, t,
                    [this, t](const audio::OutgoingFrame& frame) { send_frame(frame, t); });
  }
  if (remote_) {
    send_rtcp(rtcp_->write_report_if_due(t, send_buffer_));
    if (pipeline_ && rtcp_->remote().reports != loss_reports_applied_) {
      // The peer's loss report steers how much Opus FEC we spend (RFC 7587 §3.3).
      loss_reports_applied_ = rtcp_->remote().reports;
      pipeline_->set_reported_loss_percent(rtcp_->remote().fraction_lost * 100 / 256);
    }
  }
  check_media_timeout(t);
  publish_stats();
}

void MediaEndpoint::check_media_timeout(TimePoint t) {
  if (!media_ || !sdp::receives(media_->direction) || timeout_reported_) {
    return;
  }
  if (t - last_heard_ >= std::chrono::duration_cast<Duration>(config_.media_timeout)) {
    timeout_reported_ = true;
    emit media_timeout();
  }
}

void MediaEndpoint::publish_stats() {
  if (pipeline_) {
    stats_.jitter_buffer = pipeline_->receive_stats();
    stats_.jitter_buffer_target_delay_ms = pipeline_->target_delay_ms();
  }
  if (const auto* peer = rtcp_->peer_source()) {
    stats_.inbound_jitter_rtp_units = peer->jitter_rtp_units();
    const int rate = pipeline_ ? audio::clock_rate_hz(pipeline_->codec().kind) : 48000;
    stats_.inbound_jitter_s = static_cast<double>(peer->jitter_rtp_units()) / rate;
    stats_.inbound_packets_lost = peer->cumulative_lost();
  }
  const RemoteReception& remote = rtcp_->remote();
  stats_.remote_reports_received = remote.reports;
  stats_.remote_fraction_lost = remote.fraction_lost / 256.0;
  stats_.remote_packets_lost = remote.cumulative_lost;
  const int rate = pipeline_ ? audio::clock_rate_hz(pipeline_->codec().kind) : 48000;
  stats_.remote_jitter_s = static_cast<double>(remote.jitter_rtp_units) / rate;
  if (remote.last_round_trip) {
    stats_.round_trip_time_s = std::chrono::duration<double>(*remote.last_round_trip).count();
  }
  stats_.round_trip_time_measurements = remote.round_trip_measurements;
  stats_.total_round_trip_time_s = std::chrono::duration<double>(remote.total_round_trip).count();
  stats_.sending = media_ && sdp::sends(media_->direction);
  stats_.receiving = media_ && sdp::receives(media_->direction);
  stats_.muted = muted_.load(std::memory_order_relaxed);
  published_.publish(stats_);
}

void MediaEndpoint::stop() {
  if (stopped_) {
    return;
  }
  if (timer_) {
    timer_->stop();
  }
  if (socket_ && remote_) {
    send_rtcp(rtcp_->write_bye(now(), send_buffer_));
  }
  if (device_started_) {
    device_.stop();
    device_started_ = false;
  }
  publish_stats();
  stopped_ = true;
  if (socket_) {
    socket_->close();
  }
}

}  // namespace tipring::client
