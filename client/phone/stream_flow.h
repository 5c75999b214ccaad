// StreamFlow: an account's SIP flow over TCP or TLS (RFC 3261 §18, RFC 5626 §3 "flow"): one
// connection to the first hop, messages framed by Content-Length and CRLF keepalives told
// apart (protocol/sip/stream_framer), certificates verified against the system store plus an
// optional CA file with the server's name checked (RFC 5922 §7), and reconnection with
// back-off after a failure. Failures are reported in words for a person.
#pragma once

#include "client/ua/reconnect_backoff.h"
#include "client/ua/registration.h"
#include "protocol/sip/stream_framer.h"

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QSslError>
#include <QSslSocket>
#include <QTimer>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace tipring::client {

struct StreamFlowSettings {
  sip::Transport transport = sip::Transport::tcp;  // tcp or tls
  QHostAddress server;
  quint16 port = 5060;
  QString server_name;        // the name the server's certificate must carry (TLS)
  QString ca_file;            // PEM certificates trusted besides the system store; empty: none
  QHostAddress bind_address;  // null: the system picks
};

// The reason a person reads for a refused certificate ("certificate not trusted", ...);
// the most telling error first.
QString describe_tls_errors(const QList<QSslError>& errors, const QString& server_name);
// The reason for a connection that failed or broke ("server unreachable (connection
// refused)", "connection closed by the server", ...).
QString describe_socket_error(QAbstractSocket::SocketError error, const QString& detail);

class StreamFlow : public QObject {
  Q_OBJECT
public:
  struct Handlers {
    std::function<void()> connected;  // local() names the new flow
    std::function<void(sip::StreamItem)> received;
    // The flow failed; `unsent` names the transactions whose messages never left.
    std::function<void(const QString& reason, const std::vector<sip::TransactionId>& unsent)>
        failed;
  };

  // Reads the CA file; errors name it.
  static Result<std::unique_ptr<StreamFlow>> create(StreamFlowSettings settings,
                                                    RandomSource& random);
  ~StreamFlow() override;
  StreamFlow(const StreamFlow&) = delete;
  StreamFlow& operator=(const StreamFlow&) = delete;

  void set_handlers(Handlers handlers) { handlers_ = std::move(handlers); }
  // Opens a fresh connection now, dropping the current one (start, network change).
  void open();
  void close();
  // Sends on the connection; while it is being opened, queues. False when there is no
  // connection and none is being opened.
  bool send(const sip::Datagram& datagram);

  [[nodiscard]] bool is_connected() const { return connected_; }
  [[nodiscard]] LocalFlow local() const;
  [[nodiscard]] sip::Peer server_peer() const;

private:
  StreamFlow(StreamFlowSettings settings, QList<QSslCertificate> extra_cas, RandomSource& random);
  void on_connected();
  void on_ready_read();
  void on_error(QAbstractSocket::SocketError error);
  void on_failure(const QString& reason);
  void flush();

  StreamFlowSettings settings_;
  QList<QSslCertificate> extra_cas_;
  std::unique_ptr<QSslSocket> socket_;  // plain TCP uses it without encryption
  sip::StreamFramer framer_;
  Handlers handlers_;
  std::deque<sip::Datagram> queue_;  // sent while connecting
  ReconnectBackoff backoff_;
  QTimer reconnect_;
  QTimer connect_timeout_;
  QString tls_reason_;  // set by sslErrors, used when the handshake then fails
  bool connected_ = false;
  bool connecting_ = false;
};

}  // namespace tipring::client
