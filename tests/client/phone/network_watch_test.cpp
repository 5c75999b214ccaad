// The system network watch on a real interface change: the test moves itself into a network
// namespace of its own (root; skipped otherwise), adds a veth pair there, and gives it an
// address from 198.18.0.0/15. SystemNetworkWatch, polling the interfaces, must notice, and
// an Account watching it must register again at once from a fresh UDP flow, against a
// registrar on the namespace's loopback. (The QNetworkInformation backends, NetworkManager
// and GLib, need a desktop session that the test machine does not run.)
#include "client/phone/network_watch.h"

#include "client/phone/account.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkDatagram>
#include <QProcess>
#include <QUdpSocket>

#include <gtest/gtest.h>
#include <sched.h>

namespace tipring::client {
namespace {

using namespace std::chrono_literals;

bool in_own_namespace = false;
std::string namespace_problem;

template <class Predicate>
bool spin_until(Predicate done, int limit_ms = 8000) {
  QElapsedTimer clock;
  clock.start();
  while (!done() && clock.elapsed() < limit_ms) {
    QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
  }
  return done();
}

// `ip` in the namespace (a child process inherits it); the output when it fails.
std::string ip(const QStringList& args) {
  QProcess p;
  p.start(QStringLiteral("ip"), args);
  if (!p.waitForFinished(10000) || p.exitCode() != 0) {
    return "ip " + args.join(' ').toStdString() + ": " + p.readAllStandardError().toStdString();
  }
  return {};
}

class NetworkWatchTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    // Before any Qt thread exists: the namespace belongs to this thread and what it starts.
    if (::unshare(CLONE_NEWNET) != 0) {
      namespace_problem = "cannot create a network namespace (needs root)";
    } else {
      in_own_namespace = true;
      // No IPv6 link-local addresses appearing on their own: the only change is the test's.
      for (const char* path : {"/proc/sys/net/ipv6/conf/all/disable_ipv6",
                               "/proc/sys/net/ipv6/conf/default/disable_ipv6"}) {
        QFile knob(QString::fromLatin1(path));
        if (knob.open(QIODevice::WriteOnly)) {
          knob.write("1\n");
        }
      }
      for (const QStringList& args :
           {QStringList{"link", "set", "lo", "up"},
            QStringList{"link", "add", "tw0", "type", "veth", "peer", "name", "tw1"},
            QStringList{"link", "set", "tw0", "up"}, QStringList{"link", "set", "tw1", "up"}}) {
        if (namespace_problem = ip(args); !namespace_problem.empty()) {
          break;
        }
      }
    }
    static int argc = 1;
    static char name[] = "client_network_watch_test";
    static char* argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv);
  }

  void SetUp() override {
    if (!in_own_namespace || !namespace_problem.empty()) {
      GTEST_SKIP() << namespace_problem;
    }
  }
};

TEST_F(NetworkWatchTest, AnAddressAddedToAnInterfaceIsAChange) {
  SystemNetworkWatch watch(SystemNetworkWatch::Mode::poll, 50ms);
  QStringList changes;
  QObject::connect(&watch, &NetworkChangeSource::changed,
                   [&](const QString& why) { changes << why; });
  ASSERT_EQ(ip({"addr", "add", "198.18.7.1/24", "dev", "tw0"}), "");
  ASSERT_TRUE(spin_until([&] { return !changes.isEmpty(); }));
  EXPECT_EQ(changes.front(), "local addresses changed");
  ASSERT_EQ(ip({"addr", "del", "198.18.7.1/24", "dev", "tw0"}), "");
  ASSERT_TRUE(spin_until([&] { return changes.size() >= 2; })) << "removal is a change too";
}

TEST_F(NetworkWatchTest, AccountRegistersAgainFromAFreshFlowWhenTheInterfacesChange) {
  QUdpSocket registrar;
  ASSERT_TRUE(registrar.bind(QHostAddress::LocalHost, 0));
  std::vector<quint16> register_ports;
  QObject::connect(&registrar, &QUdpSocket::readyRead, [&] {
    while (registrar.hasPendingDatagrams()) {
      const QNetworkDatagram d = registrar.receiveDatagram();
      auto m = sip::Message::parse(d.data().toStdString());
      if (!m || !m->is_request() || m->method() != sip::Method::Register) {
        continue;
      }
      register_ports.push_back(static_cast<quint16>(d.senderPort()));
      sip::Message ok = sip::make_response(*m, 200, {}, "reg");
      ok.add_header(sip::HeaderId::Contact,
                    std::string(*m->find(sip::HeaderId::Contact)) + ";expires=600");
      const std::string text = ok.serialize();
      registrar.writeDatagram(text.data(), static_cast<qint64>(text.size()), d.senderAddress(),
                              static_cast<quint16>(d.senderPort()));
    }
  });
  AccountSettings s;
  s.aor = QStringLiteral("alice@127.0.0.1");
  s.proxy = QStringLiteral("sip:127.0.0.1:%1").arg(registrar.localPort());
  s.keepalive_s = 0;
  auto account = Account::open(s, CallMediaFactory{});
  ASSERT_TRUE(account) << account.error().describe();
  (*account)->set_network_change_source(
      std::make_unique<SystemNetworkWatch>(SystemNetworkWatch::Mode::poll, 50ms));
  QStringList renewed;
  QObject::connect(account->get(), &Account::flowRenewed,
                   [&](const QString& why) { renewed << why; });
  (*account)->start();
  ASSERT_TRUE(spin_until([&] { return (*account)->isRegistered(); }));
  ASSERT_EQ(register_ports.size(), 1U);

  ASSERT_EQ(ip({"addr", "add", "198.18.7.2/24", "dev", "tw0"}), "");
  ASSERT_TRUE(spin_until([&] { return register_ports.size() >= 2; }));
  EXPECT_EQ(renewed, QStringList{"local addresses changed"});
  EXPECT_NE(register_ports[1], register_ports[0]) << "a fresh flow: a new socket and port";
  EXPECT_TRUE((*account)->isRegistered());
  ASSERT_EQ(ip({"addr", "del", "198.18.7.2/24", "dev", "tw0"}), "");
}

}  // namespace
}  // namespace tipring::client
