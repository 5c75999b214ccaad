// RFC 3263 server location end to end: locate_servers over injected DNS answers, an Account
// that fails over from a server answering 503 to the next SRV target on loopback, and
// SystemDnsResolver asking a real DNS server (dnsmasq, started by the test on 127.0.0.1 on a
// free port with NAPTR, SRV and A records) the questions RFC 3263 asks.
#include "client/phone/server_locator.h"

#include "client/phone/account.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QNetworkDatagram>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUdpSocket>
#include <map>

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

class FakeDns final : public DnsResolver {
public:
  std::vector<NaptrRecord> naptr(const QString& name) override {
    asked.push_back("NAPTR " + name.toStdString());
    return naptr_records[name.toStdString()];
  }
  std::vector<SrvRecord> srv(const QString& name) override {
    asked.push_back("SRV " + name.toStdString());
    return srv_records[name.toStdString()];
  }
  QList<QHostAddress> addresses(const QString& name) override {
    asked.push_back("A " + name.toStdString());
    return hosts[name.toStdString()];
  }
  std::map<std::string, std::vector<NaptrRecord>> naptr_records;
  std::map<std::string, std::vector<SrvRecord>> srv_records;
  std::map<std::string, QList<QHostAddress>> hosts;
  std::vector<std::string> asked;
};

const QHostAddress kOne(QStringLiteral("198.18.0.1"));
const QHostAddress kTwo(QStringLiteral("198.18.0.2"));

TEST(LocateServers, NaptrLeadsToTheTransportsSrvAndItsTargetsInPriorityOrder) {
  FakeDns dns;
  dns.naptr_records["example.com"] = {{10, 10, "s", "SIP+D2T", "_sip._tcp.example.com"},
                                      {20, 10, "s", "SIP+D2U", "_sip._udp.example.com"}};
  dns.srv_records["_sip._tcp.example.com"] = {{"b.example.com", 5070, 20, 0},
                                              {"a.example.com", 5080, 10, 0}};
  dns.hosts["a.example.com"] = {kOne};
  dns.hosts["b.example.com"] = {kTwo};
  SeededRandom random(1);
  const auto servers =
      locate_servers(QStringLiteral("example.com"), sip::Transport::tcp, dns, random);
  EXPECT_EQ(servers, (std::vector<ServerAddress>{{kOne, 5080, "a.example.com"},
                                                 {kTwo, 5070, "b.example.com"}}));
  EXPECT_EQ(dns.asked, (std::vector<std::string>{"NAPTR example.com", "SRV _sip._tcp.example.com",
                                                 "A a.example.com", "A b.example.com"}));
}

TEST(LocateServers, WithoutSrvTheHostItselfIsUsedOnTheTransportsDefaultPort) {
  FakeDns dns;
  dns.hosts["example.com"] = {kOne, QHostAddress(QStringLiteral("2001:db8::1"))};
  SeededRandom random(1);
  for (auto [transport, port] :
       {std::pair{sip::Transport::udp, 5060}, std::pair{sip::Transport::tls, 5061}}) {
    const auto servers = locate_servers(QStringLiteral("example.com"), transport, dns, random);
    ASSERT_EQ(servers.size(), 2U);
    EXPECT_EQ(servers[0], (ServerAddress{kOne, static_cast<quint16>(port), "example.com"}));
    EXPECT_EQ(servers[1].address, QHostAddress(QStringLiteral("2001:db8::1")));
  }
  EXPECT_EQ(dns.asked[1], "SRV _sip._udp.example.com");
  EXPECT_EQ(dns.asked[4], "SRV _sips._tcp.example.com");
}

TEST(LocateServers, ANameThatResolvesToNothingGivesNoServer) {
  FakeDns dns;
  SeededRandom random(1);
  EXPECT_TRUE(
      locate_servers(QStringLiteral("nowhere.test"), sip::Transport::udp, dns, random).empty());
}

// A loopback UDP server answering REGISTER with `status` (200 with the Contact echoed).
class Registrar {
public:
  explicit Registrar(int status) : status_(status) {
    EXPECT_TRUE(socket.bind(QHostAddress::LocalHost, 0));
    QObject::connect(&socket, &QUdpSocket::readyRead, [this] {
      while (socket.hasPendingDatagrams()) {
        const QNetworkDatagram d = socket.receiveDatagram();
        auto m = sip::Message::parse(d.data().toStdString());
        if (!m || !m->is_request() || m->method() != sip::Method::Register) {
          continue;
        }
        ++registers;
        sip::Message r = sip::make_response(*m, status_, {}, "reg");
        if (status_ == 200) {
          r.add_header(sip::HeaderId::Contact,
                       std::string(*m->find(sip::HeaderId::Contact)) + ";expires=600");
        }
        const std::string text = r.serialize();
        socket.writeDatagram(text.data(), static_cast<qint64>(text.size()), d.senderAddress(),
                             static_cast<quint16>(d.senderPort()));
      }
    });
  }
  QUdpSocket socket;
  int registers = 0;

private:
  int status_;
};

