// Call: one call as the GUI and tipring-cli see it — state, peer, direction, duration,
// mute and hold as properties, the user's actions as slots — over a CallSession of the
// account's UserAgent and the call's media (its one RTP socket). It stays after the call
// ends as the call-history entry.
#pragma once

#include "client/phone/call_media.h"
#include "client/ua/call_session.h"

#include <QObject>
#include <QString>
#include <memory>

namespace tipring::client {

class Account;

class Call : public QObject {
  Q_OBJECT
  Q_PROPERTY(QString state READ state NOTIFY stateChanged)
  Q_PROPERTY(QString peer READ peer CONSTANT)
  Q_PROPERTY(QString direction READ direction CONSTANT)
  Q_PROPERTY(int duration READ duration NOTIFY stateChanged)
  Q_PROPERTY(bool muted READ muted WRITE setMuted NOTIFY mutedChanged)
  Q_PROPERTY(bool held READ held NOTIFY heldChanged)
  Q_PROPERTY(bool remoteHeld READ remoteHeld NOTIFY heldChanged)
  Q_PROPERTY(QString endReason READ endReason NOTIFY ended)

public:
  Call(Account& account, CallHandle handle, std::unique_ptr<CallMedia> media);
  ~Call() override;
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;

  [[nodiscard]] QString state() const;
  [[nodiscard]] QString peer() const;
  [[nodiscard]] QString direction() const;
  // Seconds since the answer (0 before it); frozen at the end.
  [[nodiscard]] int duration() const;
  [[nodiscard]] bool muted() const { return muted_; }
  [[nodiscard]] bool held() const { return record_and_flags().local_hold; }
  [[nodiscard]] bool remoteHeld() const { return record_and_flags().remote_hold; }
  [[nodiscard]] QString endReason() const;
  [[nodiscard]] bool isEnded() const { return last_.state == CallState::ended; }
  [[nodiscard]] const CallRecord& record() const { return last_.record; }
  [[nodiscard]] CallHandle handle() const { return handle_; }
  [[nodiscard]] CallMedia* media() const { return media_.get(); }
  [[nodiscard]] QJsonObject stats() const;

  // For Account: the core reported something about this call.
  // One transition of the session, in the order the core made them.
  void on_state_changed(CallState reached);
  void on_media(const sdp::NegotiatedMedia& media);
  void on_hold_changed();
  void on_dtmf(char digit);
  void on_transfer_failed(int status);

public slots:
  void answer();
  void reject(int status_code = 486);
  void hangup();
  void hold();
  void resume();
  void setMuted(bool muted);
  // Digits 0-9 * # A-D: RFC 4733 events when negotiated, SIP INFO otherwise.
  void sendDtmf(const QString& digits);
  // Blind transfer to a dial string.
  void transfer(const QString& target);

signals:
  void stateChanged(const QString& state);
  void ringing();
  void answered();
  void ended(const QString& reason);
  void heldChanged(bool held);
  void mutedChanged(bool muted);
  void dtmfReceived(const QString& digit);
  void transferFailed(int status);
  // An action could not be done (wrong state, media failed), in words.
  void failed(const QString& reason);

private:
  struct Snapshot {
    CallState state = CallState::calling;
    CallRecord record;
    bool local_hold = false;
    bool remote_hold = false;
  };
  [[nodiscard]] const Snapshot& record_and_flags() const { return last_; }
  CallSession* session() const;
  void refresh();

  Account& account_;
  CallHandle handle_;
  std::unique_ptr<CallMedia> media_;
  Snapshot last_;  // what the session said last; kept after the session is gone
  CallState reported_ = CallState::calling;  // the last state our signals announced
  bool muted_ = false;
};

}  // namespace tipring::client
