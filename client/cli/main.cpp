// tipring-cli: the client core without a GUI (see --help). Wires the command line, the
// password source, standard input and SIGINT/SIGTERM to a CliSession on the Qt event loop.
#include "client/cli/cli_media.h"
#include "client/cli/cli_options.h"
#include "client/cli/cli_session.h"
#include "client/cli/event_printer.h"
#include "client/cli/line_tools.h"
#include "client/cli/password_source.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QSocketNotifier>
#include <QTextStream>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

int signal_pipe[2] = {-1, -1};

void on_signal(int signal_number) {
  const char byte = static_cast<char>(signal_number);
  (void)!::write(signal_pipe[1], &byte, 1);
}

// Lines from standard input, without blocking the event loop.
class StdinLines : public QObject {
public:
  StdinLines(std::function<void(const QString&)> on_line, QObject* parent)
      : QObject(parent),
        notifier_(STDIN_FILENO, QSocketNotifier::Read, this),
        on_line_(std::move(on_line)) {
    connect(&notifier_, &QSocketNotifier::activated, this, [this] { read_some(); });
  }

private:
  void read_some() {
    char chunk[4096];
    const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (n <= 0) {
      notifier_.setEnabled(false);  // end of input: keep running on events alone
      return;
    }
    buffer_.append(chunk, static_cast<qsizetype>(n));
    for (qsizetype end = buffer_.indexOf('\n'); end >= 0; end = buffer_.indexOf('\n')) {
      const QString line = QString::fromUtf8(buffer_.left(end)).trimmed();
      buffer_.remove(0, end + 1);
      on_line_(line);
    }
  }

  QSocketNotifier notifier_;
  std::function<void(const QString&)> on_line_;
  QByteArray buffer_;
};

}  // namespace

int main(int argc, char* argv[]) {
  // The line tools are file in, file out: no event loop, no account.
  if (argc > 1 && tipring::client::is_line_tool(argv[1])) {
    return tipring::client::run_line_tool(std::vector<std::string>(argv + 1, argv + argc),
                                          std::cout, std::cerr);
  }
  QCoreApplication app(argc, argv);
  QCoreApplication::setApplicationName(QStringLiteral("tipring-cli"));
  QCoreApplication::setApplicationVersion(QStringLiteral(TIPRING_VERSION));
  using namespace tipring::client;

  QTextStream out(stdout);
  QTextStream err(stderr);
  if (is_keychain_command(argv[1])) {
    QFile input;
    (void)input.open(stdin, QIODevice::ReadOnly);
    return run_keychain_command(QCoreApplication::arguments().mid(2), input, out, err);
  }
  const CliParseResult parsed = parse_cli(QCoreApplication::arguments());
  if (!parsed.help_text.isEmpty()) {
    out << parsed.help_text << '\n';
    return kExitOk;
  }
  if (!parsed.options) {
    err << "tipring-cli: " << parsed.error << "\nTry tipring-cli --help.\n";
    return kExitUsage;
  }
  const CliOptions& options = *parsed.options;
  const PasswordResult password = options.password.keychain
                                      ? PasswordResult{QString(), {}}  // the account reads it
                                      : read_password(options.password, options.account);
  if (!password.password) {
    err << "tipring-cli: " << password.error << '\n';
    return kExitUsage;
  }
  if (!options.play_wav.isEmpty() && !QFileInfo(options.play_wav).isReadable()) {
    err << "tipring-cli: --play: cannot read '" << options.play_wav << "'\n";
    return kExitUsage;
  }
  EventPrinter printer(out, options.json);
  std::unique_ptr<CliSession> session_owner;
  if (options.line) {
    const QHostAddress bind = options.bind_address.isEmpty() ? QHostAddress(QHostAddress::AnyIPv4)
                                                             : QHostAddress(options.bind_address);
    session_owner = std::make_unique<CliSession>(options, *password.password, printer,
                                                 std::make_shared<LinePort::MediaFactory>(bind));
  } else {
    auto media = make_cli_media_factory(options);
    if (!media) {
      err << "tipring-cli: " << QString::fromStdString(media.error().describe()) << '\n';
      return kExitUsage;
    }
    session_owner =
        std::make_unique<CliSession>(options, *password.password, printer, std::move(*media));
  }
  CliSession& session = *session_owner;
  QObject::connect(&session, &CliSession::finished, &app,
                   [](int code) { QCoreApplication::exit(code); });

  if (::pipe(signal_pipe) == 0) {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    auto* notifier = new QSocketNotifier(signal_pipe[0], QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, [&session] {
      char byte = 0;
      (void)!::read(signal_pipe[0], &byte, 1);
      session.finish(session.exit_code_so_far());
    });
  }
  if (options.interactive) {
    new StdinLines([&session](const QString& line) { session.command(line); }, &app);
  }
  session.start();
  return QCoreApplication::exec();
}
