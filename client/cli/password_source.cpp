#include "client/cli/password_source.h"

#include "client/phone/password_store.h"

#include <QEventLoop>
#include <QFile>
#include <QFileDevice>
#include <cstdio>
#include <iostream>
#include <string>

#ifdef _WIN32
#include <windows.h>
#else
#include <termios.h>
#include <unistd.h>
#endif

namespace tipring::client {
namespace {

bool stdin_is_terminal() {
#ifdef _WIN32
  DWORD mode = 0;
  return GetConsoleMode(GetStdHandle(STD_INPUT_HANDLE), &mode) != 0;
#else
  return isatty(STDIN_FILENO) == 1;
#endif
}

// Reads one line from the terminal with echo switched off, restoring the mode afterwards.
std::optional<QString> prompt_without_echo(const QString& account) {
  std::cerr << "Password for " << account.toStdString() << ": " << std::flush;
#ifdef _WIN32
  HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
  DWORD old_mode = 0;
  GetConsoleMode(in, &old_mode);
  SetConsoleMode(in, old_mode & ~static_cast<DWORD>(ENABLE_ECHO_INPUT));
  std::string line;
  const bool ok = static_cast<bool>(std::getline(std::cin, line));
  SetConsoleMode(in, old_mode);
#else
  termios old_mode{};
  tcgetattr(STDIN_FILENO, &old_mode);
  termios silent = old_mode;
  silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent);
  std::string line;
  const bool ok = static_cast<bool>(std::getline(std::cin, line));
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &old_mode);
#endif
  std::cerr << '\n';
  if (!ok) {
    return std::nullopt;
  }
  return first_line(QByteArray::fromStdString(line));
}

}  // namespace

QString first_line(const QByteArray& content) {
  qsizetype end = content.indexOf('\n');
  if (end < 0) {
    end = content.size();
  }
  if (end > 0 && content.at(end - 1) == '\r') {
    --end;
  }
  return QString::fromUtf8(content.left(end));
}

PasswordResult read_password(const PasswordSource& source, const QString& account) {
  if (!source.file.isEmpty()) {
    QFile file(source.file);
    if (!file.open(QIODevice::ReadOnly)) {
      return {
          std::nullopt,
          QStringLiteral("cannot read password file %1: %2").arg(source.file, file.errorString())};
    }
    const QString password = first_line(file.readAll());
    if (password.isEmpty()) {
      return {std::nullopt, QStringLiteral("password file %1 is empty").arg(source.file)};
    }
    return {password, {}};
  }
  if (!source.env_variable.isEmpty()) {
    const QByteArray value = qgetenv(source.env_variable.toLocal8Bit().constData());
    if (value.isEmpty()) {
      return {std::nullopt,
              QStringLiteral("environment variable %1 is not set").arg(source.env_variable)};
    }
    return {QString::fromUtf8(value), {}};
  }
  if (source.allow_prompt && stdin_is_terminal()) {
    if (auto password = prompt_without_echo(account)) {
      return {password, {}};
    }
    return {std::nullopt, QStringLiteral("no password entered")};
  }
  return {std::nullopt,
          QStringLiteral("no password: use --password-file or --password-env (a password is never "
                         "taken from the command line)")};
}

bool is_keychain_command(const char* first_argument) {
  return first_argument != nullptr && std::string_view(first_argument) == "keychain";
}

int run_keychain_command(const QStringList& arguments, QIODevice& input, QTextStream& out,
                         QTextStream& err, const QString& service) {
  const QString usage = QStringLiteral(
      "usage: tipring-cli keychain set ACCOUNT    (the password is read from standard input)\n"
      "       tipring-cli keychain delete ACCOUNT");
  if (arguments.size() != 2 ||
      (arguments[0] != QLatin1String("set") && arguments[0] != QLatin1String("delete"))) {
    err << usage << '\n';
    return 2;
  }
  const QString key = keychain_key(arguments[1]);
  const bool set = arguments[0] == QLatin1String("set");
  const QString password = set ? first_line(input.readAll()) : QString();
  if (set && password.isEmpty()) {
    err << "tipring-cli: no password on standard input\n";
    return 2;
  }
  PasswordStore store(service);
  QEventLoop loop;
  std::optional<KeychainOutcome> outcome;
  const auto done = [&](const KeychainOutcome& o) {
    outcome = o;
    loop.quit();
  };
  if (set) {
    store.write(key, password, done);
  } else {
    store.remove(key, done);
  }
  if (!outcome) {
    loop.exec();  // the keychain always answers: a missing service is an error, not a hang
  }
  const KeychainOutcome result = outcome.value_or(KeychainOutcome{});
  if (!result.ok()) {
    err << "tipring-cli: " << result.error << '\n';
    err.flush();
    return 3;
  }
  out << (set ? "stored" : "deleted") << " the password of " << key << '\n';
  out.flush();
  return 0;
}

}  // namespace tipring::client
