#include "relay_server/app/ng_media_legs.h"

#include "protocol/bencode/ng_datagram.h"
#include "relay_server/proxy/ng_media_command.h"

#include <array>
#include <functional>
#include <random>

#include <poll.h>

namespace tipring::relay {
namespace {

constexpr std::string_view kRule = "ng client";

}  // namespace

Result<std::unique_ptr<NgMediaLegs>> NgMediaLegs::open(NgClientConfig config) {
  if (config.relays.empty()) {
    return fail(kRule, "no ng relay configured");
  }
  if (config.attempts < 1) {
    config.attempts = 1;
  }
  auto local = SocketAddress::parse(config.relays.front().is_ipv6() ? "[::]:0" : "0.0.0.0:0");
  if (!local) {
    return tl::unexpected(local.error());
  }
  auto socket = DatagramSocket::bind(*local);
  if (!socket) {
    return tl::unexpected(socket.error());
  }
  std::random_device device;
  const std::string prefix = std::to_string(device()) + "_";
  return std::unique_ptr<NgMediaLegs>(
      new NgMediaLegs(std::move(config), std::move(*socket), prefix));
}

const SocketAddress& NgMediaLegs::relay_for(std::string_view call_id) const {
  const auto index = std::hash<std::string_view>{}(call_id) % config_.relays.size();
  return config_.relays[index];
}

Result<bencode::Dict> NgMediaLegs::exchange(const SocketAddress& relay,
                                            const bencode::Dict& command) {
  const std::string cookie = cookie_prefix_ + std::to_string(++next_cookie_);
  const std::string datagram = bencode::join_ng_datagram(cookie, command);
  const auto bytes = std::as_bytes(std::span(datagram.data(), datagram.size()));
  std::array<std::byte, 65536> buffer{};
  for (int attempt = 0; attempt < config_.attempts; ++attempt) {
    if (auto sent = socket_.send_to(bytes, relay); !sent) {
      return tl::unexpected(sent.error());
    }
    const auto deadline = std::chrono::steady_clock::now() + config_.timeout;
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        break;
      }
      pollfd wait{socket_.fd(), POLLIN, 0};
      if (::poll(&wait, 1, static_cast<int>(left.count())) <= 0) {
        continue;  // timed out (the loop ends) or interrupted (it waits again)
      }
      auto received = socket_.receive(buffer);
      if (!received || !*received || !((*received)->from == relay) ||
          (*received)->length > buffer.size()) {
        continue;  // not a reply from the relay: a stray or late datagram
      }
      const std::string_view text(reinterpret_cast<const char*>(buffer.data()),
                                  (*received)->length);
      auto reply = bencode::decode_ng_datagram(text);
      if (!reply || reply->cookie != cookie) {
        continue;  // a reply to an earlier command that timed out
      }
      return std::move(reply->body);
    }
  }
  ++unanswered_;
  return fail(kRule, "no reply from " + relay.to_string() + " after " +
                         std::to_string(config_.attempts) + " attempts");
}

Result<MediaChannel> NgMediaLegs::offer(std::string_view call_id, std::string_view from_tag,
                                        std::string_view to_tag, const MediaSide& offerer) {
  auto reply = exchange(relay_for(call_id),
                        ng_sdp_command(NgSdpCommand::offer, call_id, from_tag, to_tag, offerer));
  if (!reply) {
    return tl::unexpected(reply.error());
  }
  return read_ng_sdp_reply(*reply);
}

Result<MediaChannel> NgMediaLegs::answer(std::string_view call_id, std::string_view from_tag,
                                         std::string_view to_tag, const MediaSide& answerer) {
  auto reply = exchange(relay_for(call_id),
                        ng_sdp_command(NgSdpCommand::answer, call_id, from_tag, to_tag, answerer));
  if (!reply) {
    return tl::unexpected(reply.error());
  }
  return read_ng_sdp_reply(*reply);
}

void NgMediaLegs::release(std::string_view call_id, std::string_view from_tag) {
  // A relay that never heard of the call answers with an error: nothing to release.
  (void)exchange(relay_for(call_id), ng_delete_command(call_id, from_tag));
}

}  // namespace tipring::relay
