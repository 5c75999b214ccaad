#include "client/phone/network_watch.h"

#include <QNetworkInformation>

namespace tipring::client {
namespace {
// How often the fallback compares interface addresses: a roaming laptop re-registers within
// this long, and listing interfaces is cheap.
constexpr std::chrono::milliseconds kPollInterval{5000};
}  // namespace

QStringList usable_addresses(const QList<QNetworkInterface>& interfaces) {
  QStringList out;
  for (const QNetworkInterface& i : interfaces) {
    const auto flags = i.flags();
    if (!flags.testFlag(QNetworkInterface::IsUp) || !flags.testFlag(QNetworkInterface::IsRunning) ||
        flags.testFlag(QNetworkInterface::IsLoopBack)) {
      continue;
    }
    for (const QNetworkAddressEntry& e : i.addressEntries()) {
      out.append(e.ip().toString());
    }
  }
  out.sort();
  return out;
}

SystemNetworkWatch::SystemNetworkWatch(QObject* parent)
    : SystemNetworkWatch(Mode::backend_or_poll, kPollInterval, parent) {}

SystemNetworkWatch::SystemNetworkWatch(Mode mode, std::chrono::milliseconds poll_interval,
                                       QObject* parent)
    : NetworkChangeSource(parent) {
  if (mode == Mode::backend_or_poll && QNetworkInformation::loadDefaultBackend()) {
    QNetworkInformation* info = QNetworkInformation::instance();
    if (info != nullptr && info->supports(QNetworkInformation::Feature::Reachability)) {
      uses_backend_ = true;
      // The backend reports its first reading asynchronously: a change from "unknown" is
      // not a change of network, and going offline leaves nothing to register from.
      reachability_ = info->reachability();
      medium_ = info->transportMedium();
      connect(info, &QNetworkInformation::reachabilityChanged, this,
              [this](QNetworkInformation::Reachability r) {
                const bool was_known = reachability_ != QNetworkInformation::Reachability::Unknown;
                reachability_ = r;
                if (was_known && r != QNetworkInformation::Reachability::Disconnected &&
                    r != QNetworkInformation::Reachability::Unknown) {
                  emit changed(QStringLiteral("network reachability changed"));
                }
              });
      connect(info, &QNetworkInformation::transportMediumChanged, this,
              [this](QNetworkInformation::TransportMedium m) {
                const bool was_known = medium_ != QNetworkInformation::TransportMedium::Unknown;
                medium_ = m;
                if (was_known && m != QNetworkInformation::TransportMedium::Unknown) {
                  emit changed(QStringLiteral("network transport changed"));
                }
              });
      return;
    }
  }
  addresses_ = usable_addresses(QNetworkInterface::allInterfaces());
  connect(&poll_timer_, &QTimer::timeout, this, &SystemNetworkWatch::poll);
  poll_timer_.start(poll_interval);
}

void SystemNetworkWatch::poll() {
  QStringList now = usable_addresses(QNetworkInterface::allInterfaces());
  if (now != addresses_) {
    addresses_ = std::move(now);
    emit changed(QStringLiteral("local addresses changed"));
  }
}

}  // namespace tipring::client
