// PasswordStore: account passwords kept in the operating system's keychain (the Secret
// Service over D-Bus on Linux, through qtkeychain and libsecret; Keychain on macOS; the
// Credential Manager on Windows), so that the GUI never writes them to a file. Every
// operation is asynchronous, as the keychain's are: it returns at once and answers once,
// on the event loop, through its callback and the matching signal.
#pragma once

#include <QObject>
#include <QString>
#include <cstdint>
#include <functional>

namespace tipring::client {

struct KeychainOutcome {
  enum class Status : std::uint8_t {
    ok,
    not_found,   // read or remove: no password is stored for that account
    no_service,  // no keychain service runs (no Secret Service on the session bus)
    denied,      // the user or the keychain refused access
    failed,      // anything else; `error` says what
  };
  Status status = Status::failed;
  QString account;
  QString password;  // read: the stored password when status is ok
  QString error;     // in words for a person; empty when status is ok
  [[nodiscard]] bool ok() const { return status == Status::ok; }
};

// The key an account's password is stored under: its AOR with the scheme made explicit
// ("alice@example.org" and "sip:alice@example.org" name the same item).
QString keychain_key(const QString& aor);

class PasswordStore : public QObject {
  Q_OBJECT
public:
  using Callback = std::function<void(const KeychainOutcome&)>;

  // `service` names the keychain items' owner ("tipring"); tests use their own.
  explicit PasswordStore(QString service = QStringLiteral("tipring"), QObject* parent = nullptr);

  // Each answers exactly once, through `done` (if given) and then the signal. An operation
  // still running when the store is destroyed answers nothing.
  void read(const QString& account, Callback done = {});
  void write(const QString& account, const QString& password, Callback done = {});
  void remove(const QString& account, Callback done = {});

  [[nodiscard]] QString service() const { return service_; }

signals:
  void passwordRead(const tipring::client::KeychainOutcome& outcome);
  void passwordWritten(const tipring::client::KeychainOutcome& outcome);
  void passwordRemoved(const tipring::client::KeychainOutcome& outcome);

private:
  QString service_;
};

}  // namespace tipring::client
