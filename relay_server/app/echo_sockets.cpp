#include "relay_server/app/echo_sockets.h"

#include "protocol/rtp/mux.h"

#include <sys/socket.h>

namespace tipring::relay {
namespace {

constexpr std::size_t kMaxDatagram = 2048;

Endpoint to_endpoint(const SocketAddress& address) {
  return endpoint_from_sockaddr(address.data());
}

std::optional<SocketAddress> to_socket_address(const Endpoint& endpoint, bool v4) {
  sockaddr_storage storage{};
  const auto length = endpoint_to_sockaddr(endpoint, v4, &storage);
  if (length == 0) {
    return std::nullopt;
  }
  return SocketAddress(reinterpret_cast<const sockaddr*>(&storage), static_cast<socklen_t>(length));
}

}  // namespace

EchoSockets::EchoSockets(EventLoop& loop, std::string bind_address, std::string advertised_address,
                         LatchPolicy policy)
    : loop_(loop),
      bind_address_(std::move(bind_address)),
      advertised_address_(advertised_address.empty() ? bind_address_
                                                     : std::move(advertised_address)),
      policy_(policy),
      buffer_(kMaxDatagram) {}

EchoSockets::~EchoSockets() {
  for (auto& [id, echo] : echoes_) {
    loop_.unwatch(echo->socket.fd());
  }
}

Result<MediaChannel> EchoSockets::open(std::string_view call_id, const MediaSide& caller) {
  const bool v6 = bind_address_.find(':') != std::string::npos;
  auto local = SocketAddress::parse(v6 ? "[" + bind_address_ + "]:0" : bind_address_ + ":0");
  if (!local) {
    return tl::unexpected(local.error());
  }
  auto socket = DatagramSocket::bind(*local);
  if (!socket) {
    return tl::unexpected(socket.error());
  }
  auto echo = std::make_unique<Echo>(Echo{std::move(*socket), {}});
  LatchSignalling signalling;
  if (auto ip = IpAddress::parse(caller.advertised_address)) {
    signalling.advertised = Endpoint{*ip, caller.advertised_port};
  }
  if (auto ip = IpAddress::parse(caller.signalling_source)) {
    signalling.signalling_source = *ip;
  }
  signalling.advertised_rtcp_port = caller.advertised_rtcp_port;
  signalling.rtcp_mux = caller.rtcp_mux;
  signalling.published = true;  // the answer naming this socket is being sent now
  update_signalling(echo->latch, signalling, EventLoop::now());

  auto* raw = echo.get();
  if (auto watched = loop_.watch(raw->socket.fd(), [this, raw](IoReadiness) { drain(*raw); });
      !watched) {
    return tl::unexpected(watched.error());
  }
  const auto port = raw->socket.local_address().port();
  close(call_id);  // a repeated Call-ID replaces the old channel
  echoes_.emplace(std::string(call_id), std::move(echo));
  return MediaChannel{advertised_address_, port, static_cast<std::uint16_t>(port + 1), true};
}

void EchoSockets::close(std::string_view call_id) {
  auto found = echoes_.find(call_id);
  if (found == echoes_.end()) {
    return;
  }
  loop_.unwatch(found->second->socket.fd());
  echoes_.erase(found);
}

void EchoSockets::drain(Echo& echo) {
  const bool v4 = echo.socket.local_address().ip_string().find(':') == std::string::npos;
  for (int budget = 64; budget > 0; --budget) {
    auto received = echo.socket.receive(buffer_);
    if (!received || !received->has_value()) {
      return;
    }
    const auto& datagram = **received;
    if (datagram.length > buffer_.size()) {
      ++counters_.dropped;
      continue;
    }
    const std::span<const std::uint8_t> packet(
        reinterpret_cast<const std::uint8_t*>(buffer_.data()), datagram.length);
    if (rtp::classify_muxed_packet(packet) == rtp::MuxedPacketKind::rtcp) {
      ++counters_.dropped;  // reports about our echo would only confuse the caller
      continue;
    }
    // The echo is its own peer: once the caller's leg is learned, its target is where the
    // caller's media goes back to.
    const auto verdict = latch_packet(echo.latch, echo.latch, policy_, to_endpoint(datagram.from),
                                      packet, PacketChannel::rtp, EventLoop::now());
    auto to = verdict.forward ? to_socket_address(verdict.destination, v4) : std::nullopt;
    if (!to) {
      ++counters_.dropped;
      continue;
    }
    if (echo.socket.send_to(std::as_bytes(std::span(packet)), *to)) {
      ++counters_.echoed;
    }
  }
}

}  // namespace tipring::relay
