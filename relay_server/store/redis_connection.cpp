#include "relay_server/store/redis_connection.h"

#include <optional>

#include <hiredis/hiredis.h>
#include <sys/time.h>

namespace tipring::relay {
namespace {

constexpr std::string_view kRule = "redis";

timeval to_timeval(Duration d) {
  return {static_cast<time_t>(d.count() / 1'000'000),
          static_cast<suseconds_t>(d.count() % 1'000'000)};
}

}  // namespace

void RedisReply::Freer::operator()(redisReply* reply) const {
  freeReplyObject(reply);
}
void RedisConnection::Freer::operator()(redisContext* context) const {
  redisFree(context);
}

bool RedisReply::is_nil() const {
  return reply_->type == REDIS_REPLY_NIL;
}
bool RedisReply::is_array() const {
  return reply_->type == REDIS_REPLY_ARRAY;
}
std::int64_t RedisReply::integer() const {
  return reply_->type == REDIS_REPLY_INTEGER ? reply_->integer : 0;
}

std::string RedisReply::text() const {
  if (reply_->type == REDIS_REPLY_STRING || reply_->type == REDIS_REPLY_STATUS) {
    return {reply_->str, reply_->len};
  }
  return {};
}

std::vector<std::string> RedisReply::strings() const {
  std::vector<std::string> out;
  if (reply_->type != REDIS_REPLY_ARRAY) {
    return out;
  }
  out.reserve(reply_->elements);
  for (std::size_t i = 0; i < reply_->elements; ++i) {
    const redisReply* element = reply_->element[i];
    out.emplace_back(element->type == REDIS_REPLY_STRING ? std::string(element->str, element->len)
                                                         : std::string());
  }
  return out;
}

Result<RedisConnection> RedisConnection::connect(std::string host, std::uint16_t port,
                                                 Duration timeout) {
  RedisConnection connection(std::move(host), port, timeout);
  if (auto r = connection.reconnect(); !r) {
    return tl::unexpected(r.error());
  }
  return connection;
}

Result<void> RedisConnection::reconnect() {
  const timeval limit = to_timeval(timeout_);
  context_.reset(redisConnectWithTimeout(host_.c_str(), port_, limit));
  const std::string where = host_ + ":" + std::to_string(port_);
  if (!context_) {
    return fail(kRule, where + ": out of memory");
  }
  if (context_->err != 0) {
    std::string detail = where + ": " + context_->errstr;
    context_.reset();
    return fail(kRule, detail);
  }
  redisSetTimeout(context_.get(), limit);
  return {};
}

Result<RedisReply> RedisConnection::command(std::initializer_list<std::string_view> arguments) {
  std::vector<const char*> data;
  std::vector<std::size_t> sizes;
  data.reserve(arguments.size());
  sizes.reserve(arguments.size());
  for (auto argument : arguments) {
    data.push_back(argument.data());
    sizes.push_back(argument.size());
  }
  return send(data, sizes);
}

Result<RedisReply> RedisConnection::command(const std::vector<std::string>& arguments) {
  std::vector<const char*> data;
  std::vector<std::size_t> sizes;
  data.reserve(arguments.size());
  sizes.reserve(arguments.size());
  for (const auto& argument : arguments) {
    data.push_back(argument.data());
    sizes.push_back(argument.size());
  }
  return send(data, sizes);
}

Result<void> RedisConnection::ensure_connected() {
  if (!context_ || context_->err != 0) {
    return reconnect();
  }
  return {};
}

Result<std::vector<RedisReply>> RedisConnection::pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  if (auto r = ensure_connected(); !r) {
    return tl::unexpected(r.error());
  }
  const std::string where = host_ + ":" + std::to_string(port_);
  for (const auto& command : commands) {
    std::vector<const char*> data;
    std::vector<std::size_t> sizes;
    for (const auto& argument : command) {
      data.push_back(argument.data());
      sizes.push_back(argument.size());
    }
    if (redisAppendCommandArgv(context_.get(), static_cast<int>(data.size()), data.data(),
                               sizes.data()) != REDIS_OK) {
      return fail(kRule, where + ": " + context_->errstr);
    }
  }
  std::vector<RedisReply> replies;
  std::optional<Error> first_error;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_.get(), &raw) != REDIS_OK || raw == nullptr) {
      return fail(kRule, where + ": " + context_->errstr);
    }
    RedisReply reply(static_cast<redisReply*>(raw));
    const auto* r = static_cast<const redisReply*>(raw);
    if (r->type == REDIS_REPLY_ERROR && !first_error) {
      first_error = Error{kRule, std::string(r->str, r->len)};
    }
    replies.push_back(std::move(reply));  // read every reply, so the stream stays in step
  }
  if (first_error) {
    return tl::unexpected(*first_error);
  }
  return replies;
}

Result<RedisReply> RedisConnection::send(std::span<const char* const> data,
                                         std::span<const std::size_t> sizes) {
  if (auto r = ensure_connected(); !r) {
    return tl::unexpected(r.error());
  }
  auto* raw = static_cast<redisReply*>(
      redisCommandArgv(context_.get(), static_cast<int>(data.size()),
                       const_cast<const char**>(data.data()), sizes.data()));
  if (raw == nullptr) {
    return fail(kRule, host_ + ":" + std::to_string(port_) + ": " + context_->errstr);
  }
  RedisReply reply(raw);
  if (raw->type == REDIS_REPLY_ERROR) {
    return fail(kRule, std::string(raw->str, raw->len));
  }
  return reply;
}

}  // namespace tipring::relay
