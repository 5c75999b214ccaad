#include "tests/audio/playout_simulation.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace tipring::audio::testing {
namespace {

// 150 Hz fundamental with a few harmonics and a slow amplitude envelope: close enough to
// voiced speech for pitch-based concealment and time stretching to be exercised.
std::vector<std::int16_t> voiced_frame(std::int64_t index, std::size_t samples, int rate) {
  std::vector<std::int16_t> pcm(samples);
  for (std::size_t i = 0; i < samples; ++i) {
    const double t =
        (static_cast<double>(index) * static_cast<double>(samples) + static_cast<double>(i)) / rate;
    const double envelope = 0.6 + 0.4 * std::sin(2.0 * std::numbers::pi * 0.7 * t);
    double value = 0.0;
    for (int h = 1; h <= 4; ++h) {
      value += std::sin(2.0 * std::numbers::pi * 150.0 * h * t) / h;
    }
    pcm[i] = static_cast<std::int16_t>(std::lround(5000.0 * envelope * value));
  }
  return pcm;
}

std::vector<std::vector<std::uint8_t>> encode_frames(const Trace& trace, AudioEncoder& encoder,
                                                     int rate) {
  std::vector<std::vector<std::uint8_t>> payloads(static_cast<std::size_t>(trace.frames_sent));
  std::vector<std::uint8_t> buffer(1500);
  for (std::int64_t i = 0; i < trace.frames_sent; ++i) {
    const auto pcm = voiced_frame(i, encoder.frame_samples(), rate);
    const auto bytes = encoder.encode(pcm, buffer);
    if (!bytes) {
      throw std::runtime_error(bytes.error().describe());
    }
    payloads[static_cast<std::size_t>(i)].assign(buffer.begin(),
                                                 buffer.begin() + static_cast<long>(*bytes));
  }
  return payloads;
}

}  // namespace

PlayoutResult simulate_playout(const Trace& trace, const PlayoutOptions& options) {
  const int rate = clock_rate_hz(options.codec.kind);
  auto encoder = make_encoder(options.codec);
  auto decoder = make_decoder(options.codec.kind, options.codec.inband_fec);
  if (!encoder || !decoder) {
    throw std::runtime_error("codec set-up failed");
  }
  const auto payloads = encode_frames(trace, **encoder, rate);

  JitterBufferConfig config = options.buffer;
  config.clock_rate_hz = rate;
  JitterBuffer buffer(**decoder, config);
  std::vector<std::int16_t> out(buffer.pull_samples());

  PlayoutResult result;
  const TimePoint end = (trace.arrivals.empty() ? TimePoint{} : trace.arrivals.back().arrival) +
                        Duration{std::llround(options.extra_seconds * 1e6)};
  std::size_t next = 0;
  double level_sum = 0.0;
  double target_sum = 0.0;
  int in_second = 0;
  for (TimePoint now{}; now <= end || next < trace.arrivals.size(); now += Duration{10000}) {
    for (; next < trace.arrivals.size() && trace.arrivals[next].arrival <= now; ++next) {
      const auto& arrival = trace.arrivals[next];
      MediaPacket packet;
      packet.sequence_number = arrival.sequence_number;
      packet.rtp_timestamp = arrival.rtp_timestamp;
      packet.ssrc = arrival.ssrc;
      packet.payload = payloads[static_cast<std::size_t>(arrival.frame_index)];
      packet.arrival = arrival.arrival;
      buffer.insert(std::move(packet));
    }
    buffer.pull(out, now);
    ++result.pulls;
    const double level = buffer.buffer_level_ms();
    result.max_level_ms = std::max(result.max_level_ms, level);
    level_sum += level;
    target_sum += buffer.target_delay_ms();
    if (++in_second == 100) {
      result.level_ms_per_second.push_back(level_sum / 100.0);
      result.target_ms_per_second.push_back(target_sum / 100.0);
      level_sum = 0.0;
      target_sum = 0.0;
      in_second = 0;
    }
  }
  result.stats = buffer.stats();
  return result;
}

}  // namespace tipring::audio::testing
