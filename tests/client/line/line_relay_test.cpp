// Issue 7's end-to-end line test: two emulated telephones on two lines (LinePort + the ATA
// logic), each line registered as an account with a real tipring-relay process on loopback.
// A lifts the handset and hears dial tone, dials B's number by DTMF, B's telephone rings with
// the cadence and shows A's caller ID decoded from the FSK by the telephone itself, B answers,
// a tone from each handset microphone arrives at the other earpiece through the relay, keys
// pressed on either telephone during the call reach the other call as RFC 4733 events and
// play in the other earpiece as DTMF (once: the tone is kept off the in-band path), A hangs
// up, B's line opens the loop (B's telephone sees its loop current drop) and gives reorder,
// B hangs up, lifts again and hears dial tone. Handset audio goes through
// audio::AudioDevice, the interface PortAudio sits behind in the product.
#include "audio/dsp/resampler.h"
#include "client/line/emulated_telephone.h"
#include "client/line/line_port.h"
#include "client/phone/phone.h"
#include "pots/dtmf/dtmf_detector.h"
#include "pots/tones/progress_tone_detector.h"
#include "relay_process.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include <gtest/gtest.h>

namespace tipring::client {
namespace {

using test::RelayProcess;
using test::spin_until;

void spin_for(int ms) {
  spin_until([] { return false; }, ms);
}

// A handset as the telephone's audio device: the microphone plays a sine (or silence), the
// earpiece records everything it is given. Both run on the test's thread.
class TestHandset final : public audio::AudioDevice {
public:
  struct Shared {
    double mic_hz = 0.0;
    std::vector<std::int16_t> earpiece;  // 48 kHz
  };
  explicit TestHandset(Shared& shared) : shared_(shared) {}

  tl::expected<void, Error> start() override { return {}; }
  void stop() override {}
  std::size_t read_capture(std::span<std::int16_t> out) override {
    for (auto& s : out) {
      s = shared_.mic_hz > 0 ? static_cast<std::int16_t>(6000.0 * std::sin(phase_)) : 0;
      phase_ = std::fmod(phase_ + 2 * std::numbers::pi * shared_.mic_hz / audio::kEngineRateHz,
                         2 * std::numbers::pi);
    }
    return out.size();
  }
  std::size_t write_playout(std::span<const std::int16_t> in) override {
    shared_.earpiece.insert(shared_.earpiece.end(), in.begin(), in.end());
    return in.size();
  }
  std::size_t playout_queued() const override { return 0; }
  bool output_is_loudspeaker() const override { return false; }

private:
  Shared& shared_;
  double phase_ = 0.0;
};

// The earpiece from sample `from` on, back at 8 kHz, through the tone plan's detector.
std::optional<pots::ProgressTone> heard(const TestHandset::Shared& handset, std::size_t from) {
  auto down = audio::Resampler::create(audio::kEngineRateHz, pots::kSampleRateHz);
  if (!down) {
    return std::nullopt;
  }
  std::span<const std::int16_t> in(handset.earpiece);
  in = in.subspan(std::min(from, in.size()));
  std::vector<std::int16_t> out(down->output_for(in.size()) + 16);
  const auto done = down->process(in, out);
  out.resize(done.produced);
  pots::ProgressToneDetector detector(*pots::find_tone_plan("US"));
  std::vector<pots::ProgressToneEvent> events;
  detector.process(out, events);
  return detector.current();
}

// The DTMF keys in the earpiece from sample `from` on, as a listener's detector finds them.
std::string keys_heard(const TestHandset::Shared& handset, std::size_t from) {
  auto down = audio::Resampler::create(audio::kEngineRateHz, pots::kSampleRateHz);
  if (!down) {
    return "?";
  }
  std::span<const std::int16_t> in(handset.earpiece);
  in = in.subspan(std::min(from, in.size()));
  std::vector<std::int16_t> out(down->output_for(in.size()) + 16);
  const auto done = down->process(in, out);
  out.resize(done.produced);
  pots::DtmfDetector detector;
  std::vector<pots::DtmfDigit> digits;
  detector.process(out, digits);
  std::string keys;
  for (const auto& d : digits) {
    keys += d.key;
  }
  return keys;
}

// The digits a line's call received as events (RFC 4733 or INFO), in order, for as long as
// `scope` lives.
void collect_digits(Account& account, std::string& into, const QObject& scope) {
  for (Call* call : account.calls()) {
    if (!call->isEnded()) {
      QObject::connect(call, &Call::dtmfReceived, &scope,
                       [&into](const QString& digit) { into += digit.toStdString(); });
    }
  }
}

// The media stats of an account's live calls, for a failure message.
std::string media_stats(const Account& account) {
  std::string out;
  for (const Call* call : account.calls()) {
    if (!call->isEnded()) {
      out += QJsonDocument(call->stats()).toJson(QJsonDocument::Compact).toStdString();
    }
  }
  return out;
}

// Share of the power of the earpiece's last `ms` at `hz` (Goertzel over the whole span).
double tone_share(const TestHandset::Shared& handset, double hz, int ms) {
  const std::size_t n = static_cast<std::size_t>(ms) * audio::kEngineRateHz / 1000;
  if (handset.earpiece.size() < n) {
    return 0.0;
  }
  std::span<const std::int16_t> x(handset.earpiece);
  x = x.last(n);
  const double w = 2 * std::numbers::pi * hz / audio::kEngineRateHz;
  double s1 = 0;
  double s2 = 0;
  double total = 0;
  for (const auto v : x) {
    const double s = v + 2 * std::cos(w) * s1 - s2;
    s2 = s1;
    s1 = s;
    total += static_cast<double>(v) * v;
  }
  const double bin = s1 * s1 + s2 * s2 - 2 * std::cos(w) * s1 * s2;
  // A pure sine puts n/2 * total into the bin.
  return total > 0 ? bin / (static_cast<double>(n) / 2 * total) : 0.0;
}

// Lets the earpiece record `ms` more of the line (the event loop may be starved on a busy
// machine, so this counts samples rather than wall time; bounded at three times that).
void record_earpiece(const TestHandset::Shared& handset, std::size_t from, int ms) {
  const std::size_t want = static_cast<std::size_t>(ms) * audio::kEngineRateHz / 1000;
  spin_until([&] { return handset.earpiece.size() - from >= want; }, 3 * ms);
}

struct Line {
  std::shared_ptr<LinePort::MediaFactory> media =
      std::make_shared<LinePort::MediaFactory>(QHostAddress::LocalHost);
  Phone phone{LinePort::MediaFactory::factory(media)};
  Account* account = nullptr;
  std::unique_ptr<LinePort> port;
  TestHandset::Shared handset;
  std::unique_ptr<EmulatedTelephone> telephone;
};

class LineRelayTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    static int argc = 1;
    static char name[] = "client_line_relay_test";
    static char* argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv);
  }

  void SetUp() override { ASSERT_NO_FATAL_FAILURE(relay_.start({"1001", "1002"})); }

  void TearDown() override {
    for (Line* line : {&a_, &b_}) {
      line->telephone.reset();
      line->port.reset();
      line->phone.shutdown();
    }
    spin_for(200);
    relay_.stop();
  }

  void open_line(Line& line, const QString& user, const QString& display_name) {
    AccountSettings s;
    s.aor = user + QStringLiteral("@tipring.test");
    s.auth_user = user;
    s.password = user + QStringLiteral("-secret");
    s.display_name = display_name;
    s.proxy = relay_.proxy();
    s.bind_address = QHostAddress::LocalHost;
    QString error;
    line.account = line.phone.addAccount(s, &error);
    ASSERT_NE(line.account, nullptr) << error.toStdString();
    ASSERT_TRUE(spin_until([&] { return line.account->isRegistered(); }, 10000))
        << line.account->reason().toStdString();
    pots::LineControllerSettings settings;
    settings.plan = *pots::find_tone_plan("US");
    settings.digit_map = "(911|1xxx|[2-9]x.T)";
    line.port = std::make_unique<LinePort>(*line.account, line.media, settings);
    auto telephone =
        EmulatedTelephone::create(*line.port, std::make_unique<TestHandset>(line.handset));
    ASSERT_TRUE(telephone) << telephone.error().describe();
    line.telephone = std::move(*telephone);
  }

  RelayProcess relay_;
  Line a_;
  Line b_;
};

