// Account: one SIP account on the Qt event loop, the object the GUI and tipring-cli bind to
// for registration state and calls. It owns the account's UserAgent and its ONE SIP flow —
// a UDP socket, or a TCP/TLS connection to the first hop (StreamFlow) — that requests,
// responses, keepalives and INVITEs arriving over the flow all share, and wakes the sans-IO
// core on input and on one single-shot timer set to next_deadline(). A network change or a
// broken flow opens a fresh flow and registers from it at once (RFC 5626 §4.4).
#pragma once

#include "client/phone/call_media.h"
#include "client/phone/network_watch.h"
#include "client/phone/password_store.h"
#include "client/phone/server_locator.h"
#include "client/phone/steady_clock.h"
#include "client/phone/stream_flow.h"
#include "client/ua/user_agent.h"

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QUdpSocket>
#include <memory>

namespace tipring::client {

class Call;

struct AccountSettings {
  QString aor;  // "alice@example.org" or "sip:alice@example.org"
  QString auth_user;
  QString password;
  // Take the password from the OS keychain (PasswordStore, keyed by the AOR) at start()
  // instead of `password`; a keychain that cannot answer fails registration with its reason.
  bool password_in_keychain = false;
  QString keychain_service = QStringLiteral("tipring");
  QString display_name;
  QString proxy;  // outbound proxy URI; empty: requests go where their URI says
  sip::Transport transport = sip::Transport::udp;  // tcp and tls connect to the first hop
  QString ca_file;            // TLS: PEM certificates trusted besides the system store
  QHostAddress bind_address;  // null: the interface that routes to the proxy
  quint16 sip_port = 0;       // 0: an ephemeral port
  bool register_account = true;
  int register_expiry_s = 600;
  int keepalive_s = 25;
  KeepaliveMethod keepalive_method = KeepaliveMethod::crlf;
  // Watch the system's network (SystemNetworkWatch) and re-register on a change.
  bool watch_network = true;
  QStringList codecs{QStringLiteral("opus"), QStringLiteral("PCMU"), QStringLiteral("PCMA")};
  QString instance_id;  // RFC 5626 +sip.instance; empty: derived from the machine and AOR
  // Answers RFC 3263's DNS questions when the proxy (or, without one, the domain) is a name
  // with no port; null: the system's resolver.
  std::shared_ptr<DnsResolver> dns;
};

class Account : public QObject {
  Q_OBJECT
  Q_PROPERTY(QString aor READ aor CONSTANT)
  Q_PROPERTY(QString state READ state NOTIFY statusChanged)
  Q_PROPERTY(QString reason READ reason NOTIFY statusChanged)
  Q_PROPERTY(QString publicAddress READ publicAddress NOTIFY statusChanged)
  Q_PROPERTY(QString localAddress READ localAddress NOTIFY statusChanged)
  Q_PROPERTY(QString transport READ transport CONSTANT)

public:
  // Binds the SIP socket. Errors name what failed (bad address, proxy not resolvable, bind).
  static Result<std::unique_ptr<Account>> open(const AccountSettings& settings,
                                               CallMediaFactory media_factory);
  ~Account() override;
  Account(const Account&) = delete;
  Account& operator=(const Account&) = delete;

  // Registers (if configured); stop() hangs up and unregisters.
  void start();
  void stop();
  // Replaces the network watch (tests inject one; start() installs the system's otherwise).
  void set_network_change_source(std::unique_ptr<NetworkChangeSource> source);
  // Opens a fresh flow (new socket or connection) and registers from it at once.
  void renew_flow(const QString& why);

  // Places a call; null with `error` set when the target or media cannot be used.
  Call* call(const QString& target, QString* error = nullptr);
  [[nodiscard]] QList<Call*> calls() const;

  [[nodiscard]] QString aor() const;
  [[nodiscard]] QString state() const;
  [[nodiscard]] QString reason() const;
  [[nodiscard]] QString publicAddress() const;
  [[nodiscard]] QString localAddress() const;
  // "udp", "tcp" or "tls".
  [[nodiscard]] QString transport() const;
  [[nodiscard]] bool isRegistered() const;

  // For Call: the core, the clock, and running the core's output after an action.
  UserAgent& user_agent() { return *ua_; }
  void pump();
  Result<std::unique_ptr<CallMedia>> open_media();
  // The media socket's address for the SDP; a wildcard bind names our SIP interface.
  [[nodiscard]] sdp::MediaAddress media_address(const CallMedia& media) const;

signals:
  void statusChanged();
  void registered();
  void registrationFailed(const QString& reason);
  // A fresh flow replaced the old one; `why` says what prompted it.
  void flowRenewed(const QString& why);
  // A new call ringing here; answer(), reject() or let it ring.
  void incomingCall(tipring::client::Call* call);
  // Any new call (ours, incoming, or placed for a transfer).
  void callAdded(tipring::client::Call* call);

private:
  Account(std::unique_ptr<UserAgent> ua, std::unique_ptr<SystemRandom> random,
          CallMediaFactory media_factory);
  void on_ready_read();
  void start_with_keychain_password();
  bool fail_over(const QString& reason);
  Result<void> bind_udp();
  void retire_udp_socket();
  void attach_stream();
  void on_event(const UaEvent& event);
  void on_incoming(const UaEvent& event);
  void on_transfer_requested(const UaEvent& event);
  Call* adopt(CallHandle handle, std::unique_ptr<CallMedia> media);
  Call* find(CallHandle handle) const;

  std::unique_ptr<SystemRandom> random_;
  std::unique_ptr<UserAgent> ua_;
  CallMediaFactory media_factory_;
  std::unique_ptr<QUdpSocket> socket_;  // UDP flow
  std::unique_ptr<StreamFlow> stream_;  // TCP or TLS flow
  std::unique_ptr<NetworkChangeSource> network_;
  std::unique_ptr<PasswordStore> keychain_;  // set while the password is still to be read
  QString keychain_key_;
  QString keychain_error_;
  std::vector<ServerAddress> servers_;  // RFC 3263's list; the first hop is servers_[server_]
  std::size_t server_ = 0;
  QHostAddress first_hop_;
  quint16 first_hop_port_ = 5060;
  QHostAddress fixed_bind_;  // the configured bind address; null: follow the route
  quint16 sip_port_ = 0;
  bool watch_network_ = true;
  bool started_ = false;
  QTimer timer_;
  QList<QPointer<Call>> calls_;
  bool was_registered_ = false;
  bool pumping_ = false;
};

}  // namespace tipring::client
