#include "tests/audio/network_trace.h"

#include "protocol/core/random.h"

#include <algorithm>
#include <cmath>

namespace tipring::audio::testing {
namespace {

class Draw {
public:
  explicit Draw(std::uint64_t seed) : random_(seed) {}
  double uniform() { return static_cast<double>(random_.next_u64() >> 11) * 0x1.0p-53; }

private:
  SeededRandom random_;
};

// Gilbert-Elliott with a lossless good state and an always-lossy bad state: the mean burst
// length fixes the bad->good probability, the long-run loss the good->bad one.
class LossModel {
public:
  LossModel(double loss, double mean_burst)
      : leave_bad_(1.0 / std::max(1.0, mean_burst)),
        enter_bad_(loss >= 1.0 ? 1.0 : leave_bad_ * loss / (1.0 - loss)),
        independent_(mean_burst <= 1.0),
        loss_(loss) {}

  bool lose(Draw& draw) {
    if (independent_) {
      return draw.uniform() < loss_;
    }
    bad_ = bad_ ? draw.uniform() >= leave_bad_ : draw.uniform() < enter_bad_;
    return bad_;
  }

private:
  double leave_bad_;
  double enter_bad_;
  bool independent_;
  double loss_;
  bool bad_ = false;
};

Duration from_ms(double ms) {
  return Duration{std::llround(ms * 1000.0)};
}

}  // namespace

std::int64_t Trace::receiver_visible_loss() const {
  if (arrivals.empty()) {
    return 0;
  }
  std::vector<std::int64_t> frames;
  frames.reserve(arrivals.size());
  for (const auto& packet : arrivals) {
    frames.push_back(packet.frame_index);
  }
  std::sort(frames.begin(), frames.end());
  frames.erase(std::unique(frames.begin(), frames.end()), frames.end());
  return frames.back() - frames.front() + 1 - static_cast<std::int64_t>(frames.size());
}

Trace make_trace(const TraceConfig& config) {
  Draw draw(config.seed);
  LossModel loss(config.loss, config.mean_burst_packets);
  Trace trace;
  const double period_ms = config.frame_ms / (1.0 + config.drift_ppm * 1e-6);
  const auto frame_samples =
      static_cast<std::uint32_t>(config.clock_rate_hz * config.frame_ms / 1000);
  const auto frames = static_cast<std::int64_t>(config.duration_s * 1000.0 / config.frame_ms);
  trace.frames_sent = frames;
  for (std::int64_t i = 0; i < frames; ++i) {
    const double sent_ms = static_cast<double>(i) * period_ms;
    const bool in_outage = config.outage_start_s >= 0.0 &&
                           sent_ms >= config.outage_start_s * 1000.0 &&
                           sent_ms < (config.outage_start_s + config.outage_length_s) * 1000.0;
    const bool lost = loss.lose(draw) || in_outage;
    if (lost) {
      ++trace.frames_lost;
      continue;
    }
    TracePacket packet;
    packet.sequence_number = static_cast<std::uint16_t>(config.first_sequence + i);
    packet.rtp_timestamp = config.first_timestamp + static_cast<std::uint32_t>(i) * frame_samples;
    packet.ssrc = config.ssrc;
    packet.frame_index = i;
    packet.sent = TimePoint{from_ms(sent_ms)};
    double delay_ms = config.base_delay_ms + draw.uniform() * config.jitter_ms;
    if (draw.uniform() < config.reorder) {
      delay_ms += period_ms * 1.5;  // overtaken by the next packet
    }
    packet.arrival = packet.sent + from_ms(delay_ms);
    trace.arrivals.push_back(packet);
    if (draw.uniform() < config.duplicate) {
      TracePacket copy = packet;
      copy.arrival = copy.arrival + from_ms(draw.uniform() * 2.0 * period_ms);
      trace.arrivals.push_back(copy);
    }
  }
  std::stable_sort(
      trace.arrivals.begin(), trace.arrivals.end(),
      [](const TracePacket& a, const TracePacket& b) { return a.arrival < b.arrival; });
  return trace;
}

}  // namespace tipring::audio::testing
