#include "client/cli/event_printer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>

namespace tipring::client {

QString EventPrinter::format(const QString& event, const QJsonObject& fields) const {
  if (json_) {
    QJsonObject object = fields;
    object.insert(QStringLiteral("event"), event);
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
  }
  QStringList parts{event};
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    const QJsonValue v = it.value();
    QString text;
    if (v.isString()) {
      text = v.toString();
    } else if (v.isBool()) {
      text = v.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
    } else if (v.isDouble()) {
      text = QString::number(v.toDouble());
    } else {
      const QJsonDocument doc =
          v.isObject() ? QJsonDocument(v.toObject()) : QJsonDocument(v.toArray());
      text = QString::fromUtf8(doc.toJson(QJsonDocument::Compact));
    }
    parts << QStringLiteral("%1=%2").arg(it.key(), text);
  }
  return parts.join(QLatin1Char(' '));
}

void EventPrinter::print(const QString& event, const QJsonObject& fields) {
  out_ << format(event, fields) << '\n';
  out_.flush();
}

}  // namespace tipring::client
