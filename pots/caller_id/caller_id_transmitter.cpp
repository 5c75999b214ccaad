#include "pots/caller_id/caller_id_transmitter.h"

namespace tipring::pots {

std::vector<bool> fsk_burst_bits(const std::vector<std::uint8_t>& message,
                                 const FskBurstSettings& settings) {
  std::vector<bool> bits;
  append_seizure(bits, settings.seizure_bits);
  append_marks(bits, settings.mark_bits);
  for (auto byte : message) {
    append_async_byte(bits, byte);
  }
  // One trailing mark so the last stop bit is not the carrier's final edge.
  append_marks(bits, 1);
  return bits;
}

std::vector<std::int16_t> render_fsk_burst(const std::vector<std::uint8_t>& message,
                                           const FskBurstSettings& settings) {
  const auto bits = fsk_burst_bits(message, settings);
  FskModulator modem(settings.standard, settings.level_dbm0);
  modem.queue(bits);
  const auto length = static_cast<std::size_t>(static_cast<double>(bits.size()) * kSampleRateHz /
                                               settings.standard.baud) +
                      1;
  std::vector<std::int16_t> out(length);
  modem.render(out);
  return out;
}

ToneSignal cas_tone(double ms) {
  return ToneSignal{{TonePhase{{ToneSegment{{{2130.0, -15.0}, {2750.0, -15.0}}, ms}}, 1}}};
}

ToneSignal dt_as_tone(double ms) {
  return cas_tone(ms);
}

ToneSignal sas_tone(double ms) {
  return ToneSignal{{TonePhase{{ToneSegment{{{440.0, -13.0}}, ms}}, 1}}};
}

CallWaitingCallerIdSender::CallWaitingCallerIdSender(std::vector<std::uint8_t> message)
    : message_(std::move(message)), modem_(kType2Burst.standard, kType2Burst.level_dbm0) {
  ToneSignal alert = sas_tone();
  alert.phases.push_back(TonePhase{{ToneSegment{{}, 10.0}}, 1});  // short gap
  alert.phases.push_back(cas_tone().phases.front());
  alert_.play(alert);
}

void CallWaitingCallerIdSender::on_key(char key) {
  if (state_ == State::kAwaitingAck && (key == 'D' || key == 'A')) {
    state_ = State::kAckDelay;
    wait_left_ = samples_from_ms(kAckToDataMs);
  }
}

void CallWaitingCallerIdSender::render(MutableSamples out) {
  std::size_t at = 0;
  while (at < out.size()) {
    auto rest = out.subspan(at);
    switch (state_) {
      case State::kAlerting: {
        // One sample at a time until the alert ends, so the ACK wait starts exactly then.
        alert_.render(rest.first(1));
        ++at;
        if (!alert_.playing()) {
          state_ = State::kAwaitingAck;
          wait_left_ = samples_from_ms(kAckTimeoutMs);
        }
        break;
      }
      case State::kAwaitingAck:
      case State::kAckDelay: {
        const auto n = std::min<std::size_t>(rest.size(), static_cast<std::size_t>(wait_left_));
        std::fill_n(rest.begin(), n, std::int16_t{0});
        at += n;
        wait_left_ -= static_cast<std::int64_t>(n);
        if (wait_left_ == 0) {
          if (state_ == State::kAwaitingAck) {
            state_ = State::kNoAck;
          } else {
            state_ = State::kSendingData;
            modem_.queue(fsk_burst_bits(message_, kType2Burst));
          }
        }
        break;
      }
      case State::kSendingData:
        modem_.render(rest.first(1));
        ++at;
        if (!modem_.busy()) {
          state_ = State::kDone;
        }
        break;
      case State::kDone:
      case State::kNoAck:
        std::fill(rest.begin(), rest.end(), std::int16_t{0});
        at = out.size();
        break;
    }
  }
}

}  // namespace tipring::pots
