// Two MediaSessions on 127.0.0.1 with WAV-file devices, on one fake clock that the test
// advances step by step (the sessions' timers are off; run_due_work() is their tick).
// Assertions are about what was heard (frequency of the recording), what was counted, and
// which signals fired, never about wall-clock time.
#include "client/media/media_session.h"

#include "audio/device/null_device.h"
#include "audio/device/wav_device.h"
#include "audio/device/wav_file.h"
#include "protocol/rtp/rtp_packet.h"
#include "tests/audio/signal_analysis.h"

#include <atomic>
#include <memory>
#include <string>

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QUdpSocket>
#include <gtest/gtest.h>

namespace tipring::client {
namespace {

using namespace std::chrono_literals;
namespace at = audio::testing;

QCoreApplication& application() {
  static int argc = 1;
  static char name[] = "client_media_integration_test";
  static char* argv[] = {name, nullptr};
  static QCoreApplication app(argc, argv);
  return app;
}

struct FakeClock {
  std::atomic<std::int64_t> micros{1'000'000};
  TimePoint now() const { return TimePoint{Duration(micros.load())}; }
  void advance(Duration d) { micros += d.count(); }
};

struct CodecCase {
  const char* name;
  sdp::NegotiatedCodec codec;
  std::uint8_t event_payload_type;
  std::uint32_t event_clock_rate;
};

void PrintTo(const CodecCase& c, std::ostream* out) {
  *out << c.name;
}

CodecCase opus_case() {
  return {"opus", {"opus", 111, 48000, 2, {{"useinbandfec", "1"}}}, 110, 48000};
}
CodecCase pcmu_case() {
  return {"pcmu", {"PCMU", 0, 8000, 1, {}}, 101, 8000};
}
CodecCase pcma_case() {
  return {"pcma", {"PCMA", 8, 8000, 1, {}}, 101, 8000};
}

void write_tone(const std::string& path, double frequency_hz) {
  auto writer = audio::WavWriter::create(path, audio::kEngineRateHz);
  ASSERT_TRUE(writer) << writer.error().describe();
  writer->append(at::sine(frequency_hz, 8000.0, audio::kEngineRateHz, audio::kEngineRateHz));
  writer->close();
}

class MediaSessionPair : public ::testing::Test {
protected:
  static constexpr double kAliceHz = 440.0;
  static constexpr double kBobHz = 1000.0;

  void SetUp() override {
    application();
    ASSERT_TRUE(dir_.isValid());
    write_tone(path("alice_in.wav"), kAliceHz);
    write_tone(path("bob_in.wav"), kBobHz);
    alice_ = open_session("alice_in.wav", "alice_heard.wav");
    bob_ = open_session("bob_in.wav", "bob_heard.wav");
    ASSERT_TRUE(alice_ && bob_);
  }

  std::string path(const char* file) const {
    return QDir(dir_.path()).filePath(file).toStdString();
  }

  std::unique_ptr<MediaSession> open_session(const char* capture, const char* record) {
    audio::WavDeviceConfig wav;
    wav.capture_path = path(capture);
    wav.record_path = path(record);
    wav.loop = true;
    wav.clock = [this] { return clock_.now(); };
    auto device = audio::WavFileDevice::open(wav);
    EXPECT_TRUE(device) << device.error().describe();
    if (!device) {
      return nullptr;
    }
    MediaSessionConfig config;
    config.bind_address = QHostAddress::LocalHost;
    config.device = std::move(*device);
    config.clock = [this] { return clock_.now(); };
    config.run_timer = false;
    config.rtcp_interval = 1s;
    auto session = MediaSession::open(std::move(config));
    EXPECT_TRUE(session) << session.error().describe();
    return session ? std::move(*session) : nullptr;
  }

