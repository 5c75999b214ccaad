// Account's SIP flow on the Qt event loop against registrars the test runs on loopback:
// a network change and a moved public address each open a fresh UDP flow and register
// from it at once; over TCP the account registers on its connection, reconnects when the
// server drops it, and says "connection refused" in words; TLS failures read as a person
// would say them.
#include "client/phone/account.h"
#include "protocol/sip/stream_framer.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QNetworkDatagram>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <algorithm>
#include <stdexcept>

#include <gtest/gtest.h>

namespace tipring::client {
namespace {

template <class Predicate>
bool spin_until(Predicate done, int limit_ms = 8000) {
  QElapsedTimer clock;
  clock.start();
  while (!done() && clock.elapsed() < limit_ms) {
    QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
  }
  return done();
}

struct Seen {
  sip::Method method = sip::Method::Register;
  quint16 source_port = 0;
  std::string via_transport;
  std::string contact;
};

// 200 to anything, with the top Via's received/rport set to what the registrar "sees".
std::string ok_for(const sip::Message& request, const std::string& host, quint16 port) {
  sip::Message ok = sip::make_response(request, 200, {}, "reg");
  if (request.method() == sip::Method::Register) {
    ok.add_header(sip::HeaderId::Contact,
                  std::string(*request.find(sip::HeaderId::Contact)) + ";expires=600");
  }
  auto via = request.top_via();
  via->set_received(host);
  via->set_rport(port);
  ok.set_header(sip::HeaderId::Via, via->to_string());
  return ok.serialize();
}

Seen seen_of(const sip::Message& m, quint16 port) {
  Seen s;
  s.method = m.method();
  s.source_port = port;
  s.via_transport = m.top_via()->transport;
  if (auto c = m.find(sip::HeaderId::Contact)) {
    s.contact = std::string(*c);
  }
  return s;
}

// A UDP registrar: answers REGISTER and OPTIONS 200; `shift_options_port` makes the next
// OPTIONS answer report a public port one above the real one (a NAT that rebound us).
class UdpRegistrar {
public:
  UdpRegistrar() {
    EXPECT_TRUE(socket.bind(QHostAddress::LocalHost, 0));
    QObject::connect(&socket, &QUdpSocket::readyRead, [this] {
      while (socket.hasPendingDatagrams()) {
        const QNetworkDatagram d = socket.receiveDatagram();
        auto m = sip::Message::parse(d.data().toStdString());
        if (!m || !m->is_request()) {
          continue;
        }
        seen.push_back(seen_of(*m, static_cast<quint16>(d.senderPort())));
        quint16 reported = static_cast<quint16>(d.senderPort());
        if (m->method() == sip::Method::Options && shift_options_port) {
          shift_options_port = false;
          reported = static_cast<quint16>(reported + 1);
        }
        const std::string reply = ok_for(*m, "127.0.0.1", reported);
        socket.writeDatagram(reply.data(), static_cast<qint64>(reply.size()), d.senderAddress(),
                             static_cast<quint16>(d.senderPort()));
      }
    });
  }
  [[nodiscard]] int registers() const {
    return static_cast<int>(std::count_if(
        seen.begin(), seen.end(), [](const Seen& s) { return s.method == sip::Method::Register; }));
  }
  [[nodiscard]] const Seen& register_at(int n) const {
    int i = 0;
    for (const Seen& s : seen) {
      if (s.method == sip::Method::Register && i++ == n) {
        return s;
      }
    }
    throw std::out_of_range("no such REGISTER");
  }

  QUdpSocket socket;
  std::vector<Seen> seen;
  bool shift_options_port = false;
};

class AccountFlowTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    static int argc = 1;
    static char name[] = "client_account_flow_test";
    static char* argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv);
  }

  static AccountSettings settings(quint16 port, sip::Transport transport = sip::Transport::udp) {
    AccountSettings s;
    s.aor = QStringLiteral("alice@127.0.0.1");
    s.proxy = QStringLiteral("sip:127.0.0.1:%1").arg(port);
    s.transport = transport;
    s.bind_address = QHostAddress::LocalHost;
    s.keepalive_s = 0;
    s.watch_network = false;
    return s;
  }

  static std::unique_ptr<Account> open(const AccountSettings& s) {
    auto account = Account::open(s, CallMediaFactory{});
    EXPECT_TRUE(account) << (account ? "" : account.error().describe());
    return account ? std::move(*account) : nullptr;
  }
};

