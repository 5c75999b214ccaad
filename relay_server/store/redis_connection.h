// RedisConnection: one synchronous hiredis connection (https://github.com/redis/hiredis)
// behind RAII types. Commands go as argument vectors (binary-safe, no format strings), and
// a connection that failed is re-established on the next command.
#pragma once

#include "protocol/core/error.h"
#include "protocol/core/time.h"

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct redisContext;
struct redisReply;

namespace tipring::relay {

class RedisReply {
public:
  [[nodiscard]] bool is_nil() const;
  [[nodiscard]] bool is_array() const;
  [[nodiscard]] std::int64_t integer() const;
  [[nodiscard]] std::string text() const;                  // status or string reply
  [[nodiscard]] std::vector<std::string> strings() const;  // array of strings

private:
  friend class RedisConnection;
  struct Freer {
    void operator()(redisReply* reply) const;
  };
  explicit RedisReply(redisReply* reply) : reply_(reply) {}

  std::unique_ptr<redisReply, Freer> reply_;
};

class RedisConnection {
public:
  static Result<RedisConnection> connect(std::string host, std::uint16_t port, Duration timeout);

  // An error reply ("-ERR ...") is returned as an Error, like a broken connection.
  Result<RedisReply> command(std::initializer_list<std::string_view> arguments);
  Result<RedisReply> command(const std::vector<std::string>& arguments);
  // Sends all commands in one write and reads their replies in order: one round trip for
  // a MULTI ... EXEC block. The first error reply (or a broken connection) is the result.
  Result<std::vector<RedisReply>> pipeline(const std::vector<std::vector<std::string>>& commands);

private:
  struct Freer {
    void operator()(redisContext* context) const;
  };
  RedisConnection(std::string host, std::uint16_t port, Duration timeout)
      : host_(std::move(host)), port_(port), timeout_(timeout) {}
  Result<void> reconnect();
  Result<void> ensure_connected();
  Result<RedisReply> send(std::span<const char* const> data, std::span<const std::size_t> sizes);

  std::unique_ptr<redisContext, Freer> context_;
  std::string host_;
  std::uint16_t port_;
  Duration timeout_;
};

}  // namespace tipring::relay
