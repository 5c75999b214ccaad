// Logger: structured log lines on stderr for tipring-relay, one event per line as
// key=value text or JSON. When stderr is the systemd journal (JOURNAL_STREAM, see
// systemd.exec(5)) each line starts with a "<N>" syslog priority (RFC 5424 §6.2.1 severity)
// so journald records the level. Start-up, reload and per-dialog events only: never a
// per-packet path.
#pragma once

#include <chrono>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>

namespace tipring::relay {

// Values are the syslog severities journald understands.
enum class LogLevel { error = 3, warning = 4, notice = 5, info = 6, debug = 7 };
enum class LogFormat { text, json };
// automatic: prefix only when stderr is the journal; always/never: operator's choice.
enum class SyslogPrefix { automatic, always, never };

std::string_view to_string(LogLevel level);

struct LogField {
  std::string_view key;
  std::string value;
};

class Logger {
public:
  using Sink = std::function<void(std::string_view line)>;
  using WallClock = std::function<std::chrono::system_clock::time_point()>;

  // `sink` receives each complete line including its '\n'. `wall_clock` stamps lines that
  // do not go to the journal (the journal stamps its own).
  Logger(LogLevel level, LogFormat format, bool syslog_prefix, Sink sink, WallClock wall_clock);

  // Writes to stderr (fd 2), deciding the prefix from JOURNAL_STREAM when `automatic`.
  static Logger to_stderr(LogLevel level, LogFormat format, SyslogPrefix prefix);

  [[nodiscard]] bool enabled(LogLevel level) const { return level <= level_; }
  void log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {});
  void error(std::string_view message, std::initializer_list<LogField> fields = {}) {
    log(LogLevel::error, message, fields);
  }
  void warning(std::string_view message, std::initializer_list<LogField> fields = {}) {
    log(LogLevel::warning, message, fields);
  }
  void notice(std::string_view message, std::initializer_list<LogField> fields = {}) {
    log(LogLevel::notice, message, fields);
  }
  void info(std::string_view message, std::initializer_list<LogField> fields = {}) {
    log(LogLevel::info, message, fields);
  }
  void debug(std::string_view message, std::initializer_list<LogField> fields = {}) {
    log(LogLevel::debug, message, fields);
  }

  [[nodiscard]] LogLevel level() const { return level_; }
  void set_level(LogLevel level) { level_ = level; }
  void set_format(LogFormat format) { format_ = format; }

private:
  std::string format_line(LogLevel level, std::string_view message,
                          std::initializer_list<LogField> fields) const;

  LogLevel level_;
  LogFormat format_;
  bool syslog_prefix_;
  Sink sink_;
  WallClock wall_clock_;
};

// True when JOURNAL_STREAM ("<device>:<inode>") names the file that `fd` is open on.
bool fd_is_journal_stream(const char* journal_stream, int fd);

}  // namespace tipring::relay
