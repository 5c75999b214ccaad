// DTMF as RFC 4733 telephone events on the call's RTP stream: DtmfSender turns queued
// digits into the packet sequence of §2.5.1 (marker on the first packet, one timestamp
// per event, growing duration, the end packet sent three times, §2.5.1.4), one packet per
// audio frame slot; DtmfReceiver reports each event once however often it is repeated.
#pragma once

#include "protocol/rtp/telephone_event.h"

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>

namespace tipring::client {

// One telephone-event packet to send in place of the frame slot's audio.
struct EventPacket {
  rtp::TelephoneEvent event;
  std::uint32_t timestamp = 0;  // the event's start, on the audio timeline (§2.5.1.2)
  bool marker = false;          // first packet of the event (§2.5.1.3)
};

class DtmfSender {
public:
  // `clock_rate_hz`: the audio codec's RTP clock, which telephone-event shares (§2.1).
  explicit DtmfSender(std::uint32_t clock_rate_hz) : clock_rate_hz_(clock_rate_hz) {}

  // Queues a digit ('0'-'9', '*', '#', 'A'-'D'); false for any other character or when
  // the queue is full. Durations are kept between 40 ms and what the 16-bit duration
  // field can carry at this clock rate.
  bool queue(char digit, std::chrono::milliseconds duration);

  // The audio frame slot starting at `timestamp` and `samples` long is about to be sent:
  // returns the event packet to send instead, or nothing (send the audio).
  std::optional<EventPacket> on_frame_slot(std::uint32_t timestamp, std::uint32_t samples);

  // An event is being sent or is waiting: the caller keeps audio off the wire meanwhile.
  bool busy() const { return current_.has_value() || !queue_.empty(); }

private:
  struct Pending {
    std::uint8_t event = 0;
    std::uint32_t duration_units = 0;
  };
  struct Current {
    Pending digit;
    std::uint32_t start_timestamp = 0;
    std::uint32_t elapsed_units = 0;
    int end_packets_left = 0;  // 0 until the event has reached its duration
    bool first = true;
  };

  static constexpr std::size_t kMaxQueued = 64;
  static constexpr int kEndPacketCopies = 3;
  static constexpr std::uint8_t kVolumeDbm0 = 10;  // -10 dBm0, a typical keypad level

  std::uint32_t clock_rate_hz_;
  std::deque<Pending> queue_;
  std::optional<Current> current_;
  int gap_slots_left_ = 0;  // silence between digits so the far end sees separate events
};

class DtmfReceiver {
public:
  // The digit when this packet begins an event not seen before; nothing for repeats,
  // updates, end retransmissions, stale packets and non-DTMF events (flash).
  std::optional<char> on_packet(std::uint32_t timestamp, const rtp::TelephoneEvent& event);

private:
  bool have_last_ = false;
  std::uint32_t last_timestamp_ = 0;
};

}  // namespace tipring::client
