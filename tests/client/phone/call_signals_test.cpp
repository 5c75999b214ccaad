// Call's signals follow every transition of its session, in order, even when several
// responses are read in one batch: a callee that sends 180 and 200 back to back (as one
// that answers at once does, seen through a loaded relay) must still produce "ringing"
// before "answered". The callee here is a bare UDP socket on loopback that writes both
// responses before the caller's event loop runs, so the caller reads them together.
#include "client/phone/account.h"
#include "client/phone/call.h"
#include "client/phone/silent_media.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QNetworkDatagram>

#include <gtest/gtest.h>

namespace tipring::client {
namespace {

template <class Predicate>
bool spin_until(Predicate done, int limit_ms = 5000) {
  QElapsedTimer clock;
  clock.start();
  while (!done() && clock.elapsed() < limit_ms) {
    QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
  }
  return done();
}

void send(QUdpSocket& socket, const sip::Message& m, const QNetworkDatagram& to) {
  const std::string text = m.serialize();
  socket.writeDatagram(text.data(), static_cast<qint64>(text.size()), to.senderAddress(),
                       static_cast<quint16>(to.senderPort()));
}

// Answers an INVITE with the given provisional responses and a 200 with an SDP answer, all
// written in one go; answers BYE with 200.
class InstantCallee {
public:
  explicit InstantCallee(std::vector<int> provisional) : provisional_(std::move(provisional)) {
    EXPECT_TRUE(socket.bind(QHostAddress::LocalHost, 0));
    QObject::connect(&socket, &QUdpSocket::readyRead, [this] { on_read(); });
  }

  QUdpSocket socket;
  std::vector<sip::Method> seen;

private:
  void on_read() {
    while (socket.hasPendingDatagrams()) {
      const QNetworkDatagram d = socket.receiveDatagram();
      auto m = sip::Message::parse(d.data().toStdString());
      if (!m || !m->is_request()) {
        continue;
      }
      seen.push_back(m->method());
      if (m->method() == sip::Method::Invite) {
        answer(*m, d);
      } else if (m->method() == sip::Method::Bye) {
        send(socket, sip::make_response(*m, 200), d);
      }
    }
  }

  void answer(const sip::Message& invite, const QNetworkDatagram& d) {
    const std::string contact = "<sip:bob@127.0.0.1:" + std::to_string(socket.localPort()) + ">";
    for (const int code : provisional_) {
      sip::Message r = sip::make_response(invite, code, {}, code == 100 ? "" : "bob");
      r.add_header(sip::HeaderId::Contact, contact);
      send(socket, r, d);
    }
    sdp::LocalCapabilities caps;
    caps.codecs.push_back(sdp::pcmu_codec());
    auto offer = sdp::parse(invite.body());
    ASSERT_TRUE(offer);
    auto answer = sdp::make_answer(*offer, caps, sdp::MediaAddress{"127.0.0.1", 40000});
    ASSERT_TRUE(answer);
    sip::Message ok = sip::make_response(invite, 200, {}, "bob");
    ok.add_header(sip::HeaderId::Contact, contact);
    ok.set_body(sdp::serialize(answer->sdp), "application/sdp");
    send(socket, ok, d);
  }

  std::vector<int> provisional_;
};

class CallSignalsTest : public ::testing::TestWithParam<std::vector<int>> {
protected:
  static void SetUpTestSuite() {
    static int argc = 1;
    static char name[] = "client_call_signals_test";
    static char* argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv);
  }
};

TEST_P(CallSignalsTest, RingingAndAnsweredReadInOneBatchAreBothSignalledInOrder) {
  InstantCallee callee(GetParam());
  AccountSettings s;
  s.aor = QStringLiteral("alice@127.0.0.1");
  s.bind_address = QHostAddress::LocalHost;
  s.register_account = false;
  s.watch_network = false;
  s.keepalive_s = 0;
  s.codecs = {QStringLiteral("PCMU")};
  auto account = Account::open(s, [] { return SilentMedia::open(QHostAddress::LocalHost); });
  ASSERT_TRUE(account) << account.error().describe();
  (*account)->start();

  QString error;
  Call* call = (*account)->call(
      QStringLiteral("sip:bob@127.0.0.1:%1").arg(callee.socket.localPort()), &error);
  ASSERT_NE(call, nullptr) << error.toStdString();
  QStringList signalled;
  QObject::connect(call, &Call::ringing, [&] { signalled << QStringLiteral("ringing"); });
  QObject::connect(call, &Call::answered, [&] { signalled << QStringLiteral("answered"); });
  QStringList states;
  QObject::connect(call, &Call::stateChanged, [&](const QString& state) { states << state; });

  ASSERT_TRUE(spin_until([&] { return signalled.contains(QStringLiteral("answered")); }));
  EXPECT_EQ(signalled, (QStringList{"ringing", "answered"}));
  EXPECT_EQ(states, (QStringList{"ringing", "active"}));
  EXPECT_EQ(call->state(), "active");
  EXPECT_TRUE(spin_until(
      [&] { return std::count(callee.seen.begin(), callee.seen.end(), sip::Method::Ack) == 1; }));

  call->hangup();
  ASSERT_TRUE(spin_until([&] { return call->isEnded(); }));
  EXPECT_EQ(call->endReason(), "hung up");
}

INSTANTIATE_TEST_SUITE_P(ProvisionalResponses, CallSignalsTest,
                         ::testing::Values(std::vector<int>{180}, std::vector<int>{100, 180}));

}  // namespace
}  // namespace tipring::client
