#include "relay_server/app/password_source.h"

#include <cstdio>

#include <termios.h>
#include <unistd.h>

namespace tipring::relay {
namespace {

constexpr std::string_view kRule = "password";
constexpr std::size_t kMaxPassword = 1024;

Result<std::string> read_line(int fd) {
  std::string line;
  char c = 0;
  while (true) {
    const auto n = ::read(fd, &c, 1);
    if (n < 0) {
      return fail(kRule, "could not read standard input");
    }
    if (n == 0 || c == '\n') {
      break;
    }
    if (line.size() >= kMaxPassword) {
      return fail(kRule, "longer than 1024 bytes");
    }
    line += c;
  }
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  return line;
}

// Echo off for the duration of one read, restored even if reading fails.
class EchoOff {
public:
  explicit EchoOff(int fd) : fd_(fd) {
    if (::tcgetattr(fd_, &saved_) == 0) {
      termios quiet = saved_;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      active_ = ::tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
    }
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;
  ~EchoOff() {
    if (active_) {
      ::tcsetattr(fd_, TCSAFLUSH, &saved_);
    }
  }

private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

Result<std::string> prompt(int fd, const char* text) {
  std::fputs(text, stderr);
  std::fflush(stderr);
  EchoOff quiet(fd);
  auto line = read_line(fd);
  std::fputs("\n", stderr);
  return line;
}

}  // namespace

PasswordSource password_from_fd(int fd) {
  return [fd]() -> Result<std::string> {
    if (::isatty(fd) == 0) {
      return read_line(fd);
    }
    auto first = prompt(fd, "New password: ");
    if (!first) {
      return first;
    }
    auto second = prompt(fd, "Repeat password: ");
    if (!second) {
      return second;
    }
    if (*first != *second) {
      return fail(kRule, "the two entries differ");
    }
    return first;
  };
}

}  // namespace tipring::relay
