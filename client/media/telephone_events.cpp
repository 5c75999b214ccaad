#include "client/media/telephone_events.h"

#include <algorithm>

namespace tipring::client {

bool DtmfSender::queue(char digit, std::chrono::milliseconds duration) {
  const auto event = rtp::dtmf_event_from_char(digit);
  if (!event || queue_.size() >= kMaxQueued) {
    return false;
  }
  const std::int64_t wanted_ms = std::clamp<std::int64_t>(duration.count(), 40, 5000);
  const std::int64_t units = wanted_ms * clock_rate_hz_ / 1000;
  // Longer events would need the §2.5.1.5 segmentation; a keypad press never is.
  queue_.push_back({*event, static_cast<std::uint32_t>(std::min<std::int64_t>(units, 0xffff))});
  return true;
}

std::optional<EventPacket> DtmfSender::on_frame_slot(std::uint32_t timestamp,
                                                     std::uint32_t samples) {
  if (!current_) {
    if (gap_slots_left_ > 0) {
      --gap_slots_left_;
      return std::nullopt;
    }
    if (queue_.empty()) {
      return std::nullopt;
    }
    current_ = Current{queue_.front(), timestamp, 0, 0, true};
    queue_.pop_front();
  }
  Current& now = *current_;
  if (now.end_packets_left == 0) {
    now.elapsed_units = std::min(now.elapsed_units + samples, now.digit.duration_units);
    if (now.elapsed_units >= now.digit.duration_units) {
      now.end_packets_left = kEndPacketCopies;
    }
  }
  EventPacket packet;
  packet.timestamp = now.start_timestamp;
  packet.marker = now.first;
  packet.event.event = now.digit.event;
  packet.event.volume = kVolumeDbm0;
  packet.event.duration = static_cast<std::uint16_t>(now.elapsed_units);
  packet.event.end = now.end_packets_left > 0;
  now.first = false;
  if (now.end_packets_left > 0 && --now.end_packets_left == 0) {
    current_.reset();
    gap_slots_left_ = 2;
  }
  return packet;
}

std::optional<char> DtmfReceiver::on_packet(std::uint32_t timestamp,
                                            const rtp::TelephoneEvent& event) {
  // A new event has a newer timestamp (serial-number arithmetic); an older one is a late
  // packet of an event already reported.
  if (have_last_ && static_cast<std::int32_t>(timestamp - last_timestamp_) <= 0) {
    return std::nullopt;
  }
  have_last_ = true;
  last_timestamp_ = timestamp;
  return rtp::dtmf_char_from_event(event.event);
}

}  // namespace tipring::client
