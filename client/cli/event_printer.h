// How tipring-cli reports what happens: with --json one compact JSON object per line on
// standard output (for scripts and tests), otherwise one readable line per event.
#pragma once

#include <QJsonObject>
#include <QString>
#include <QTextStream>

namespace tipring::client {

class EventPrinter {
public:
  EventPrinter(QTextStream& out, bool json) : out_(out), json_(json) {}

  // `event` is the event name ("registered", "incoming", "ended", ...); `fields` its data.
  void print(const QString& event, const QJsonObject& fields = {});

  // The line print() writes, without the newline; exposed for tests.
  [[nodiscard]] QString format(const QString& event, const QJsonObject& fields) const;

private:
  QTextStream& out_;
  bool json_;
};

}  // namespace tipring::client