TEST_F(AccountFlowTest, NetworkChangeRegistersAtOnceFromAFreshUdpFlow) {
  UdpRegistrar registrar;
  auto account = open(settings(registrar.socket.localPort()));
  ASSERT_TRUE(account);
  auto source = std::make_unique<NetworkChangeSource>();
  NetworkChangeSource* network = source.get();
  account->set_network_change_source(std::move(source));
  QSignalSpy renewed(account.get(), &Account::flowRenewed);
  account->start();
  ASSERT_TRUE(spin_until([&] { return account->isRegistered(); }));
  ASSERT_EQ(registrar.registers(), 1);
  const quint16 first_port = registrar.register_at(0).source_port;

  emit network->changed(QStringLiteral("test: interface came back"));
  ASSERT_TRUE(spin_until([&] { return registrar.registers() == 2; }));
  const Seen& again = registrar.register_at(1);
  EXPECT_NE(again.source_port, first_port) << "a fresh socket, so a fresh NAT mapping";
  EXPECT_NE(again.contact.find(":" + std::to_string(again.source_port)), std::string::npos)
      << again.contact;
  EXPECT_TRUE(account->localAddress().endsWith(QString::number(again.source_port)));
  ASSERT_EQ(renewed.count(), 1);
  EXPECT_EQ(renewed.at(0).at(0).toString(), QStringLiteral("test: interface came back"));
  EXPECT_TRUE(spin_until([&] { return account->isRegistered(); }));
}

TEST_F(AccountFlowTest, PublicAddressMovedInAnOptionsAnswerRegistersFromAFreshFlow) {
  UdpRegistrar registrar;
  registrar.shift_options_port = true;
  AccountSettings s = settings(registrar.socket.localPort());
  s.keepalive_s = 1;
  s.keepalive_method = KeepaliveMethod::options;
  auto account = open(s);
  ASSERT_TRUE(account);
  QSignalSpy renewed(account.get(), &Account::flowRenewed);
  account->start();
  ASSERT_TRUE(spin_until([&] { return registrar.registers() == 2; }));
  const Seen& first = registrar.register_at(0);
  const Seen& again = registrar.register_at(1);
  EXPECT_NE(again.source_port, first.source_port);
  ASSERT_GE(renewed.count(), 1);
  EXPECT_EQ(renewed.at(0).at(0).toString(), QStringLiteral("our public address changed"));
  const bool options_between =
      std::any_of(registrar.seen.begin(), registrar.seen.end(),
                  [](const Seen& x) { return x.method == sip::Method::Options; });
  EXPECT_TRUE(options_between);
}

// A TCP registrar: frames what arrives with StreamFramer, answers 200 on the same
// connection, and can drop the connection.
class TcpRegistrar {
public:
  TcpRegistrar() {
    EXPECT_TRUE(server.listen(QHostAddress::LocalHost, 0));
    QObject::connect(&server, &QTcpServer::newConnection, [this] {
      while (QTcpSocket* c = server.nextPendingConnection()) {
        ++connections;
        current = c;
        auto framer = std::make_shared<sip::StreamFramer>();
        QObject::connect(c, &QTcpSocket::readyRead, c, [this, c, framer] {
          const QByteArray bytes = c->readAll();
          framer->push(std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())));
          while (auto item = framer->next()) {
            ASSERT_TRUE(*item);
            if ((*item)->kind == sip::StreamItemKind::Ping) {
              c->write("\r\n");
              continue;
            }
            if ((*item)->kind != sip::StreamItemKind::Message) {
              continue;
            }
            const sip::Message& m = (*item)->message;
            seen.push_back(seen_of(m, c->peerPort()));
            const std::string reply = ok_for(m, "127.0.0.1", c->peerPort());
            c->write(reply.data(), static_cast<qint64>(reply.size()));
          }
        });
      }
    });
  }
  QTcpServer server;
  QTcpSocket* current = nullptr;
  int connections = 0;
  std::vector<Seen> seen;
};

