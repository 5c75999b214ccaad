#include "client/phone/password_store.h"

#include <qt6keychain/keychain.h>

namespace tipring::client {
namespace {

// libsecret reports a missing Secret Service or session bus as a D-Bus error, not as
// qtkeychain's NoBackendAvailable; these are the texts D-Bus and GLib use for it.
bool says_no_service(const QString& text) {
  static const char* const kMarks[] = {
      "org.freedesktop.secrets",        // "The name org.freedesktop.secrets was not provided"
      "ServiceUnknown",                 // org.freedesktop.DBus.Error.ServiceUnknown
      "DBUS_SESSION_BUS_ADDRESS",       // no session bus at all
      "Cannot autolaunch D-Bus",        // ... and none could be started
      "Could not connect",              // GDBus: the bus address names no listener
      "No keychain service available",  // qtkeychain's own words (no backend found)
  };
  for (const char* mark : kMarks) {
    if (text.contains(QLatin1String(mark), Qt::CaseInsensitive)) {
      return true;
    }
  }
  return false;
}

KeychainOutcome outcome_of(const QKeychain::Job& job, const QString& account) {
  KeychainOutcome o;
  o.account = account;
  switch (job.error()) {
    case QKeychain::NoError:
      o.status = KeychainOutcome::Status::ok;
      return o;
    case QKeychain::EntryNotFound:
      o.status = KeychainOutcome::Status::not_found;
      o.error = QStringLiteral("no password stored for %1").arg(account);
      return o;
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
      o.status = KeychainOutcome::Status::denied;
      o.error = QStringLiteral("keychain access denied: %1").arg(job.errorString());
      return o;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
      o.status = KeychainOutcome::Status::no_service;
      break;
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::OtherError:
      o.status = says_no_service(job.errorString()) ? KeychainOutcome::Status::no_service
                                                    : KeychainOutcome::Status::failed;
      break;
  }
  o.error = o.status == KeychainOutcome::Status::no_service
                ? QStringLiteral("no keychain service available (%1)").arg(job.errorString())
                : QStringLiteral("keychain: %1").arg(job.errorString());
  return o;
}

// Runs `job` and answers through `done` and `signal` once it finishes. The job is a child of
// the store, so a store destroyed first takes its jobs, and their answers, with it.
template <class Signal>
void run(PasswordStore* store, QKeychain::Job* job, const QString& account,
         PasswordStore::Callback done, Signal signal,
         std::function<void(KeychainOutcome&)> complete = {}) {
  job->setAutoDelete(true);
  job->setKey(account);
  QObject::connect(job, &QKeychain::Job::finished, store,
                   [store, account, done = std::move(done), signal,
                    complete = std::move(complete)](QKeychain::Job* finished) {
                     KeychainOutcome outcome = outcome_of(*finished, account);
                     if (outcome.ok() && complete) {
                       complete(outcome);
                     }
                     if (done) {
                       done(outcome);
                     }
                     emit(store->*signal)(outcome);
                   });
  job->start();
}

}  // namespace

QString keychain_key(const QString& aor) {
  QString t = aor.trimmed();
  if (t.startsWith(QLatin1String("sip:")) || t.startsWith(QLatin1String("sips:"))) {
    return t;
  }
  return QStringLiteral("sip:") + t;
}

PasswordStore::PasswordStore(QString service, QObject* parent)
    : QObject(parent), service_(std::move(service)) {}

void PasswordStore::read(const QString& account, Callback done) {
  auto* job = new QKeychain::ReadPasswordJob(service_, this);
  run(this, job, account, std::move(done), &PasswordStore::passwordRead,
      [job](KeychainOutcome& o) { o.password = job->textData(); });
}

void PasswordStore::write(const QString& account, const QString& password, Callback done) {
  auto* job = new QKeychain::WritePasswordJob(service_, this);
  job->setTextData(password);
  run(this, job, account, std::move(done), &PasswordStore::passwordWritten);
}

void PasswordStore::remove(const QString& account, Callback done) {
  auto* job = new QKeychain::DeletePasswordJob(service_, this);
  run(this, job, account, std::move(done), &PasswordStore::passwordRemoved);
}

}  // namespace tipring::client
