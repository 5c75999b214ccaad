// ChildProcess: runs a program for an integration test with stdin and stdout/stderr on
// pipes, so the test can feed input, wait (bounded) for log lines, signal it by PID and
// collect its exit status. Never kills by name.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace tipring::relay {

class ChildProcess {
public:
  ChildProcess(const std::string& program, const std::vector<std::string>& arguments) {
    int in[2];
    int out[2];
    int err[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 ||
        ::pipe2(err, O_CLOEXEC) != 0) {
      return;
    }
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(in[0], STDIN_FILENO);
      ::dup2(out[1], STDOUT_FILENO);
      ::dup2(err[1], STDERR_FILENO);
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(program.c_str()));
      for (const auto& argument : arguments) {
        argv.push_back(const_cast<char*>(argument.c_str()));
      }
      argv.push_back(nullptr);
      ::execv(program.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    stdin_ = in[1];
    stdout_ = out[0];
    stderr_ = err[0];
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() {
    if (pid_ > 0 && !status_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    for (int fd : {stdin_, stdout_, stderr_}) {
      if (fd >= 0) {
        ::close(fd);
      }
    }
  }

  [[nodiscard]] pid_t pid() const { return pid_; }

  void write_stdin(const std::string& text) { (void)::write(stdin_, text.data(), text.size()); }
  void close_stdin() {
    ::close(stdin_);
    stdin_ = -1;
  }
  bool signal(int number) const { return pid_ > 0 && ::kill(pid_, number) == 0; }

  // Reads stderr lines until one contains `needle`, for at most `limit`. Every line read
  // is kept in stderr_lines().
  std::optional<std::string> wait_for_line(
      const std::string& needle,
      std::chrono::milliseconds limit = std::chrono::milliseconds(10000)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (true) {
      for (; next_line_ < lines_.size(); ++next_line_) {
        if (lines_[next_line_].find(needle) != std::string::npos) {
          return lines_[next_line_++];
        }
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !read_some(stderr_, partial_err_, lines_, left)) {
        return std::nullopt;
      }
    }
  }

  // Waits for exit (bounded) and returns all of stdout; status in exit_code().
  std::string finish(std::chrono::milliseconds limit = std::chrono::milliseconds(10000)) {
    std::string out;
    std::array<char, 4096> buffer{};
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{stdout_, POLLIN, 0};
      if (::poll(&p, 1, 50) > 0) {
        const auto n = ::read(stdout_, buffer.data(), buffer.size());
        if (n > 0) {
          out.append(buffer.data(), static_cast<std::size_t>(n));
          continue;
        }
      }
      drain_stderr();
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        status_ = status;
        drain_stderr();
        break;
      }
    }
    return out;
  }

  // Exit code, or -1 if it has not exited or was killed by a signal.
  [[nodiscard]] int exit_code() const {
    return status_ && WIFEXITED(*status_) ? WEXITSTATUS(*status_) : -1;
  }
  [[nodiscard]] const std::vector<std::string>& stderr_lines() const { return lines_; }
  [[nodiscard]] std::string stderr_text() const {
    std::string all;
    for (const auto& line : lines_) {
      all += line + "\n";
    }
    return all + partial_err_;
  }

private:
  static bool read_some(int fd, std::string& partial, std::vector<std::string>& lines,
                        std::chrono::milliseconds wait) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) {
      return false;
    }
    std::array<char, 4096> buffer{};
    const auto n = ::read(fd, buffer.data(), buffer.size());
    if (n <= 0) {
      return false;
    }
    partial.append(buffer.data(), static_cast<std::size_t>(n));
    std::size_t newline = 0;
    while ((newline = partial.find('\n')) != std::string::npos) {
      lines.push_back(partial.substr(0, newline));
      partial.erase(0, newline + 1);
    }
    return true;
  }
  void drain_stderr() {
    while (read_some(stderr_, partial_err_, lines_, std::chrono::milliseconds(0))) {
    }
  }

  pid_t pid_ = -1;
  int stdin_ = -1;
  int stdout_ = -1;
  int stderr_ = -1;
  std::optional<int> status_;
  std::string partial_err_;
  std::vector<std::string> lines_;
  std::size_t next_line_ = 0;
};

}  // namespace tipring::relay