  static sdp::NegotiatedMedia towards(const MediaSession& peer, const CodecCase& c,
                                      sdp::Direction direction = sdp::Direction::sendrecv) {
    sdp::NegotiatedMedia media;
    media.remote = peer.local_address();
    media.codec = c.codec;
    media.telephone_event_payload_type = c.event_payload_type;
    media.telephone_event_clock_rate = c.event_clock_rate;
    media.ptime_ms = 20;
    media.direction = direction;
    media.rtcp_mux = true;
    return media;
  }

  void connect_both(const CodecCase& c) {
    ASSERT_TRUE(alice_->apply(towards(*bob_, c)));
    ASSERT_TRUE(bob_->apply(towards(*alice_, c)));
  }

  // One 10 ms step of the shared clock: both media threads do their work, then the
  // signals they queued for this thread are delivered.
  void run(Duration total) {
    for (Duration t{0}; t < total; t += 10ms) {
      clock_.advance(10ms);
      alice_->run_due_work();
      bob_->run_due_work();
      QCoreApplication::processEvents();
    }
  }

  // What a session's device recorded, after the session stopped (the WAV is closed).
  std::vector<std::int16_t> heard(const char* file) {
    auto wav = audio::read_wav_file(path(file));
    EXPECT_TRUE(wav) << wav.error().describe();
    return wav ? wav->samples : std::vector<std::int16_t>{};
  }

  static std::span<const std::int16_t> last_half_second(const std::vector<std::int16_t>& pcm) {
    const std::size_t n = audio::kEngineRateHz / 2;
    return pcm.size() < n ? std::span<const std::int16_t>(pcm)
                          : std::span<const std::int16_t>(pcm).last(n);
  }

