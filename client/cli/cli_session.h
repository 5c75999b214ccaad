// CliSession: what tipring-cli does with a Phone — register, place --call, answer or reject
// incoming calls, send --dtmf, hang up after --hangup-after, obey interactive commands, or
// with --line put the account behind a POTS line and its telephone (CliLine) —
// printing every event through EventPrinter and deciding the exit code (cli_options.h).
#pragma once

#include "client/cli/cli_line.h"
#include "client/cli/cli_options.h"
#include "client/cli/event_printer.h"
#include "client/phone/phone.h"

#include <QObject>
#include <QTimer>

namespace tipring::client {

class CliSession : public QObject {
  Q_OBJECT
public:
  CliSession(CliOptions options, QString password, EventPrinter& printer,
             CallMediaFactory media_factory);
  // --line: the account's calls carry their audio through `line_media`'s line.
  CliSession(CliOptions options, QString password, EventPrinter& printer,
             std::shared_ptr<LinePort::MediaFactory> line_media);
  ~CliSession() override;

  // Opens the account and registers; failures end the session with kExitRegistration.
  void start();
  // One interactive command line ("call bob", "dtmf 12#", "hangup", ...).
  void command(const QString& line);
  // Hangs up, unregisters (waiting briefly for the registrar) and ends with `exit_code`.
  void finish(int exit_code);
  // The exit code the session would end with now (for a signal).
  [[nodiscard]] int exit_code_so_far() const;

signals:
  void finished(int exit_code);

private:
  void on_registered();
  void on_registration_failed(const QString& reason);
  void place_call(const QString& target);
  void watch(Call* call);
  void on_incoming(Call* call);
  void on_answered(Call* call);
  void on_ended(Call* call);
  void print_stats(Call* call);
  [[nodiscard]] Call* current_call() const;
  [[nodiscard]] QJsonObject call_fields(const Call* call) const;

  CliOptions options_;
  QString password_;
  EventPrinter& printer_;
  Phone phone_;
  Account* account_ = nullptr;
  std::shared_ptr<LinePort::MediaFactory> line_media_;
  std::unique_ptr<CliLine> line_;
  bool ever_registered_ = false;
  bool placed_initial_call_ = false;
  bool finishing_ = false;
  int calls_ended_ = 0;
  int calls_failed_ = 0;
};

}  // namespace tipring::client
