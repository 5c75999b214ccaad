// Where tipring-cli gets an account password: a file, an environment variable or an
// interactive prompt, never the command line (it would show in `ps` and shell history).
#pragma once

#include <QString>
#include <optional>

namespace tipring::client {

struct PasswordSource {
  QString file;          // --password-file: first line of the file
  QString env_variable;  // --password-env: name of an environment variable
  bool allow_prompt = true;
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

}  // namespace tipring::client