  QTemporaryDir dir_;
  FakeClock clock_;
  std::unique_ptr<MediaSession> alice_;
  std::unique_ptr<MediaSession> bob_;
};

class MediaSessionCodecs : public MediaSessionPair,
                           public ::testing::WithParamInterface<CodecCase> {};

TEST_P(MediaSessionCodecs, EachSideHearsTheOthersToneAtItsFrequency) {
  connect_both(GetParam());
  run(1500ms);
  const MediaStats alice_stats = alice_->stats();
  const MediaStats bob_stats = bob_->stats();
  alice_->stop();
  bob_->stop();

  EXPECT_GT(alice_stats.packets_sent, 60U);
  EXPECT_GT(bob_stats.packets_received, 60U);
  const auto bob_heard = heard("bob_heard.wav");
  const auto alice_heard = heard("alice_heard.wav");
  ASSERT_GT(bob_heard.size(), audio::kEngineRateHz);
  ASSERT_GT(alice_heard.size(), audio::kEngineRateHz);
  const auto bob_tail = last_half_second(bob_heard);
  const auto alice_tail = last_half_second(alice_heard);
  EXPECT_GT(at::rms(bob_tail), 1000.0);
  EXPECT_GT(at::rms(alice_tail), 1000.0);
  EXPECT_NEAR(at::dominant_frequency(bob_tail, audio::kEngineRateHz, 200, 3000, 5), kAliceHz, 10);
  EXPECT_NEAR(at::dominant_frequency(alice_tail, audio::kEngineRateHz, 200, 3000, 5), kBobHz, 10);
}

INSTANTIATE_TEST_SUITE_P(Codecs, MediaSessionCodecs,
                         ::testing::Values(opus_case(), pcmu_case(), pcma_case()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST_F(MediaSessionPair, DropsAndCountsPacketsFromAStrangerAndNeverPlaysThem) {
  connect_both(pcmu_case());
  // Same host as Alice, another port: only the negotiated address and port may talk.
  QUdpSocket stranger;
  ASSERT_TRUE(stranger.bind(QHostAddress::LocalHost, 0));
  const auto tone = at::sine(3000.0, 12000.0, 8000, 160 * 200);
  std::array<std::uint8_t, 172> packet{};
  std::uint64_t sent = 0;
  for (int i = 0; i < 150; ++i) {
    std::array<std::uint8_t, 160> payload{};
    for (std::size_t s = 0; s < payload.size(); ++s) {
      // A loud 3 kHz tone in PCMU; any value works as long as it would be heard.
      payload[s] =
          static_cast<std::uint8_t>(0x80 ^ (tone[160 * static_cast<std::size_t>(i) + s] >> 8));
    }
    rtp::RtpHeader header;
    header.payload_type = 0;
    header.sequence = static_cast<std::uint16_t>(1000 + i);
    header.timestamp = static_cast<std::uint32_t>(160 * i);
    header.ssrc = 0xbad;
    const auto length = rtp::build_rtp(header, payload, packet);
    ASSERT_TRUE(length);
    const auto to = bob_->local_address();
    stranger.writeDatagram(reinterpret_cast<const char*>(packet.data()),
                           static_cast<qint64>(*length), QHostAddress::LocalHost, to.port);
    ++sent;
    run(10ms);
  }
  run(100ms);
  const MediaStats stats = bob_->stats();
  alice_->stop();
  bob_->stop();

  EXPECT_EQ(stats.packets_from_strangers_dropped, sent);
  const auto bob_heard = heard("bob_heard.wav");
  const auto tail = last_half_second(bob_heard);
  EXPECT_NEAR(at::dominant_frequency(tail, audio::kEngineRateHz, 200, 3500, 5), kAliceHz, 10);
  EXPECT_LT(at::power_at(tail, 3000.0, audio::kEngineRateHz),
            0.01 * at::power_at(tail, kAliceHz, audio::kEngineRateHz));
}

TEST_F(MediaSessionPair, HoldStopsOutgoingRtpButNotRtcpAndResumeRestartsIt) {
  const CodecCase c = opus_case();
  connect_both(c);
  run(500ms);
  ASSERT_GT(alice_->stats().packets_sent, 0U);

  // Bob put Alice on hold: his offer was sendonly, so Alice's answer is recvonly.
  ASSERT_TRUE(alice_->apply(towards(*bob_, c, sdp::Direction::recvonly)));
  ASSERT_TRUE(bob_->apply(towards(*alice_, c, sdp::Direction::sendonly)));
  const MediaStats held = alice_->stats();
  run(3s);
  const MediaStats after_hold = alice_->stats();
  EXPECT_EQ(after_hold.packets_sent, held.packets_sent);
  EXPECT_FALSE(after_hold.sending);
  EXPECT_GT(after_hold.rtcp_packets_sent, held.rtcp_packets_sent);
  EXPECT_FALSE(alice_->send_dtmf('1', 100ms)) << "no DTMF while we may not send";

  ASSERT_TRUE(alice_->apply(towards(*bob_, c)));
  ASSERT_TRUE(bob_->apply(towards(*alice_, c)));
  run(500ms);
  EXPECT_GT(alice_->stats().packets_sent, after_hold.packets_sent);
}

TEST_F(MediaSessionPair, DtmfDigitsSentByOneAreReceivedOnceEachByTheOther) {
  connect_both(opus_case());
  QString digits;
  QObject::connect(bob_.get(), &MediaSession::dtmf_received, [&](QChar d) { digits += d; });
  run(200ms);
  EXPECT_TRUE(alice_->send_dtmf('5', 100ms));
  EXPECT_TRUE(alice_->send_dtmf('#', 100ms));
  EXPECT_FALSE(alice_->send_dtmf('x', 100ms));
  run(1s);
  EXPECT_EQ(digits, QStringLiteral("5#"));
  EXPECT_EQ(alice_->stats().telephone_events_sent, 2U);
  EXPECT_EQ(bob_->stats().telephone_events_received, 2U);
}

TEST_F(MediaSessionPair, SendDtmfIsRefusedWhenTelephoneEventWasNotNegotiated) {
  auto media = towards(*bob_, pcmu_case());
  media.telephone_event_payload_type.reset();
  ASSERT_TRUE(alice_->apply(media));
  EXPECT_FALSE(alice_->send_dtmf('5', 100ms));
  auto opus_with_8k_events = towards(*bob_, opus_case());
  opus_with_8k_events.telephone_event_clock_rate = 8000;
  ASSERT_TRUE(alice_->apply(opus_with_8k_events));
  EXPECT_FALSE(alice_->send_dtmf('5', 100ms));
}

TEST_F(MediaSessionPair, RtcpReportsCarryLossJitterAndRoundTripIntoStats) {
  connect_both(pcmu_case());
  run(4s);
  const MediaStats alice = alice_->stats();
  EXPECT_GT(alice.rtcp_packets_sent, 0U);
  EXPECT_GT(alice.rtcp_packets_received, 0U);
  EXPECT_GT(alice.remote_reports_received, 0U);
  EXPECT_GT(alice.round_trip_time_measurements, 0U);
  EXPECT_EQ(alice.remote_packets_lost, 0);
  EXPECT_EQ(alice.inbound_packets_lost, 0);
  // Loopback on a fake clock: packets arrive in the step they were sent.
  EXPECT_LT(alice.round_trip_time_s, 0.05);
  EXPECT_GT(alice.jitter_buffer.packets_received, 0U);
  EXPECT_EQ(alice.codec, "PCMU/8000");
}

TEST_F(MediaSessionPair, FirstPacketAndMediaTimeoutAreSignalled) {
  int first = 0;
  int timeouts = 0;
  QObject::connect(bob_.get(), &MediaSession::first_packet_received, [&] { ++first; });
  QObject::connect(bob_.get(), &MediaSession::media_timeout, [&] { ++timeouts; });
  connect_both(pcmu_case());
  run(200ms);
  EXPECT_EQ(first, 1);
  alice_->stop();  // Alice's side goes silent (her BYE is the last thing Bob hears)
  for (int i = 0; i < 31 * 4; ++i) {
    clock_.advance(250ms);
    bob_->run_due_work();
    QCoreApplication::processEvents();
  }
  EXPECT_EQ(timeouts, 1);
}

TEST_F(MediaSessionPair, MuteSendsSilenceWithoutStoppingTheStream) {
  connect_both(opus_case());
  run(500ms);
  alice_->set_muted(true);
  EXPECT_TRUE(alice_->muted());
  const auto before = alice_->stats().packets_sent;
  run(1s);
  const MediaStats muted = alice_->stats();
  alice_->stop();
  bob_->stop();
  EXPECT_TRUE(muted.muted);
  EXPECT_GE(muted.packets_sent - before, 45U) << "the RTP stream goes on (no DTX)";
  const auto bob_heard = heard("bob_heard.wav");
  EXPECT_LT(at::rms(last_half_second(bob_heard)), 100.0);
}

TEST_F(MediaSessionPair, CodecChangeOnReInviteKeepsTheAudioFlowing) {
  connect_both(pcmu_case());
  run(500ms);
  connect_both(opus_case());
  run(1s);
  const MediaStats bob = bob_->stats();
  alice_->stop();
  bob_->stop();
  EXPECT_EQ(bob.codec, "opus/48000/2");
  const auto bob_heard = heard("bob_heard.wav");
  const auto tail = last_half_second(bob_heard);
  EXPECT_GT(at::rms(tail), 1000.0);
  EXPECT_NEAR(at::dominant_frequency(tail, audio::kEngineRateHz, 200, 3000, 5), kAliceHz, 10);
}

TEST_F(MediaSessionPair, ReInviteToANewAddressMovesMediaAndTheOldPeerBecomesAStranger) {
  connect_both(pcmu_case());
  run(300ms);
  // Carol takes over (a transfer, or the relay moved the call): Alice now talks to her.
  auto carol = open_session("bob_in.wav", "carol_heard.wav");
  ASSERT_TRUE(carol);
  ASSERT_TRUE(carol->apply(towards(*alice_, pcmu_case())));
  ASSERT_TRUE(alice_->apply(towards(*carol, pcmu_case())));
  const auto strangers_before = alice_->stats().packets_from_strangers_dropped;
  const auto bob_received_before = bob_->stats().packets_received;
  for (int i = 0; i < 50; ++i) {
    run(10ms);
    carol->run_due_work();
  }
  EXPECT_GT(carol->stats().packets_received, 20U);
  EXPECT_GT(alice_->stats().packets_from_strangers_dropped, strangers_before + 20U)
      << "Bob still sends to Alice, and is no longer heard";
  EXPECT_EQ(bob_->stats().packets_received, bob_received_before);
}

TEST_F(MediaSessionPair, WithoutRtcpMuxRtcpGoesToPortPlusOneFromTheOneSocket) {
  // The peer is two plain sockets on an even port and the next one (RFC 3550 §11).
  QUdpSocket rtp_socket;
  QUdpSocket rtcp_socket;
  quint16 port = 0;
  for (quint16 candidate = 42000; candidate < 42400 && port == 0; candidate += 2) {
    if (rtp_socket.bind(QHostAddress::LocalHost, candidate) &&
        rtcp_socket.bind(QHostAddress::LocalHost, static_cast<quint16>(candidate + 1))) {
      port = candidate;
    } else {
      rtp_socket.close();
      rtcp_socket.close();
    }
  }
  ASSERT_NE(port, 0);
  auto media = towards(*bob_, pcmu_case());
  media.remote = {"127.0.0.1", port};
  media.rtcp_mux = false;
  ASSERT_TRUE(alice_->apply(media));
  run(4s);
  const quint16 alice_port = alice_->local_address().port;
  int rtp_packets = 0;
  int rtcp_packets = 0;
  std::array<char, 2048> buffer{};
  QHostAddress from;
  quint16 from_port = 0;
  while (rtp_socket.hasPendingDatagrams()) {
    const auto n = rtp_socket.readDatagram(buffer.data(), buffer.size(), &from, &from_port);
    if (n >= 12 && from_port == alice_port && static_cast<std::uint8_t>(buffer[1]) == 0) {
      ++rtp_packets;  // PCMU, marker clear
    }
  }
  while (rtcp_socket.hasPendingDatagrams()) {
    const auto n = rtcp_socket.readDatagram(buffer.data(), buffer.size(), &from, &from_port);
    const auto type = static_cast<std::uint8_t>(buffer[1]);
    if (n >= 8 && from_port == alice_port && (type == 200 || type == 201)) {
      ++rtcp_packets;
    }
  }
  EXPECT_GT(rtp_packets, 100);
  EXPECT_GT(rtcp_packets, 0);
}

TEST_F(MediaSessionPair, ApplyRefusesACodecOrAddressItCannotUse) {
  auto g722 = towards(*bob_, pcmu_case());
  g722.codec = {"G722", 9, 8000, 1, {}};
  const auto refused = alice_->apply(g722);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().detail.find("G722"), std::string::npos);
  auto hostname = towards(*bob_, pcmu_case());
  hostname.remote.address = "relay.example.org";
  EXPECT_FALSE(alice_->apply(hostname));
  run(100ms);
  EXPECT_EQ(alice_->stats().packets_sent, 0U) << "nothing starts on a refused apply()";
}

TEST(MediaSessionOpen, BindsAnEvenPortInTheConfiguredRange) {
  application();
  MediaSessionConfig config;
  config.bind_address = QHostAddress::LocalHost;
  config.port_min = 41001;
  config.port_max = 41099;
  config.device = std::make_unique<audio::NullDevice>();
  config.run_timer = false;
  auto session = MediaSession::open(std::move(config));
  ASSERT_TRUE(session) << session.error().describe();
  const auto local = (*session)->local_address();
  EXPECT_EQ(local.address, "127.0.0.1");
  EXPECT_EQ(local.port % 2, 0);
  EXPECT_GE(local.port, 41002);
  EXPECT_LE(local.port, 41098);
}

}  // namespace
}  // namespace tipring::client
