// RedisServer: a private redis-server for one test process, on a loopback port the test
// chooses, with its own directory and no persistence. Started and stopped by PID.
#pragma once

#include "tests/relay_server/temp_dir.h"

#include <cstdint>
#include <optional>
#include <string>

#include <sys/types.h>

namespace tipring::relay {

class RedisServer {
public:
  // The redis-server binary on PATH (or /usr/bin, /usr/sbin), if installed.
  static std::optional<std::string> find_binary();

  // Starts the server and waits (bounded) until it answers PING; nullopt with `why` set
  // when it could not.
  static std::unique_ptr<RedisServer> start(const std::string& binary, std::string& why);

  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;
  ~RedisServer();

  [[nodiscard]] std::uint16_t port() const { return port_; }

private:
  RedisServer() = default;
  void stop();

  TempDir dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace tipring::relay
