#include "client/phone/stream_flow.h"

#include <QSslConfiguration>

namespace tipring::client {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kRule = "TLS settings";
// A connection attempt that has not completed by then will not (the system's SYN retries
// take minutes).
constexpr int kConnectTimeoutMs = 10'000;
// Bounds what piles up while a connection is opened.
constexpr std::size_t kMaxQueued = 64;
// RFC 5626 §4.5 suggests 30 s for a registration retry; a single lost connection is worth a
// quicker first try, doubling up to the same 30 min cap.
constexpr Duration kReconnectBase = 2s;
constexpr Duration kReconnectMax = 1800s;

bool is_trust_error(QSslError::SslError e) {
  switch (e) {
    case QSslError::CertificateUntrusted:
    case QSslError::SelfSignedCertificate:
    case QSslError::SelfSignedCertificateInChain:
    case QSslError::UnableToGetLocalIssuerCertificate:
    case QSslError::UnableToGetIssuerCertificate:
    case QSslError::UnableToVerifyFirstCertificate:
    case QSslError::InvalidCaCertificate:
    case QSslError::CertificateRejected:
      return true;
    default:
      return false;
  }
}

}  // namespace

QString describe_tls_errors(const QList<QSslError>& errors, const QString& server_name) {
  for (const QSslError& e : errors) {
    if (is_trust_error(e.error())) {
      return QStringLiteral("certificate not trusted");
    }
  }
  for (const QSslError& e : errors) {
    switch (e.error()) {
      case QSslError::HostNameMismatch:
        return QStringLiteral("certificate does not name the server '%1'").arg(server_name);
      case QSslError::CertificateExpired:
        return QStringLiteral("certificate expired");
      case QSslError::CertificateNotYetValid:
        return QStringLiteral("certificate not yet valid");
      case QSslError::CertificateRevoked:
        return QStringLiteral("certificate revoked");
      default:
        break;
    }
  }
  return errors.isEmpty() ? QStringLiteral("TLS handshake failed")
                          : QStringLiteral("TLS: ") + errors.first().errorString();
}

QString describe_socket_error(QAbstractSocket::SocketError error, const QString& detail) {
  switch (error) {
    case QAbstractSocket::ConnectionRefusedError:
      return QStringLiteral("server unreachable (connection refused)");
    case QAbstractSocket::HostNotFoundError:
      return QStringLiteral("server unreachable (host not found)");
    case QAbstractSocket::SocketTimeoutError:
      return QStringLiteral("server unreachable (no answer)");
    case QAbstractSocket::NetworkError:
      return QStringLiteral("server unreachable (network error)");
    case QAbstractSocket::RemoteHostClosedError:
      return QStringLiteral("connection closed by the server");
    case QAbstractSocket::SslHandshakeFailedError:
      return QStringLiteral("TLS handshake failed: ") + detail;
    default:
      return QStringLiteral("connection failed: ") + detail;
  }
}

Result<std::unique_ptr<StreamFlow>> StreamFlow::create(StreamFlowSettings settings,
                                                       RandomSource& random) {
  QList<QSslCertificate> cas;
  if (settings.transport == sip::Transport::tls) {
    if (!QSslSocket::supportsSsl()) {
      return fail(kRule, "this Qt has no TLS backend");
    }
    if (!settings.ca_file.isEmpty()) {
      cas = QSslCertificate::fromPath(settings.ca_file, QSsl::Pem);
      if (cas.isEmpty()) {
        return fail(kRule, "--ca-file '" + settings.ca_file.toStdString() +
                               "' holds no PEM certificate (or cannot be read)");
      }
    }
  }
  return std::unique_ptr<StreamFlow>(new StreamFlow(std::move(settings), std::move(cas), random));
}

StreamFlow::StreamFlow(StreamFlowSettings settings, QList<QSslCertificate> extra_cas,
                       RandomSource& random)
    : settings_(std::move(settings)),
      extra_cas_(std::move(extra_cas)),
      backoff_(kReconnectBase, kReconnectMax, random) {
  reconnect_.setSingleShot(true);
  connect(&reconnect_, &QTimer::timeout, this, &StreamFlow::open);
  connect_timeout_.setSingleShot(true);
  connect(&connect_timeout_, &QTimer::timeout, this,
          [this] { on_failure(describe_socket_error(QAbstractSocket::SocketTimeoutError, {})); });
}

StreamFlow::~StreamFlow() {
  close();
}

