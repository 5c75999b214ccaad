#include "relay_server/app/log.h"

#include <array>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include <sys/stat.h>
#include <unistd.h>

namespace tipring::relay {
namespace {

bool needs_quotes(std::string_view value) {
  if (value.empty()) {
    return true;
  }
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || u < 0x20 || u == 0x7f) {
      return true;
    }
  }
  return false;
}

// Escapes for both forms: a JSON string body, and a quoted logfmt value.
void append_escaped(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          std::array<char, 8> hex{};
          std::snprintf(hex.data(), hex.size(), "\\u%04x", static_cast<unsigned char>(c));
          out += hex.data();
        } else {
          out += c;
        }
    }
  }
}

void append_text_value(std::string& out, std::string_view value) {
  if (!needs_quotes(value)) {
    out += value;
    return;
  }
  out += '"';
  append_escaped(out, value);
  out += '"';
}

void append_json_pair(std::string& out, std::string_view key, std::string_view value) {
  out += '"';
  append_escaped(out, key);
  out += "\":\"";
  append_escaped(out, value);
  out += '"';
}

std::string rfc3339_utc(std::chrono::system_clock::time_point when) {
  const auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(when);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(when - seconds).count();
  const std::time_t t = std::chrono::system_clock::to_time_t(seconds);
  std::tm utc{};
  ::gmtime_r(&t, &utc);
  std::array<char, 96> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                utc.tm_sec, static_cast<int>(millis));
  return buffer.data();
}

}  // namespace

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::error:
      return "error";
    case LogLevel::warning:
      return "warning";
    case LogLevel::notice:
      return "notice";
    case LogLevel::info:
      return "info";
    case LogLevel::debug:
      return "debug";
  }
  return "unknown";
}

Logger::Logger(LogLevel level, LogFormat format, bool syslog_prefix, Sink sink,
               WallClock wall_clock)
    : level_(level),
      format_(format),
      syslog_prefix_(syslog_prefix),
      sink_(std::move(sink)),
      wall_clock_(std::move(wall_clock)) {}

Logger Logger::to_stderr(LogLevel level, LogFormat format, SyslogPrefix prefix) {
  const bool journal = fd_is_journal_stream(std::getenv("JOURNAL_STREAM"), STDERR_FILENO);
  const bool use_prefix =
      prefix == SyslogPrefix::always || (prefix == SyslogPrefix::automatic && journal);
  // The journal stamps lines itself; an empty clock tells format_line to leave ts out.
  WallClock clock;
  if (!journal) {
    clock = [] { return std::chrono::system_clock::now(); };
  }
  return Logger(
      level, format, use_prefix,
      [](std::string_view line) {
        // One write per line so concurrent writers (media workers) never interleave inside it.
        [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
      },
      std::move(clock));
}

void Logger::log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
  if (!enabled(level)) {
    return;
  }
  sink_(format_line(level, message, fields));
}

std::string Logger::format_line(LogLevel level, std::string_view message,
                                std::initializer_list<LogField> fields) const {
  std::string line;
  line.reserve(128);
  if (syslog_prefix_) {
    line += '<';
    line += static_cast<char>('0' + static_cast<int>(level));
    line += '>';
  }
  if (format_ == LogFormat::json) {
    line += '{';
    if (wall_clock_) {
      append_json_pair(line, "ts", rfc3339_utc(wall_clock_()));
      line += ',';
    }
    append_json_pair(line, "level", to_string(level));
    line += ',';
    append_json_pair(line, "msg", message);
    for (const auto& field : fields) {
      line += ',';
      append_json_pair(line, field.key, field.value);
    }
    line += "}\n";
    return line;
  }
  if (wall_clock_) {
    line += "ts=";
    line += rfc3339_utc(wall_clock_());
    line += ' ';
  }
  line += "level=";
  line += to_string(level);
  line += " msg=";
  append_text_value(line, message);
  for (const auto& field : fields) {
    line += ' ';
    line += field.key;
    line += '=';
    append_text_value(line, field.value);
  }
  line += '\n';
  return line;
}

bool fd_is_journal_stream(const char* journal_stream, int fd) {
  if (journal_stream == nullptr) {
    return false;
  }
  const std::string_view text(journal_stream);
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    return false;
  }
  unsigned long long device = 0;
  unsigned long long inode = 0;
  const auto* dev_end = text.data() + colon;
  const auto* ino_end = text.data() + text.size();
  if (std::from_chars(text.data(), dev_end, device).ptr != dev_end ||
      std::from_chars(dev_end + 1, ino_end, inode).ptr != ino_end) {
    return false;
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    return false;
  }
  return info.st_dev == device && info.st_ino == inode;
}

}  // namespace tipring::relay
