// CallerIdReceiver: what a caller-ID display does with the line audio — demodulate the FSK,
// wait for the mark signal that precedes a message (after the channel seizure, if any),
// collect type, length, body and checksum, and decode (GR-30-CORE, EN 300 659).
#pragma once

#include "pots/caller_id/caller_id_message.h"
#include "pots/caller_id/fsk.h"

#include <cstdint>
#include <vector>

namespace tipring::pots {

struct CallerIdMessage {
  std::vector<std::uint8_t> bytes;  // as received, checksum included
  std::int64_t start_sample;        // start bit of the message type byte
  Result<CallerId> decoded;
};

class CallerIdReceiver {
public:
  // `min_mark_bits`: steady mark needed before a message (type 2 sends only 80).
  explicit CallerIdReceiver(FskStandard standard = kBell202, double min_mark_bits = 20.0,
                            double min_level_dbm0 = -45.0);

  void process(Samples in, std::vector<CallerIdMessage>& out);
  void reset();

private:
  FskReceiver fsk_;
  double min_mark_bits_;
  std::vector<FskReceiver::Byte> bytes_;
  std::vector<std::uint8_t> message_;
  std::int64_t message_start_ = 0;
};

}  // namespace tipring::pots