class ServerFailover : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    static int argc = 1;
    static char name[] = "client_server_locator_test";
    static char* argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv);
  }
};

TEST_F(ServerFailover, AServerAnswering503IsLeftForTheNextSrvTarget) {
  Registrar overloaded(503);
  Registrar working(200);
  auto dns = std::make_shared<FakeDns>();
  dns->srv_records["_sip._udp.tipring.test"] = {
      {"sip2.tipring.test", working.socket.localPort(), 20, 0},
      {"sip1.tipring.test", overloaded.socket.localPort(), 10, 0}};
  dns->hosts["sip1.tipring.test"] = {QHostAddress::LocalHost};
  dns->hosts["sip2.tipring.test"] = {QHostAddress::LocalHost};

  AccountSettings s;
  s.aor = QStringLiteral("alice@tipring.test");  // no proxy: the domain is located
  s.bind_address = QHostAddress::LocalHost;
  s.keepalive_s = 0;
  s.watch_network = false;
  s.dns = dns;
  auto account = Account::open(s, CallMediaFactory{});
  ASSERT_TRUE(account) << account.error().describe();
  QStringList renewed;
  QObject::connect(account->get(), &Account::flowRenewed,
                   [&](const QString& why) { renewed << why; });
  int failures = 0;
  QObject::connect(account->get(), &Account::registrationFailed, [&] { ++failures; });
  (*account)->start();

  ASSERT_TRUE(spin_until([&] { return (*account)->isRegistered(); }));
  EXPECT_EQ(overloaded.registers, 1);
  EXPECT_EQ(working.registers, 1);
  EXPECT_EQ(failures, 0) << "a failure that fails over is not the account's failure";
  ASSERT_EQ(renewed.size(), 1);
  EXPECT_TRUE(renewed[0].startsWith(QStringLiteral("sip1.tipring.test (127.0.0.1:%1) server "
                                                   "unavailable; trying 127.0.0.1:%2")
                                        .arg(overloaded.socket.localPort())
                                        .arg(working.socket.localPort())))
      << renewed[0].toStdString();
}

// A server that never answers costs the REGISTER's Timer F (64·T1 = 32 s, real time here:
// Account runs on the steady clock), then the next target registers at once.
TEST_F(ServerFailover, AServerThatNeverAnswersIsLeftAfterTheTransactionTimesOut) {
  QUdpSocket silent;  // bound, so nothing answers and no ICMP error either
  ASSERT_TRUE(silent.bind(QHostAddress::LocalHost, 0));
  Registrar working(200);
  auto dns = std::make_shared<FakeDns>();
  dns->srv_records["_sip._udp.tipring.test"] = {
      {"sip1.tipring.test", silent.localPort(), 10, 0},
      {"sip2.tipring.test", working.socket.localPort(), 20, 0}};
  dns->hosts["sip1.tipring.test"] = {QHostAddress::LocalHost};
  dns->hosts["sip2.tipring.test"] = {QHostAddress::LocalHost};
  AccountSettings s;
  s.aor = QStringLiteral("alice@tipring.test");
  s.bind_address = QHostAddress::LocalHost;
  s.keepalive_s = 0;
  s.watch_network = false;
  s.dns = dns;
  auto account = Account::open(s, CallMediaFactory{});
  ASSERT_TRUE(account) << account.error().describe();
  QStringList renewed;
  QObject::connect(account->get(), &Account::flowRenewed,
                   [&](const QString& why) { renewed << why; });
  (*account)->start();
  ASSERT_TRUE(spin_until([&] { return (*account)->isRegistered(); }, 60000));
  EXPECT_EQ(working.registers, 1);
  ASSERT_EQ(renewed.size(), 1);
  EXPECT_TRUE(renewed[0].contains(
      QStringLiteral("server unreachable; trying 127.0.0.1:%1").arg(working.socket.localPort())))
      << renewed[0].toStdString();
}

