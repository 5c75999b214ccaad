#include "relay_server/app/http_server.h"

#include <array>
#include <cerrno>
#include <cstring>

#include <sys/socket.h>
#include <unistd.h>

namespace tipring::relay {
namespace {

constexpr std::string_view kRule = "http server";

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 414:
      return "URI Too Long";
    case 431:
      return "Request Header Fields Too Large";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

int status_for(const Error& error) {
  if (error.rule == kHttpRequestLineTooLong) {
    return 414;
  }
  if (error.rule == kHttpHeadTooLarge) {
    return 431;
  }
  if (error.rule == kHttpVersionUnsupported) {
    return 505;
  }
  return 400;
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::start(EventLoop& loop, const SocketAddress& listen,
                                                      Handler handler, HttpServerLimits limits) {
  UniqueFd fd(::socket(listen.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) {
    return fail(kRule, std::string("socket: ") + std::strerror(errno));
  }
  int on = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  if (::bind(fd.get(), listen.data(), listen.size()) != 0 || ::listen(fd.get(), 64) != 0) {
    return fail(kRule, "listen " + listen.to_string() + ": " + std::strerror(errno));
  }
  sockaddr_storage bound{};
  socklen_t length = sizeof(bound);
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &length);
  std::unique_ptr<HttpServer> server(new HttpServer(
      loop, std::move(fd), SocketAddress(reinterpret_cast<sockaddr*>(&bound), length),
      std::move(handler), limits));
  auto* raw = server.get();
  if (auto r = loop.watch(raw->listener_.get(), [raw](IoReadiness) { raw->accept_all(); }); !r) {
    return tl::unexpected(r.error());
  }
  return server;
}

HttpServer::HttpServer(EventLoop& loop, UniqueFd listener, SocketAddress local, Handler handler,
                       HttpServerLimits limits)
    : loop_(loop),
      listener_(std::move(listener)),
      local_(local),
      handler_(std::move(handler)),
      limits_(limits) {}

HttpServer::~HttpServer() {
  while (!connections_.empty()) {
    close(connections_.begin()->first);
  }
  loop_.unwatch(listener_.get());
}

std::string HttpServer::serialize(const HttpResponse& response, bool include_body) {
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " +
                    std::string(reason_phrase(response.status)) + "\r\n";
  out += "Content-Type: " + response.content_type + "\r\n";
  out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  if (response.status == 405) {
    out += "Allow: GET, HEAD\r\n";
  }
  out += "Cache-Control: no-store\r\nConnection: close\r\n\r\n";
  if (include_body) {
    out += response.body;
  }
  return out;
}

void HttpServer::accept_all() {
  while (true) {
    UniqueFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd) {
      return;  // EAGAIN, or a transient error (EMFILE): try again on the next readiness
    }
    if (connections_.size() >= limits_.max_connections) {
      continue;  // over the limit: closed at once by UniqueFd
    }
    const int raw = fd.get();
    Connection connection;
    connection.fd = std::move(fd);
    connection.deadline = loop_.add_timer(EventLoop::now() + limits_.request_timeout, [this, raw] {
      auto it = connections_.find(raw);
      if (it != connections_.end()) {
        it->second.deadline = 0;
        close(raw);  // too slow: no response, the peer gets a closed connection
      }
    });
    connections_.emplace(raw, std::move(connection));
    auto watched = loop_.watch(raw, [this, raw](IoReadiness ready) {
      if (ready.writable) {
        flush(raw);
      } else {
        on_readable(raw);
      }
    });
    if (!watched) {
      close(raw);
    }
  }
}

void HttpServer::on_readable(int fd) {
  auto it = connections_.find(fd);
  if (it == connections_.end()) {
    return;
  }
  Connection& connection = it->second;
  if (!connection.to_send.empty()) {
    return;  // already answering; ignore anything further the peer sends
  }
  std::array<char, 2048> buffer{};
  const auto n = ::recv(fd, buffer.data(), buffer.size(), 0);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
    close(fd);
    return;
  }
  if (n < 0) {
    return;
  }
  connection.received.append(buffer.data(), static_cast<std::size_t>(n));
  auto parsed = parse_http_request(connection.received, limits_.request);
  if (!parsed) {
    respond(
        connection,
        {status_for(parsed.error()), "text/plain; charset=utf-8", parsed.error().describe() + "\n"},
        true);
    return;
  }
  if (!parsed->has_value()) {
    return;  // need more of the head
  }
  const HttpRequest& request = **parsed;
  const bool head = request.method == "HEAD";
  if (request.method != "GET" && !head) {
    respond(connection, {405, "text/plain; charset=utf-8", "only GET and HEAD\n"}, true);
    return;
  }
  respond(connection, handler_(request), !head);
}

void HttpServer::respond(Connection& connection, const HttpResponse& response, bool include_body) {
  connection.to_send = serialize(response, include_body);
  connection.sent = 0;
  // We read no more: half-close our read side so a peer's extra bytes do not cause a reset.
  ::shutdown(connection.fd.get(), SHUT_RD);
  flush(connection.fd.get());
}

void HttpServer::flush(int fd) {
  auto it = connections_.find(fd);
  if (it == connections_.end()) {
    return;
  }
  Connection& connection = it->second;
  while (connection.sent < connection.to_send.size()) {
    const auto n = ::send(fd, connection.to_send.data() + connection.sent,
                          connection.to_send.size() - connection.sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      (void)loop_.set_want_writable(fd, true);
      return;
    }
    if (n <= 0) {
      close(fd);
      return;
    }
    connection.sent += static_cast<std::size_t>(n);
  }
  close(fd);
}

void HttpServer::close(int fd) {
  auto it = connections_.find(fd);
  if (it == connections_.end()) {
    return;
  }
  loop_.unwatch(fd);
  if (it->second.deadline != 0) {
    loop_.cancel(it->second.deadline);
  }
  connections_.erase(it);  // closes the socket
}

}  // namespace tipring::relay