TEST_F(AccountFlowTest, RegistersOverTcpAndAgainOnANewConnectionWhenTheServerDropsIt) {
  TcpRegistrar registrar;
  auto account = open(settings(registrar.server.serverPort(), sip::Transport::tcp));
  ASSERT_TRUE(account);
  EXPECT_EQ(account->transport(), QStringLiteral("tcp"));
  account->start();
  ASSERT_TRUE(spin_until([&] { return account->isRegistered(); }));
  ASSERT_EQ(registrar.seen.size(), 1U);
  EXPECT_EQ(registrar.seen[0].via_transport, "TCP");
  EXPECT_NE(registrar.seen[0].contact.find(";transport=tcp"), std::string::npos);
  EXPECT_NE(registrar.seen[0].contact.find(":" + std::to_string(registrar.seen[0].source_port)),
            std::string::npos)
      << "Contact names the connection's own port: " << registrar.seen[0].contact;

  registrar.current->abort();  // the server drops the flow
  ASSERT_TRUE(spin_until([&] { return registrar.seen.size() == 2; }, 15000))
      << "reconnects after its back-off and registers from the new connection";
  EXPECT_EQ(registrar.connections, 2);
  EXPECT_NE(registrar.seen[1].source_port, registrar.seen[0].source_port);
  EXPECT_TRUE(spin_until([&] { return account->isRegistered() && account->reason().isEmpty(); }));
}

TEST_F(AccountFlowTest, RefusedTcpConnectionFailsTheRegistrationSayingSo) {
  quint16 closed_port = 0;
  {
    QTcpServer probe;
    ASSERT_TRUE(probe.listen(QHostAddress::LocalHost, 0));
    closed_port = probe.serverPort();
  }
  auto account = open(settings(closed_port, sip::Transport::tcp));
  ASSERT_TRUE(account);
  QSignalSpy failed(account.get(), &Account::registrationFailed);
  account->start();
  ASSERT_TRUE(spin_until([&] { return failed.count() > 0; }));
  EXPECT_EQ(failed.at(0).at(0).toString(),
            QStringLiteral("server unreachable (connection refused)"));
  EXPECT_EQ(account->state(), QStringLiteral("failed"));
  EXPECT_EQ(account->reason(), QStringLiteral("server unreachable (connection refused)"));
}

TEST(AccountTlsSettings, UnreadableCaFileIsRefusedWhenOpening) {
  AccountSettings s;
  s.aor = QStringLiteral("alice@127.0.0.1");
  s.proxy = QStringLiteral("sip:127.0.0.1:5061");
  s.transport = sip::Transport::tls;
  s.ca_file = QStringLiteral("/nonexistent/ca.pem");
  s.watch_network = false;
  auto account = Account::open(s, CallMediaFactory{});
  ASSERT_FALSE(account);
  EXPECT_NE(account.error().detail.find("/nonexistent/ca.pem"), std::string::npos);
}

struct TlsReasonCase {
  std::vector<QSslError::SslError> errors;
  QString reason;
};

class TlsReasons : public ::testing::TestWithParam<TlsReasonCase> {};

TEST_P(TlsReasons, ReadAsAPersonWouldSayThem) {
  QList<QSslError> errors;
  for (auto e : GetParam().errors) {
    errors.append(QSslError(e));
  }
  EXPECT_EQ(describe_tls_errors(errors, QStringLiteral("sip.example.org")), GetParam().reason);
}

INSTANTIATE_TEST_SUITE_P(
    Table, TlsReasons,
    ::testing::Values(
        TlsReasonCase{{QSslError::SelfSignedCertificate}, "certificate not trusted"},
        TlsReasonCase{{QSslError::UnableToGetLocalIssuerCertificate}, "certificate not trusted"},
        TlsReasonCase{{QSslError::HostNameMismatch, QSslError::SelfSignedCertificateInChain},
                      "certificate not trusted"},
        TlsReasonCase{{QSslError::HostNameMismatch},
                      "certificate does not name the server 'sip.example.org'"},
        TlsReasonCase{{QSslError::CertificateExpired}, "certificate expired"}));

}  // namespace
}  // namespace tipring::client
