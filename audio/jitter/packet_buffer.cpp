#include "audio/jitter/packet_buffer.h"

#include <algorithm>

namespace tipring::audio {

InsertOutcome PacketBuffer::insert(BufferedPacket packet, std::int64_t playout_timestamp) {
  if (packet.timestamp < playout_timestamp) {
    return InsertOutcome::late;
  }
  auto position =
      std::lower_bound(packets_.begin(), packets_.end(), packet.timestamp,
                       [](const BufferedPacket& p, std::int64_t ts) { return p.timestamp < ts; });
  if (position != packets_.end() && position->timestamp == packet.timestamp) {
    return InsertOutcome::duplicate;
  }
  packets_.insert(position, std::move(packet));
  if (packets_.size() > max_packets_) {
    packets_.erase(packets_.begin());
    return InsertOutcome::flushed;
  }
  return InsertOutcome::inserted;
}

BufferedPacket PacketBuffer::pop_front() {
  BufferedPacket packet = std::move(packets_.front());
  packets_.erase(packets_.begin());
  return packet;
}

std::size_t PacketBuffer::drop_before(std::int64_t timestamp) {
  auto end = std::find_if(packets_.begin(), packets_.end(), [timestamp](const BufferedPacket& p) {
    return p.timestamp >= timestamp;
  });
  const auto dropped = static_cast<std::size_t>(end - packets_.begin());
  packets_.erase(packets_.begin(), end);
  return dropped;
}

std::int64_t PacketBuffer::end_timestamp(std::int64_t fallback) const {
  if (packets_.empty()) {
    return fallback;
  }
  const auto& last = packets_.back();
  return last.timestamp + static_cast<std::int64_t>(last.samples);
}

std::size_t PacketBuffer::clear() {
  const std::size_t count = packets_.size();
  packets_.clear();
  return count;
}

}  // namespace tipring::audio
