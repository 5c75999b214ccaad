#include "bench/relay/thread_cpu.h"

#include <filesystem>
#include <fstream>
#include <string>

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

pid_t current_tid() {
  return static_cast<pid_t>(::syscall(SYS_gettid));
}

}  // namespace tipring::bench
