// Shared set-up for the relay's loopback tests: a started MediaRelay and a two-party call
// through it, with clients as UdpPeers on distinct 127.0.0.0/8 addresses.
#pragma once

#include "relay_server/media/media_relay.h"
#include "tests/relay_server/media/rtp_packet_builder.h"
#include "tests/relay_server/media/udp_peer.h"

#include <chrono>
#include <memory>
#include <thread>

#include <gtest/gtest.h>

namespace tipring::relay::testing {

inline Endpoint endpoint(const char* ip, std::uint16_t port) {
  return Endpoint{*IpAddress::parse(ip), port};
}

inline Endpoint relay_endpoint(const RelayChannel& channel) {
  return Endpoint{*IpAddress::parse(channel.address), channel.rtp_port};
}

// An RTP packet whose payload starts with `marker` (who sent it) and `index`.
inline std::vector<std::uint8_t> marked_packet(std::uint8_t marker, std::uint16_t sequence,
                                               std::uint32_t ssrc) {
  auto p = rtp_packet(sequence, ssrc, 160);
  p[12] = marker;
  p[13] = static_cast<std::uint8_t>(sequence >> 8);
  p[14] = static_cast<std::uint8_t>(sequence);
  return p;
}

// Polls `done` until it holds or `limit` passes; the bound keeps a broken relay from
// hanging the test.
template <class Predicate>
bool eventually(Predicate done, std::chrono::milliseconds limit = std::chrono::seconds(3)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// Names the instances of a test run on both data paths: .../sockets, .../steered.
inline std::string data_path_test_name(const ::testing::TestParamInfo<MediaDataPath>& path) {
  return std::string(media_data_path_name(path.param));
}

inline MediaRelayConfig loopback_config(std::uint16_t port_min, std::uint16_t port_max) {
  MediaRelayConfig c;
  c.bind_address = "127.0.0.1";
  c.port_min = port_min;
  c.port_max = port_max;
  c.workers = 2;
  return c;
}

}  // namespace tipring::relay::testing