TEST_F(LineRelayTest, TwoTelephonesCallEachOtherThroughTheRelayLikeOnAnAnalogLine) {
  open_line(a_, QStringLiteral("1001"), QStringLiteral("ALICE"));
  open_line(b_, QStringLiteral("1002"), QStringLiteral("BOB"));
  if (HasFatalFailure()) {
    return;
  }
  const auto& phone_b = b_.telephone->telephone();

  // A: off-hook, dial tone in the earpiece.
  std::size_t mark = a_.handset.earpiece.size();
  a_.telephone->liftHandset();
  record_earpiece(a_.handset, mark, 1500);
  EXPECT_EQ(heard(a_.handset, mark), pots::ProgressTone::kDial);

  // A dials B by DTMF; B's line rings with the US cadence and B's display decodes A.
  a_.telephone->pressKeys(QStringLiteral("1002"));
  ASSERT_TRUE(spin_until([&] { return b_.port->state() == pots::LineState::kRinging; }, 10000))
      << "A's line: " << pots::line_state_name(a_.port->state());
  mark = a_.handset.earpiece.size();  // A hears ringback from here on
  ASSERT_TRUE(spin_until([&] { return phone_b.rings() >= 1; }, 2000));
  ASSERT_TRUE(spin_until([&] { return phone_b.display().has_value(); }, 6000));
  EXPECT_EQ(phone_b.rings(), 1) << "caller ID between the first and second ring";
  EXPECT_EQ(phone_b.display()->number, "1001");
  EXPECT_EQ(phone_b.display()->name, "ALICE");
  EXPECT_EQ(phone_b.caller_id_errors(), 0);
  ASSERT_TRUE(spin_until([&] { return phone_b.rings() >= 3; }, 14000)) << "2 s on, 4 s off";
  // Two whole ringback cycles (2 s on, 4 s off) let the detector tell it from busy/reorder.
  record_earpiece(a_.handset, mark, 13000);
  EXPECT_EQ(a_.port->state(), pots::LineState::kRingback);
  EXPECT_EQ(heard(a_.handset, mark), pots::ProgressTone::kRingback);

  // B answers (ring trip); both lines talk.
  b_.telephone->liftHandset();
  ASSERT_TRUE(spin_until(
      [&] {
        return a_.port->state() == pots::LineState::kTalking &&
               b_.port->state() == pots::LineState::kTalking;
      },
      5000));
  EXPECT_FALSE(phone_b.ringing());

  // Audio both ways: 1000 Hz from A's microphone, 1700 Hz from B's.
  a_.handset.mic_hz = 1000.0;
  b_.handset.mic_hz = 1700.0;
  // Once both media paths have settled (jitter buffers, the relay's latching), a whole
  // second of each earpiece is the other side's tone and none of its own. Judged at the
  // moment both hold rather than a fixed time later: on a loaded machine (ASan, a shared
  // CI host) the event loop may stall and a later second can carry a concealed gap.
  const bool both_ways = spin_until(
      [&] {
        return tone_share(b_.handset, 1000.0, 1000) > 0.5 &&
               tone_share(a_.handset, 1700.0, 1000) > 0.5;
      },
      10000);
  EXPECT_TRUE(both_ways) << "B's earpiece hears A: " << tone_share(b_.handset, 1000.0, 1000)
                         << ", A's earpiece hears B: " << tone_share(a_.handset, 1700.0, 1000)
                         << "\nA's media: " << media_stats(*a_.account)
                         << "\nB's media: " << media_stats(*b_.account);
  EXPECT_LT(tone_share(b_.handset, 1700.0, 1000), 0.05) << "B does not hear itself";
  EXPECT_LT(tone_share(a_.handset, 1000.0, 1000), 0.05) << "A does not hear itself";
  a_.handset.mic_hz = 0.0;
  b_.handset.mic_hz = 0.0;

  // Keys during the call: events to the other call, DTMF in the other earpiece, once.
  std::string a_received;
  std::string b_received;
  const QObject digits_scope;
  collect_digits(*a_.account, a_received, digits_scope);
  collect_digits(*b_.account, b_received, digits_scope);
  std::size_t b_mark = b_.handset.earpiece.size();
  a_.telephone->pressKeys(QStringLiteral("159#"));
  EXPECT_TRUE(spin_until([&] { return b_received.size() >= 4; }, 5000)) << b_received;
  record_earpiece(b_.handset, b_mark, 1500);
  EXPECT_EQ(b_received, "159#") << "B's call got A's digits as events";
  // Exactly: A's line blanks each keypad tone whole from the call's in-band audio (it used to
  // leak the first ~16 ms, which B once heard as a key of its own: "1159#").
  EXPECT_EQ(keys_heard(b_.handset, b_mark), "159#") << "B hears each of A's digits once";
  std::size_t a_mark = a_.handset.earpiece.size();
  b_.telephone->pressKeys(QStringLiteral("*0D"));
  EXPECT_TRUE(spin_until([&] { return a_received.size() >= 3; }, 5000)) << a_received;
  record_earpiece(a_.handset, a_mark, 1500);
  EXPECT_EQ(a_received, "*0D") << "A's call got B's digits as events";
  EXPECT_EQ(keys_heard(a_.handset, a_mark), "*0D") << "A hears each of B's digits once";

  // A hangs up: B's line opens the loop, then gives reorder.
  a_.telephone->hangUp();
  // (The open loop lasts 800 ms: the telephone's counter is the robust witness of it, not
  // a poll of the line's state.)
  ASSERT_TRUE(spin_until([&] { return phone_b.loop_current_drops() == 1; }, 5000))
      << pots::line_state_name(b_.port->state());
  EXPECT_TRUE(phone_b.off_hook());
  ASSERT_TRUE(spin_until([&] { return b_.port->state() == pots::LineState::kReorder; }, 5000))
      << pots::line_state_name(b_.port->state());
  EXPECT_TRUE(phone_b.loop_current());
  mark = b_.handset.earpiece.size();
  record_earpiece(b_.handset, mark, 2500);
  EXPECT_EQ(heard(b_.handset, mark), pots::ProgressTone::kReorder);
  EXPECT_EQ(a_.port->state(), pots::LineState::kIdle);

  // B hangs up and lifts again: dial tone.
  b_.telephone->hangUp();
  // Once the break outlasts a flash (900 ms) the line sees a hang-up.
  ASSERT_TRUE(spin_until([&] { return b_.port->state() == pots::LineState::kIdle; }, 5000));
  mark = b_.handset.earpiece.size();
  b_.telephone->liftHandset();
  record_earpiece(b_.handset, mark, 1500);
  EXPECT_EQ(heard(b_.handset, mark), pots::ProgressTone::kDial);
  EXPECT_EQ(b_.port->state(), pots::LineState::kDialTone);
}

}  // namespace
}  // namespace tipring::client
