// Account: one SIP account on the Qt event loop, the object the GUI and tipring-cli bind to
// for registration state and calls. It owns the account's UserAgent and its ONE UDP socket
// for SIP (requests, responses, keepalives, and INVITEs arriving over the flow all share
// it), and wakes the sans-IO core on datagrams and on one single-shot timer set to
// next_deadline().
#pragma once

#include "client/phone/call_media.h"
#include "client/phone/steady_clock.h"
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
  QString display_name;
  QString proxy;              // outbound proxy URI; empty: requests go where their URI says
  QHostAddress bind_address;  // null: the interface that routes to the proxy
  quint16 sip_port = 0;       // 0: an ephemeral port
  bool register_account = true;
  int register_expiry_s = 600;
  int keepalive_s = 25;
  QStringList codecs{QStringLiteral("opus"), QStringLiteral("PCMU"), QStringLiteral("PCMA")};
  QString instance_id;  // RFC 5626 +sip.instance; empty: derived from the machine and AOR
};

class Account : public QObject {
  Q_OBJECT
  Q_PROPERTY(QString aor READ aor CONSTANT)
  Q_PROPERTY(QString state READ state NOTIFY statusChanged)
  Q_PROPERTY(QString reason READ reason NOTIFY statusChanged)
  Q_PROPERTY(QString publicAddress READ publicAddress NOTIFY statusChanged)
  Q_PROPERTY(QString localAddress READ localAddress CONSTANT)

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

  // Places a call; null with `error` set when the target or media cannot be used.
  Call* call(const QString& target, QString* error = nullptr);
  [[nodiscard]] QList<Call*> calls() const;

  [[nodiscard]] QString aor() const;
  [[nodiscard]] QString state() const;
  [[nodiscard]] QString reason() const;
  [[nodiscard]] QString publicAddress() const;
  [[nodiscard]] QString localAddress() const;
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
  // A new call ringing here; answer(), reject() or let it ring.
  void incomingCall(tipring::client::Call* call);
  // Any new call (ours, incoming, or placed for a transfer).
  void callAdded(tipring::client::Call* call);

private:
  Account(std::unique_ptr<UserAgent> ua, std::unique_ptr<SystemRandom> random,
          CallMediaFactory media_factory);
  void on_ready_read();
  void on_event(const UaEvent& event);
  void on_incoming(const UaEvent& event);
  void on_transfer_requested(const UaEvent& event);
  Call* adopt(CallHandle handle, std::unique_ptr<CallMedia> media);
  Call* find(CallHandle handle) const;

  std::unique_ptr<SystemRandom> random_;
  std::unique_ptr<UserAgent> ua_;
  CallMediaFactory media_factory_;
  QUdpSocket socket_;
  QTimer timer_;
  QList<QPointer<Call>> calls_;
  bool was_registered_ = false;
  bool pumping_ = false;
};

}  // namespace tipring::client
