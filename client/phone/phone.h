// Phone: the root object the GUI and tipring-cli hold — the accounts, every call of every
// account (live and ended: the call history), and the audio device choice that each new
// call's media session opens. Widgets and the CLI bind to its signals; it has no widget
// types and no global state.
#pragma once

#include "client/phone/account.h"
#include "client/phone/call.h"

#include <QList>
#include <QObject>
#include <memory>
#include <vector>

namespace tipring::client {

class Phone : public QObject {
  Q_OBJECT
  Q_PROPERTY(int accountCount READ accountCount NOTIFY accountsChanged)
  Q_PROPERTY(int liveCallCount READ liveCallCount NOTIFY callsChanged)

public:
  explicit Phone(CallMediaFactory media_factory, QObject* parent = nullptr);
  ~Phone() override;
  Phone(const Phone&) = delete;
  Phone& operator=(const Phone&) = delete;

  // Opens (binds) and starts an account; null with `error` set when it cannot be opened.
  Account* addAccount(const AccountSettings& settings, QString* error = nullptr);
  [[nodiscard]] QList<Account*> accounts() const;
  [[nodiscard]] int accountCount() const { return static_cast<int>(accounts_.size()); }

  // Every call in the order it started, ended ones included (the history).
  [[nodiscard]] QList<Call*> calls() const { return calls_; }
  [[nodiscard]] int liveCallCount() const;
  // The media each new call opens; the GUI changes it when the user picks other devices.
  void setMediaFactory(CallMediaFactory factory);

  // Hangs up every call and unregisters every account.
  void shutdown();

signals:
  void accountsChanged();
  void callsChanged();
  void callAdded(tipring::client::Call* call);
  void incomingCall(tipring::client::Call* call);
  void callEnded(tipring::client::Call* call);

private:
  std::shared_ptr<CallMediaFactory> media_factory_;  // shared with the accounts' factories
  std::vector<std::unique_ptr<Account>> accounts_;
  QList<Call*> calls_;
};

}  // namespace tipring::client
