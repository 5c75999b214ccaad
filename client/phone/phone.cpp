#include "client/phone/phone.h"

namespace tipring::client {

Phone::Phone(CallMediaFactory media_factory, QObject* parent)
    : QObject(parent),
      media_factory_(std::make_shared<CallMediaFactory>(std::move(media_factory))) {}

Phone::~Phone() {
  calls_.clear();
  accounts_.clear();
}

void Phone::setMediaFactory(CallMediaFactory factory) {
  *media_factory_ = std::move(factory);
}

Account* Phone::addAccount(const AccountSettings& settings, QString* error) {
  // Each account asks the phone's current factory, so a device change applies to the
  // next call of every account.
  std::shared_ptr<CallMediaFactory> factory = media_factory_;
  auto account = Account::open(settings, [factory]() { return (*factory)(); });
  if (!account) {
    if (error != nullptr) {
      *error = QString::fromStdString(account.error().detail);
    }
    return nullptr;
  }
  Account* a = account->get();
  connect(a, &Account::callAdded, this, [this](Call* call) {
    calls_.append(call);
    connect(call, &Call::ended, this, [this, call] {
      emit callEnded(call);
      emit callsChanged();
    });
    connect(call, &QObject::destroyed, this, [this, call] { calls_.removeAll(call); });
    emit callAdded(call);
    emit callsChanged();
  });
  connect(a, &Account::incomingCall, this, &Phone::incomingCall);
  accounts_.push_back(std::move(*account));
  emit accountsChanged();
  a->start();
  return a;
}

QList<Account*> Phone::accounts() const {
  QList<Account*> out;
  for (const auto& a : accounts_) {
    out.append(a.get());
  }
  return out;
}

int Phone::liveCallCount() const {
  int n = 0;
  for (const Call* call : calls_) {
    n += call->isEnded() ? 0 : 1;
  }
  return n;
}

void Phone::shutdown() {
  for (const auto& a : accounts_) {
    a->stop();
  }
}

}  // namespace tipring::client
