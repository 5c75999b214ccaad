// Phone, Account and Call on the Qt event loop: two accounts on loopback (no registrar,
// media as SilentMedia) call each other through real UDP sockets, and the QObject API —
// properties, slots and signals — says what happened.
#include "client/phone/phone.h"

#include "client/phone/silent_media.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <gtest/gtest.h>

namespace tipring::client {
namespace {

// Runs the event loop until `done` holds or `limit_ms` passes (a bound, not a timing).
template <class Predicate>
bool spin_until(Predicate done, int limit_ms = 5000) {
  QElapsedTimer clock;
  clock.start();
  while (!done() && clock.elapsed() < limit_ms) {
    QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
  }
  return done();
}

CallMediaFactory silent() {
  return [] { return SilentMedia::open(QHostAddress::LocalHost); };
}

AccountSettings peer(const QString& user) {
  AccountSettings s;
  s.aor = user + QStringLiteral("@127.0.0.1");
  s.bind_address = QHostAddress::LocalHost;
  s.register_account = false;
  s.keepalive_s = 0;
  return s;
}

class PhoneTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    static int argc = 1;
    static char name[] = "client_phone_test";
    static char* argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv);
  }

  void SetUp() override {
    alice = alice_phone.addAccount(peer("alice"));
    bob = bob_phone.addAccount(peer("bob"));
    ASSERT_NE(alice, nullptr);
    ASSERT_NE(bob, nullptr);
    QObject::connect(&bob_phone, &Phone::incomingCall, [this](Call* call) { ringing = call; });
  }

  Call* call_bob() {
    const QString target = QStringLiteral("sip:bob@") + bob->localAddress();
    QString error;
    Call* call = alice->call(target, &error);
    EXPECT_NE(call, nullptr) << error.toStdString();
    EXPECT_TRUE(spin_until([this] { return ringing != nullptr; }));
    return call;
  }

  Phone alice_phone{silent()};
  Phone bob_phone{silent()};
  Account* alice = nullptr;
  Account* bob = nullptr;
  Call* ringing = nullptr;
};

TEST_F(PhoneTest, CallIsAnsweredAndBothCallObjectsReportActiveWithMediaApplied) {
  Call* outgoing = call_bob();
  ASSERT_NE(ringing, nullptr);
  EXPECT_EQ(ringing->state(), "incoming");
  EXPECT_EQ(ringing->direction(), "incoming");
  EXPECT_TRUE(spin_until([&] { return outgoing->state() == "ringing"; }));

  bool answered = false;
  QObject::connect(outgoing, &Call::answered, [&] { answered = true; });
  ringing->answer();
  ASSERT_TRUE(spin_until([&] { return answered; }));
  EXPECT_EQ(outgoing->state(), "active");
  EXPECT_EQ(ringing->state(), "active");
  const auto* media = dynamic_cast<const SilentMedia*>(outgoing->media());
  ASSERT_NE(media, nullptr);
  EXPECT_EQ(media->applied_count(), 1);
  EXPECT_EQ(media->last_applied().remote,
            dynamic_cast<const SilentMedia*>(ringing->media())->local_address());
  EXPECT_EQ(bob_phone.liveCallCount(), 1);
}

TEST_F(PhoneTest, HoldResumeDtmfAndHangupTravelAsSignals) {
  Call* outgoing = call_bob();
  ringing->answer();
  ASSERT_TRUE(spin_until([&] { return outgoing->state() == "active"; }));

  outgoing->hold();
  ASSERT_TRUE(spin_until([&] { return ringing->remoteHeld(); }));
  EXPECT_TRUE(outgoing->held());
  outgoing->resume();
  ASSERT_TRUE(spin_until([&] { return !ringing->remoteHeld(); }));

  QString digits;
  QObject::connect(ringing, &Call::dtmfReceived, [&](const QString& d) { digits += d; });
  outgoing->sendDtmf(QStringLiteral("42#"));  // no telephone-event here: SIP INFO
  ASSERT_TRUE(spin_until([&] { return digits.size() == 3; }));
  EXPECT_EQ(digits, "42#");

  QString reason;
  QObject::connect(ringing, &Call::ended, [&](const QString& r) { reason = r; });
  outgoing->hangup();
  ASSERT_TRUE(spin_until([&] { return !reason.isEmpty(); }));
  EXPECT_EQ(reason, "remote hung up");
  EXPECT_EQ(outgoing->endReason(), "hung up");
  EXPECT_EQ(bob_phone.liveCallCount(), 0);
  EXPECT_EQ(bob_phone.calls().size(), 1) << "the ended call stays as history";
}

TEST_F(PhoneTest, RejectedCallEndsBusyOnTheCallersSide) {
  Call* outgoing = call_bob();
  ringing->reject(486);
  ASSERT_TRUE(spin_until([&] { return outgoing->isEnded(); }));
  EXPECT_EQ(outgoing->endReason(), "busy");
  EXPECT_EQ(outgoing->record().end_status, 486);
}

TEST_F(PhoneTest, UnresolvableTargetIsRefusedWithAReason) {
  QString error;
  EXPECT_EQ(alice->call(QStringLiteral("bob smith"), &error), nullptr);
  EXPECT_FALSE(error.isEmpty());
}

}  // namespace
}  // namespace tipring::client
