#include "bench/relay/thread_cpu.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <sys/syscall.h>
#include <unistd.h>

namespace tipring::bench {

namespace {
std::filesystem::path tasks_of(pid_t pid) {
  return "/proc/" + std::to_string(pid) + "/task";
}
}  // namespace

std::int64_t task_cpu_ns(pid_t pid, pid_t tid) {
  std::ifstream in(tasks_of(pid) / std::to_string(tid) / "schedstat");
  std::int64_t on_cpu = 0;
  in >> on_cpu;
  return in ? on_cpu : 0;
}

std::int64_t process_cpu_ns(pid_t pid) {
  std::int64_t total = 0;
  std::error_code error;
  for (const auto& task : std::filesystem::directory_iterator(tasks_of(pid), error)) {
    total += task_cpu_ns(pid, static_cast<pid_t>(std::stol(task.path().filename().string())));
  }
  return total;
}

std::size_t process_threads(pid_t pid) {
  std::size_t n = 0;
  std::error_code error;
  for ([[maybe_unused]] const auto& task :
       std::filesystem::directory_iterator(tasks_of(pid), error)) {
    ++n;
  }
  return n;
}

std::int64_t softirq_threads_cpu_ns() {
  static const std::vector<pid_t> threads = [] {
    std::vector<pid_t> found;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
      const std::string name = entry.path().filename().string();
      if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) {
        continue;
      }
      std::ifstream comm(entry.path() / "comm");
      std::string command;
      std::getline(comm, command);
      if (command.rfind("ksoftirqd/", 0) == 0) {
        found.push_back(static_cast<pid_t>(std::stol(name)));
      }
    }
    return found;
  }();
  std::int64_t total = 0;
  for (const pid_t pid : threads) {
    total += task_cpu_ns(pid, pid);
  }
  return total;
}

pid_t current_tid() {
  return static_cast<pid_t>(::syscall(SYS_gettid));
}

}  // namespace tipring::bench
