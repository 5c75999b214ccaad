#include "tests/relay_server/store/redis_server.h"

#include "relay_server/store/redis_connection.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace tipring::relay {
namespace {

// Asks the kernel for a free loopback port by binding to port 0 and releasing it.
std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

}  // namespace

std::optional<std::string> RedisServer::find_binary() {
  std::vector<std::string> candidates;
  if (const char* path = std::getenv("PATH")) {
    std::string all(path);
    std::size_t start = 0;
    while (start <= all.size()) {
      const auto colon = all.find(':', start);
      candidates.push_back(all.substr(start, colon - start) + "/redis-server");
      if (colon == std::string::npos) {
        break;
      }
      start = colon + 1;
    }
  }
  candidates.emplace_back("/usr/bin/redis-server");
  candidates.emplace_back("/usr/sbin/redis-server");
  for (const auto& candidate : candidates) {
    if (::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return std::nullopt;
}

std::unique_ptr<RedisServer> RedisServer::start(const std::string& binary, std::string& why) {
  // A port freed by free_loopback_port() can be taken by someone else before redis binds
  // it; try a few.
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::unique_ptr<RedisServer> server(new RedisServer());
    server->port_ = free_loopback_port();
    const std::string port = std::to_string(server->port_);
    const std::string dir = server->dir_.path().string();
    const std::string log = server->dir_.file("redis.log");
    const pid_t pid = ::fork();
    if (pid == 0) {
      const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(out, STDOUT_FILENO);
      ::dup2(out, STDERR_FILENO);
      std::vector<const char*> argv = {binary.c_str(), "--port", port.c_str(), "--bind",
                                       "127.0.0.1",    "--save", "",           "--appendonly",
                                       "no",           "--dir",  dir.c_str(),  nullptr};
      ::execv(binary.c_str(), const_cast<char* const*>(argv.data()));
      ::_exit(127);
    }
    if (pid < 0) {
      why = "fork failed";
      return nullptr;
    }
    server->pid_ = pid;
    // Bounded wait for PING; stop early if the process died (port taken, bad binary).
    for (int poll = 0; poll < 500; ++poll) {
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        server->pid_ = -1;
        why = "redis-server exited during start-up (see its log)";
        break;
      }
      auto connection =
          RedisConnection::connect("127.0.0.1", server->port_, std::chrono::milliseconds(200));
      if (connection && connection->command({"PING"})) {
        return server;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (server->pid_ > 0) {
      why = "redis-server did not answer PING within 5 s";
    }
  }
  return nullptr;
}

RedisServer::~RedisServer() {
  stop();
}

void RedisServer::stop() {
  if (pid_ <= 0) {
    return;
  }
  ::kill(pid_, SIGTERM);
  for (int poll = 0; poll < 500; ++poll) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace tipring::relay
