// Where an account learns that the local network changed, so that it opens a fresh flow and
// registers again at once (RFC 5626 §4.4: a flow does not survive a new address). The system
// watch uses QNetworkInformation where a backend exists (NetworkManager, GLib) and otherwise
// compares the set of local interface addresses on a timer; tests inject their own source.
#pragma once

#include <QNetworkInformation>
#include <QNetworkInterface>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <chrono>
#include <cstdint>

namespace tipring::client {

class NetworkChangeSource : public QObject {
  Q_OBJECT
public:
  using QObject::QObject;

signals:
  // The network changed in a way that may have moved our address; `why` for the log.
  void changed(const QString& why);
};

// The addresses of interfaces that are up, running and not loopback, sorted: two calls
// compare equal exactly when no address came or went.
QStringList usable_addresses(const QList<QNetworkInterface>& interfaces);

class SystemNetworkWatch final : public NetworkChangeSource {
  Q_OBJECT
public:
  enum class Mode : std::uint8_t {
    backend_or_poll,  // QNetworkInformation when a backend runs, else polling
    poll,             // always compare interface addresses (tests; systems without a backend)
  };
  explicit SystemNetworkWatch(QObject* parent = nullptr);
  SystemNetworkWatch(Mode mode, std::chrono::milliseconds poll_interval, QObject* parent = nullptr);
  // True when a QNetworkInformation backend reports changes; false when polling.
  [[nodiscard]] bool uses_backend() const { return uses_backend_; }

private:
  void poll();

  QTimer poll_timer_;
  QStringList addresses_;
  QNetworkInformation::Reachability reachability_ = QNetworkInformation::Reachability::Unknown;
  QNetworkInformation::TransportMedium medium_ = QNetworkInformation::TransportMedium::Unknown;
  bool uses_backend_ = false;
};

}  // namespace tipring::client
