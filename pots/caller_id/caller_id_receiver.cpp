#include "pots/caller_id/caller_id_receiver.h"

namespace tipring::pots {

CallerIdReceiver::CallerIdReceiver(FskStandard standard, double min_mark_bits,
                                   double min_level_dbm0)
    : fsk_(standard, min_level_dbm0), min_mark_bits_(min_mark_bits) {}

void CallerIdReceiver::reset() {
  message_.clear();
}

void CallerIdReceiver::process(Samples in, std::vector<CallerIdMessage>& out) {
  bytes_.clear();
  fsk_.process(in, bytes_);
  for (const auto& byte : bytes_) {
    if (message_.empty()) {
      // Seizure bytes (0x55) have no mark run before them; a message does.
      if (byte.marks_before >= min_mark_bits_) {
        message_.push_back(byte.value);
        message_start_ = byte.start_sample;
      }
      continue;
    }
    message_.push_back(byte.value);
    if (message_.size() >= 2 && message_.size() == static_cast<std::size_t>(message_[1]) + 3) {
      out.push_back(CallerIdMessage{message_, message_start_, decode_caller_id(message_)});
      message_.clear();
    }
  }
  // Carrier gone mid-message: report what arrived, so a display can show "error".
  if (!message_.empty() && !fsk_.carrier()) {
    out.push_back(CallerIdMessage{message_, message_start_, decode_caller_id(message_)});
    message_.clear();
  }
}

}  // namespace tipring::pots
