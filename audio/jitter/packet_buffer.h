// PacketBuffer: received packets waiting for playout, ordered by (unwrapped) RTP timestamp
// so that reordering is undone on the way in (the "packet buffer" of NetEq's shape).
// Rejects duplicates and packets whose time has already been played; bounded in size.
#pragma once

#include "protocol/core/time.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tipring::audio {

struct BufferedPacket {
  std::int64_t timestamp = 0;  // unwrapped RTP timestamp
  std::int64_t sequence = 0;   // unwrapped sequence number
  std::size_t samples = 0;     // duration at the codec clock rate
  std::vector<std::uint8_t> payload;
  TimePoint arrival;
};

enum class InsertOutcome {
  inserted,
  duplicate,  // same timestamp already buffered: dropped
  late,       // its time was already played or concealed: dropped, counts as discarded
  flushed,    // buffer was full: the oldest packet was dropped to make room
  malformed,  // the decoder cannot tell the payload's duration: dropped, counts as discarded
};

class PacketBuffer {
public:
  explicit PacketBuffer(std::size_t max_packets) : max_packets_(max_packets) {
    packets_.reserve(max_packets + 1);
  }

  // `playout_timestamp`: the next timestamp that will be decoded or concealed.
  InsertOutcome insert(BufferedPacket packet, std::int64_t playout_timestamp);

  bool empty() const { return packets_.empty(); }
  std::size_t size() const { return packets_.size(); }
  const BufferedPacket& front() const { return packets_.front(); }
  // The packet after front(), if any (Opus FEC looks one ahead).
  const BufferedPacket* second() const { return packets_.size() > 1 ? &packets_[1] : nullptr; }
  BufferedPacket pop_front();
  // Drops packets starting before `timestamp`; returns how many.
  std::size_t drop_before(std::int64_t timestamp);
  // End of the newest buffered audio (timestamp + duration), or `fallback` when empty.
  std::int64_t end_timestamp(std::int64_t fallback) const;
  std::size_t clear();

private:
  std::size_t max_packets_;
  std::vector<BufferedPacket> packets_;  // ascending timestamp
};

}  // namespace tipring::audio
