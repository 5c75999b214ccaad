#include "relay_server/media/ng_server.h"

#include "relay_server/media/forwarding_worker.h"

#include <charconv>
#include <string>

#include <poll.h>
#include <sys/socket.h>

namespace tipring::relay {

std::optional<Endpoint> parse_host_port(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (text.starts_with("[")) {
    const auto close = text.find("]:");
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      return std::nullopt;
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  const auto ip = IpAddress::parse(host);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (!ip || ec != std::errc{} || end != port.data() + port.size() || value > 65535) {
    return std::nullopt;
  }
  return Endpoint{*ip, static_cast<std::uint16_t>(value)};
}

NgServer::NgServer(MediaRelay& relay) : control_(relay) {}

NgServer::~NgServer() {
  stop();
}

Result<void> NgServer::start(const Endpoint& listen) {
  auto socket = UdpSocket::bind(listen);
  if (!socket) {
    return tl::unexpected(socket.error());
  }
  socket_ = std::move(*socket);
  sockaddr_storage local{};
  socklen_t length = sizeof local;
  getsockname(socket_.fd(), reinterpret_cast<sockaddr*>(&local), &length);
  port_ = endpoint_from_sockaddr(reinterpret_cast<sockaddr*>(&local)).port;
  running_ = true;
  thread_ = std::thread([this] { loop(); });
  return {};
}

void NgServer::stop() {
  if (running_.exchange(false)) {
    thread_.join();
  }
  socket_.close();
}

void NgServer::loop() {
  std::string buffer(65536, '\0');
  while (running_.load()) {
    pollfd p{socket_.fd(), POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) {
      continue;
    }
    sockaddr_storage from{};
    socklen_t from_length = sizeof from;
    const auto n = recvfrom(socket_.fd(), buffer.data(), buffer.size(), MSG_DONTWAIT,
                            reinterpret_cast<sockaddr*>(&from), &from_length);
    if (n <= 0) {
      continue;
    }
    const std::string reply = control_.handle(
        std::string_view(buffer.data(), static_cast<std::size_t>(n)), monotonic_now());
    if (!reply.empty()) {
      sendto(socket_.fd(), reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from),
             from_length);
    }
  }
}

}  // namespace tipring::relay