TEST_F(ServerFailover, TheLastServerFailingIsReportedAsTheAccountsFailure) {
  Registrar overloaded(503);
  auto dns = std::make_shared<FakeDns>();
  dns->srv_records["_sip._udp.tipring.test"] = {
      {"sip1.tipring.test", overloaded.socket.localPort(), 10, 0}};
  dns->hosts["sip1.tipring.test"] = {QHostAddress::LocalHost};
  AccountSettings s;
  s.aor = QStringLiteral("alice@tipring.test");
  s.bind_address = QHostAddress::LocalHost;
  s.keepalive_s = 0;
  s.watch_network = false;
  s.dns = dns;
  auto account = Account::open(s, CallMediaFactory{});
  ASSERT_TRUE(account) << account.error().describe();
  QString reason;
  QObject::connect(account->get(), &Account::registrationFailed,
                   [&](const QString& r) { reason = r; });
  (*account)->start();
  ASSERT_TRUE(spin_until([&] { return !reason.isEmpty(); }));
  EXPECT_EQ(reason, "server unavailable");
}

// dnsmasq on 127.0.0.1:<free port>, our own records only (no upstream, no /etc/hosts).
class Dnsmasq {
public:
  explicit Dnsmasq(const QStringList& records) {
    const QString binary = QStandardPaths::findExecutable(
        QStringLiteral("dnsmasq"), {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin")});
    if (binary.isEmpty()) {
      return;
    }
    QUdpSocket probe;  // a free port; dnsmasq binds it right after
    probe.bind(QHostAddress::LocalHost, 0);
    port = probe.localPort();
    probe.close();
    QStringList args{
        QStringLiteral("--keep-in-foreground"), QStringLiteral("--conf-file=/dev/null"),
        QStringLiteral("--no-resolv"),          QStringLiteral("--no-hosts"),
        QStringLiteral("--bind-interfaces"),    QStringLiteral("--listen-address=127.0.0.1"),
        QStringLiteral("--port=%1").arg(port),  QStringLiteral("--user=root"),
        QStringLiteral("--pid-file"),           QStringLiteral("--log-facility=-")};
    args += records;
    process.start(binary, args);
    started = process.waitForStarted(5000);
  }
  ~Dnsmasq() {
    if (process.state() != QProcess::NotRunning) {
      process.terminate();  // our child, by its PID
      if (!process.waitForFinished(5000)) {
        process.kill();
        process.waitForFinished(5000);
      }
    }
  }
  QProcess process;
  quint16 port = 0;
  bool started = false;
};

TEST(SystemDnsResolverWithDnsmasq, AnswersNaptrSrvAndAddressQuestionsFromARealServer) {
  Dnsmasq dns({
      QStringLiteral("--naptr-record=tipring.test,10,50,s,SIP+D2U,,_sip._udp.tipring.test"),
      QStringLiteral("--naptr-record=tipring.test,20,50,s,SIP+D2T,,_sip._tcp.tipring.test"),
      QStringLiteral("--srv-host=_sip._udp.tipring.test,sip1.tipring.test,5070,10,60"),
      QStringLiteral("--srv-host=_sip._udp.tipring.test,sip2.tipring.test,5080,20,0"),
      QStringLiteral("--host-record=sip1.tipring.test,127.0.0.11"),
      QStringLiteral("--host-record=sip2.tipring.test,127.0.0.12,::1"),
  });
  if (dns.port == 0) {
    GTEST_SKIP() << "dnsmasq is not installed (scripts/bootstrap.sh installs dnsmasq-base)";
  }
  ASSERT_TRUE(dns.started) << dns.process.errorString().toStdString();
  SystemDnsResolver resolver(QHostAddress::LocalHost, dns.port);
  // dnsmasq binds right after starting: ask until it answers (bounded).
  std::vector<NaptrRecord> naptr;
  QElapsedTimer clock;
  clock.start();
  while (naptr.empty() && clock.elapsed() < 10000) {
    naptr = resolver.naptr(QStringLiteral("tipring.test"));
    if (naptr.empty()) {
      QCoreApplication::processEvents();
      ASSERT_EQ(dns.process.state(), QProcess::Running)
          << dns.process.readAllStandardError().toStdString();
    }
  }
  ASSERT_EQ(naptr.size(), 2U);
  EXPECT_EQ(srv_names("tipring.test", sip::Transport::tcp, naptr),
            std::vector<std::string>{"_sip._tcp.tipring.test"});

  SeededRandom random(5);
  const auto servers =
      locate_servers(QStringLiteral("tipring.test"), sip::Transport::udp, resolver, random);
  EXPECT_EQ(servers, (std::vector<ServerAddress>{
                         {QHostAddress(QStringLiteral("127.0.0.11")), 5070, "sip1.tipring.test"},
                         {QHostAddress(QStringLiteral("127.0.0.12")), 5080, "sip2.tipring.test"},
                         {QHostAddress(QStringLiteral("::1")), 5080, "sip2.tipring.test"}}));
  EXPECT_TRUE(resolver.addresses(QStringLiteral("missing.tipring.test")).isEmpty());
}

}  // namespace
}  // namespace tipring::client
