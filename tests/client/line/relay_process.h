// A tipring-relay process of the test's own on loopback, with its own config and SQLite
// store and the users the test names (password "<user>-secret"); stopped by its PID.
#pragma once

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStringList>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QUdpSocket>

#include <gtest/gtest.h>

namespace tipring::client::test {

// Runs the event loop until `done` holds or `limit_ms` passes (a bound, not a timing).
template <class Predicate>
bool spin_until(Predicate done, int limit_ms) {
  QElapsedTimer clock;
  clock.start();
  while (!done() && clock.elapsed() < limit_ms) {
    QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
  }
  return done();
}

inline quint16 free_udp_port() {
  QUdpSocket s;
  s.bind(QHostAddress::LocalHost, 0);
  return s.localPort();
}

inline quint16 free_tcp_port() {
  QTcpServer s;
  s.listen(QHostAddress::LocalHost, 0);
  return s.serverPort();
}

class RelayProcess {
public:
  // Call with ASSERT_NO_FATAL_FAILURE.
  void start(const QStringList& users) {
    ASSERT_TRUE(dir_.isValid());
    sip_port_ = free_udp_port();
    const QString config = dir_.filePath("relay.toml");
    QFile file(config);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(
        QStringLiteral("[sip]\nlisten = [\"127.0.0.1:%1\"]\ndomain = \"tipring.test\"\n"
                       "[http]\nmetrics_listen = \"127.0.0.1:%2\"\n"
                       "[store]\nsqlite_path = \"%3\"\n"
                       "[media]\nbind_address = \"127.0.0.1\"\nng_listen = \"127.0.0.1:%4\"\n")
            .arg(sip_port_)
            .arg(free_tcp_port())
            .arg(dir_.filePath("relay.sqlite"))
            .arg(free_udp_port())
            .toUtf8());
    file.close();
    for (const QString& user : users) {
      QProcess add;
      add.start(QStringLiteral(TIPRING_RELAY_BINARY),
                {QStringLiteral("--config"), config, QStringLiteral("user"), QStringLiteral("add"),
                 user});
      ASSERT_TRUE(add.waitForStarted(10000));
      add.write((user + QStringLiteral("-secret\n")).toUtf8());
      add.closeWriteChannel();
      ASSERT_TRUE(add.waitForFinished(10000));
      ASSERT_EQ(add.exitCode(), 0) << add.readAllStandardError().toStdString();
    }
    process_.setProcessChannelMode(QProcess::SeparateChannels);
    process_.start(QStringLiteral(TIPRING_RELAY_BINARY), {QStringLiteral("--config"), config});
    ASSERT_TRUE(process_.waitForStarted(10000));
    ASSERT_TRUE(spin_until(
        [this] {
          log_ += process_.readAllStandardError();
          return log_.contains("tipring-relay ready");
        },
        10000))
        << log_.toStdString();
  }

  void stop() {
    if (process_.state() == QProcess::NotRunning) {
      return;
    }
    process_.terminate();  // SIGTERM to the PID we started
    if (!process_.waitForFinished(10000)) {
      process_.kill();
      process_.waitForFinished(5000);
    }
  }
  ~RelayProcess() { stop(); }

  [[nodiscard]] QString proxy() const { return QStringLiteral("sip:127.0.0.1:%1").arg(sip_port_); }

private:
  QTemporaryDir dir_;
  quint16 sip_port_ = 0;
  QProcess process_;
  QByteArray log_;
};

}  // namespace tipring::client::test
