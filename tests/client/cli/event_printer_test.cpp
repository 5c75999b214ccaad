#include "client/cli/event_printer.h"

#include <QJsonDocument>

#include <gtest/gtest.h>

namespace tipring::client {
namespace {

TEST(EventPrinter, JsonLineCarriesEventNameAndFields) {
  QString buffer;
  QTextStream out(&buffer);
  EventPrinter printer(out, true);
  printer.print("ended", {{"reason", "remote hang-up"}, {"duration_s", 12.5}});
  ASSERT_TRUE(buffer.endsWith('\n'));
  EXPECT_EQ(buffer.count('\n'), 1);
  const auto doc = QJsonDocument::fromJson(buffer.toUtf8());
  ASSERT_TRUE(doc.isObject());
  EXPECT_EQ(doc.object().value("event").toString(), "ended");
  EXPECT_EQ(doc.object().value("reason").toString(), "remote hang-up");
  EXPECT_DOUBLE_EQ(doc.object().value("duration_s").toDouble(), 12.5);
}

TEST(EventPrinter, TextLineIsReadable) {
  QString buffer;
  QTextStream out(&buffer);
  EventPrinter printer(out, false);
  EXPECT_EQ(printer.format("registered", {{"account", "alice@example.org"}, {"ok", true}}),
            "registered account=alice@example.org ok=yes");
}

}  // namespace
}  // namespace tipring::client