void StreamFlow::close() {
  reconnect_.stop();
  connect_timeout_.stop();
  connected_ = false;
  connecting_ = false;
  if (socket_) {
    socket_->disconnect(this);
    socket_->abort();
    // Qt may still be inside a slot of this socket: delete it from the event loop.
    socket_.release()->deleteLater();
  }
}

void StreamFlow::open() {
  close();
  framer_ = sip::StreamFramer();
  tls_reason_.clear();
  socket_ = std::make_unique<QSslSocket>();
  QSslSocket& s = *socket_;
  if (!settings_.bind_address.isNull()) {
    s.bind(settings_.bind_address, 0);
  }
  connect(&s, &QSslSocket::readyRead, this, &StreamFlow::on_ready_read);
  connect(&s, &QAbstractSocket::errorOccurred, this, &StreamFlow::on_error);
  connecting_ = true;
  connect_timeout_.start(kConnectTimeoutMs);
  if (settings_.transport == sip::Transport::tls) {
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();  // the system store
    if (!extra_cas_.isEmpty()) {
      tls.addCaCertificates(extra_cas_);
    }
    tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
    s.setSslConfiguration(tls);
    connect(&s, &QSslSocket::encrypted, this, &StreamFlow::on_connected);
    connect(&s, &QSslSocket::sslErrors, this, [this](const QList<QSslError>& errors) {
      // Not ignored: Qt aborts the handshake after this signal, and on_error reports why.
      tls_reason_ = describe_tls_errors(errors, settings_.server_name);
    });
    s.connectToHostEncrypted(settings_.server.toString(), settings_.port, settings_.server_name);
  } else {
    connect(&s, &QAbstractSocket::connected, this, &StreamFlow::on_connected);
    s.connectToHost(settings_.server, settings_.port);
  }
}

void StreamFlow::on_connected() {
  connect_timeout_.stop();
  connecting_ = false;
  connected_ = true;
  backoff_.on_connected();
  if (handlers_.connected) {
    handlers_.connected();
  }
  flush();
}

bool StreamFlow::send(const sip::Datagram& datagram) {
  if (connected_) {
    socket_->write(datagram.bytes.data(), static_cast<qint64>(datagram.bytes.size()));
    return true;
  }
  if (connecting_ && queue_.size() < kMaxQueued) {
    queue_.push_back(datagram);
    return true;
  }
  return false;
}

void StreamFlow::flush() {
  while (connected_ && !queue_.empty()) {
    const sip::Datagram d = std::move(queue_.front());
    queue_.pop_front();
    socket_->write(d.bytes.data(), static_cast<qint64>(d.bytes.size()));
  }
}

void StreamFlow::on_ready_read() {
  const QByteArray bytes = socket_->readAll();
  framer_.push(std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())));
  while (connected_) {
    auto item = framer_.next();
    if (!item) {
      return;
    }
    if (!*item) {
      // §18.3: a stream that cannot be framed cannot be resynchronised: start over.
      on_failure(QStringLiteral("the server sent malformed SIP (") +
                 QString::fromStdString((*item).error().describe()) + QStringLiteral(")"));
      return;
    }
    if (handlers_.received) {
      handlers_.received(std::move(**item));
    }
  }
}

void StreamFlow::on_error(QAbstractSocket::SocketError error) {
  QString reason =
      !tls_reason_.isEmpty() ? tls_reason_ : describe_socket_error(error, socket_->errorString());
  on_failure(reason);
}

void StreamFlow::on_failure(const QString& reason) {
  std::vector<sip::TransactionId> unsent;
  for (const sip::Datagram& d : queue_) {
    if (d.transaction != 0) {
      unsent.push_back(d.transaction);
    }
  }
  queue_.clear();
  close();
  const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(backoff_.on_failure());
  reconnect_.start(static_cast<int>(wait.count()));
  if (handlers_.failed) {
    handlers_.failed(reason, unsent);
  }
}

LocalFlow StreamFlow::local() const {
  if (!socket_) {
    return LocalFlow{{}, 0, settings_.transport};
  }
  QHostAddress address = socket_->localAddress();
  bool v4 = false;
  const quint32 ipv4 = address.toIPv4Address(&v4);
  if (v4) {
    address = QHostAddress(ipv4);
  }
  return LocalFlow{address.toString().toStdString(), socket_->localPort(), settings_.transport};
}

sip::Peer StreamFlow::server_peer() const {
  return sip::Peer{settings_.server.toString().toStdString(), settings_.port, settings_.transport};
}

}  // namespace tipring::client
