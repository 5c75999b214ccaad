// Session and Leg: one relayed call and its two legs, each facing one client through its
// own relay port (plus an RTCP port when not multiplexed). The control plane creates and
// frees them; once handed to a forwarding worker, a leg's latch and counters are touched
// only by that worker, and the control plane reaches them only through worker commands.
#pragma once

#include "relay_server/media/counters.h"
#include "relay_server/media/latch.h"
#include "relay_server/media/media_socket.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace tipring::relay {

struct Leg;

// What the worker's poller points at: one socket of one leg. No lookup per packet.
struct Channel {
  Leg* leg = nullptr;
  PacketChannel kind = PacketChannel::rtp;
  MediaSocket socket;
  std::uint16_t port = 0;
  // On the steered data path (MediaDataPath::steered) a channel has no socket: its port is
  // reserved in the relay's range and the worker's shared socket receives for it.
  bool steered = false;
  bool watched = false;  // registered with the worker's poller

  [[nodiscard]] bool is_open() const { return steered || socket.is_open(); }
};

struct Leg {
  LegLatch latch;
  Leg* peer = nullptr;
  Channel rtp;
  Channel rtcp;  // unopened while the leg multiplexes RTCP
  // Control-plane view of signalling (the latch holds the worker's copy).
  bool held = false;
  bool rtcp_mux = true;
  // Monotonic microseconds of the last datagram accepted from this leg's client; read by
  // the idle sweep on the control thread.
  std::atomic<std::int64_t> last_activity_us{0};
  TrafficCounters traffic;
};

struct Session {
  std::string call_id;
  std::string from_tag;
  std::string to_tag;
  std::array<Leg, 2> legs;  // [0] faces the offerer (from-tag), [1] the answerer (to-tag)
  unsigned worker = 0;
  TimePoint created;
  bool answered = false;
};

}  // namespace tipring::relay
