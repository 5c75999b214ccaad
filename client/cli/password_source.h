// Where tipring-cli gets an account password: a file, an environment variable, an
// interactive prompt or the OS keychain, never the command line (it would show in `ps` and
// shell history). `tipring-cli keychain set|delete ACCOUNT` fills and empties the keychain.
#pragma once

#include <QIODevice>
#include <QString>
#include <QStringList>
#include <QTextStream>
#include <optional>

namespace tipring::client {

struct PasswordSource {
  QString file;          // --password-file: first line of the file
  QString env_variable;  // --password-env: name of an environment variable
  bool allow_prompt = true;
  bool keychain = false;  // --password-keychain: the account reads it from PasswordStore
};

struct PasswordResult {
  std::optional<QString> password;
  QString error;  // human-readable reason when password is empty
};

// Tries the file, then the environment variable, then (if standard input is a terminal and
// prompting is allowed) asks without echo.
PasswordResult read_password(const PasswordSource& source, const QString& account);

// The first line of `content`, without its line ending (CRLF or LF).
QString first_line(const QByteArray& content);

// `tipring-cli keychain set ACCOUNT` stores the first line of `input` (standard input) as
// the account's password; `tipring-cli keychain delete ACCOUNT` removes it. `arguments` are
// those after "keychain". Runs the event loop until the keychain answers; returns the exit
// code (0 done, 2 usage, 3 the keychain refused, with the reason on `err`).
bool is_keychain_command(const char* first_argument);
int run_keychain_command(const QStringList& arguments, QIODevice& input, QTextStream& out,
                         QTextStream& err, const QString& service = QStringLiteral("tipring"));

}  // namespace tipring::client
