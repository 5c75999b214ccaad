// HttpServer: the small HTTP/1.1 server behind /metrics and /health, on the signalling
// event loop. One request per connection (answered with "Connection: close"), bounded in
// everything an unauthenticated peer controls: connections, head size, and time.
#pragma once

#include "protocol/core/error.h"
#include "relay_server/app/event_loop.h"
#include "relay_server/app/http_request.h"
#include "relay_server/app/socket_address.h"
#include "relay_server/app/unique_fd.h"

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace tipring::relay {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

struct HttpServerLimits {
  HttpLimits request;
  std::size_t max_connections = 64;
  Duration request_timeout = std::chrono::seconds(5);
};

class HttpServer {
public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  static Result<std::unique_ptr<HttpServer>> start(EventLoop& loop, const SocketAddress& listen,
                                                   Handler handler, HttpServerLimits limits = {});
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();

  [[nodiscard]] const SocketAddress& local_address() const { return local_; }
  [[nodiscard]] std::size_t open_connections() const { return connections_.size(); }

  // "HTTP/1.1 <status> <reason>" head and body; HEAD requests get the head only.
  static std::string serialize(const HttpResponse& response, bool include_body);

private:
  struct Connection {
    UniqueFd fd;
    std::string received;
    std::string to_send;
    std::size_t sent = 0;
    TimerId deadline = 0;
  };

  HttpServer(EventLoop& loop, UniqueFd listener, SocketAddress local, Handler handler,
             HttpServerLimits limits);
  void accept_all();
  void on_readable(int fd);
  void respond(Connection& connection, const HttpResponse& response, bool include_body);
  void flush(int fd);
  void close(int fd);

  EventLoop& loop_;
  UniqueFd listener_;
  SocketAddress local_;
  Handler handler_;
  HttpServerLimits limits_;
  std::map<int, Connection> connections_;
};

}  // namespace tipring::relay
