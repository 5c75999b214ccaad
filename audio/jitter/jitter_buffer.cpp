#include "audio/jitter/jitter_buffer.h"

#include "audio/jitter/decision_logic.h"

#include <algorithm>
#include <cstdlib>

namespace tipring::audio {
namespace {

// The level is smoothed over about 8 pulls so that one packet's sawtooth does not look
// like a trend.
constexpr double kLevelSmoothing = 1.0 / 8.0;

DelayManagerConfig delay_config(const JitterBufferConfig& config) {
  DelayManagerConfig result;
  result.clock_rate_hz = config.clock_rate_hz;
  result.min_target_ms = config.min_delay_ms;
  result.max_target_ms = config.max_delay_ms;
  return result;
}

}  // namespace

JitterBuffer::JitterBuffer(AudioDecoder& decoder, JitterBufferConfig config)
    : decoder_(decoder),
      config_(config),
      pull_samples_(static_cast<std::size_t>(config.clock_rate_hz * config.pull_ms / 1000)),
      pitch_(pitch_range(config.clock_rate_hz)),
      packets_(config.max_packets),
      delay_(delay_config(config)),
      decoded_(static_cast<std::size_t>(config.clock_rate_hz / 2), pitch_.max_lag) {}

double JitterBuffer::samples_to_ms(double samples) const {
  return samples * 1000.0 / config_.clock_rate_hz;
}

double JitterBuffer::buffer_level_ms() const {
  const auto pending = packets_.end_timestamp(playout_timestamp_) - playout_timestamp_;
  return samples_to_ms(static_cast<double>(decoded_.size()) +
                       static_cast<double>(std::max<std::int64_t>(0, pending)));
}

void JitterBuffer::start_stream(const MediaPacket& packet) {
  if (have_stream_) {
    // A new SSRC is a new source (RFC 3550 §8.2): its timeline and statistics start over,
    // while the audio already decoded still plays out.
    lost_in_previous_streams_ = stats_.packets_lost;
    stats_.packets_discarded += packets_.clear();
    decoder_.reset();
  }
  have_stream_ = true;
  ssrc_ = packet.ssrc;
  sequence_unwrapper_.reset();
  timestamp_unwrapper_.reset();
  first_sequence_ = sequence_unwrapper_.unwrap(packet.sequence_number);
  highest_sequence_ = first_sequence_ - 1;
  highest_sequence_timestamp_ = timestamp_unwrapper_.unwrap(packet.rtp_timestamp);
  received_in_stream_ = 0;
  received_window_.reset();
  delay_.reset();
  playout_timestamp_ = highest_sequence_timestamp_;
  credit_samples_ = 0;
  if (!playing_) {
    first_arrival_ = packet.arrival;
  }
}

bool JitterBuffer::is_duplicate(std::int64_t sequence) const {
  if (sequence > highest_sequence_ ||
      sequence <= highest_sequence_ - static_cast<std::int64_t>(kSequenceWindow)) {
    return false;
  }
  return received_window_.test(static_cast<std::size_t>(sequence) % kSequenceWindow);
}

void JitterBuffer::mark_received(std::int64_t sequence) {
  if (sequence < first_sequence_ &&
      sequence > highest_sequence_ - static_cast<std::int64_t>(kSequenceWindow)) {
    first_sequence_ = sequence;  // reordered ahead of the first packet we saw
  }
  if (sequence > highest_sequence_) {
    const std::int64_t first_cleared =
        std::max(highest_sequence_ + 1, sequence - static_cast<std::int64_t>(kSequenceWindow) + 1);
    for (std::int64_t s = first_cleared; s <= sequence; ++s) {
      received_window_.reset(static_cast<std::size_t>(s) % kSequenceWindow);
    }
    highest_sequence_ = sequence;
  }
  received_window_.set(static_cast<std::size_t>(sequence) % kSequenceWindow);
  ++received_in_stream_;
  ++stats_.packets_received;
  const auto expected = highest_sequence_ - first_sequence_ + 1;
  stats_.packets_lost =
      lost_in_previous_streams_ + expected - static_cast<std::int64_t>(received_in_stream_);
}

InsertOutcome JitterBuffer::insert(MediaPacket packet) {
  if (!have_stream_ || packet.ssrc != ssrc_) {
    start_stream(packet);
  }
  const std::int64_t sequence = sequence_unwrapper_.unwrap(packet.sequence_number);
  if (is_duplicate(sequence)) {
    ++stats_.packets_duplicated;
    return InsertOutcome::duplicate;
  }
  const auto samples = decoder_.samples_in_payload(packet.payload);
  if (!samples) {
    ++stats_.packets_discarded;
    return InsertOutcome::malformed;
  }
  std::int64_t timestamp = timestamp_unwrapper_.unwrap(packet.rtp_timestamp);
  if (sequence > highest_sequence_ && received_in_stream_ > 0) {
    const std::int64_t expected =
        highest_sequence_timestamp_ + (sequence - highest_sequence_) * last_packet_samples_;
    const std::int64_t max_gap = std::int64_t{config_.max_gap_ms} * config_.clock_rate_hz / 1000;
    if (std::abs(timestamp - expected) > max_gap) {
      // The sender's timestamps jumped (a new talk spurt clock, a restarted sender):
      // start a new timeline here; anything still buffered belongs to the old one.
      stats_.packets_discarded += packets_.clear();
      playout_timestamp_ = timestamp;
      credit_samples_ = 0;
      delay_.reset();
    }
  }
  if (sequence > highest_sequence_) {
    highest_sequence_timestamp_ = timestamp;
    last_packet_samples_ = static_cast<std::int64_t>(*samples);
  }
  mark_received(sequence);
  if (!playing_ && timestamp < playout_timestamp_) {
    playout_timestamp_ = timestamp;  // reordered before playout started: start earlier
  }
  delay_.on_packet(timestamp, *samples, packet.arrival);
  stats_.jitter_s = delay_.jitter_seconds();

  BufferedPacket buffered{timestamp, sequence, *samples, std::move(packet.payload), packet.arrival};
  const InsertOutcome outcome = packets_.insert(std::move(buffered), playout_timestamp_);
  if (outcome == InsertOutcome::late || outcome == InsertOutcome::flushed) {
    ++stats_.packets_discarded;
  }
  return outcome;
}

void JitterBuffer::conceal(std::size_t samples) {
  auto room = decoded_.reserve_back(samples);
  decoder_.conceal(room);
  decoded_.commit(room.size());
  stats_.concealed_samples += room.size();
  if (!concealing_) {
    ++stats_.concealment_events;
    concealing_ = true;
  }
}

void JitterBuffer::decode_front(TimePoint now) {
  BufferedPacket packet = packets_.pop_front();
  const std::size_t already_buffered = decoded_.size();
  auto room = decoded_.reserve_back(packet.samples);
  const auto decoded = decoder_.decode(packet.payload, room);
  const std::size_t produced = decoded ? std::min(*decoded, room.size()) : 0;
  if (produced == 0) {
    conceal(packet.samples);  // undecodable: conceal its duration
  } else {
    decoded_.commit(produced);
    concealing_ = false;
    // Each sample leaves the buffer once everything decoded before it has played.
    const double wait_s = static_cast<double>((now - packet.arrival).count()) / 1e6 +
                          static_cast<double>(already_buffered) / config_.clock_rate_hz;
    stats_.jitter_buffer_delay_s += wait_s * static_cast<double>(produced);
    stats_.jitter_buffer_target_delay_s +=
        delay_.target_delay_ms() / 1000.0 * static_cast<double>(produced);
    stats_.jitter_buffer_emitted_count += produced;
  }
  playout_timestamp_ = packet.timestamp + static_cast<std::int64_t>(packet.samples);
  credit_samples_ = 0;
}

void JitterBuffer::fill(TimePoint now) {
  const std::int64_t max_gap = std::int64_t{config_.max_gap_ms} * config_.clock_rate_hz / 1000;
  while (decoded_.size() < pull_samples_) {
    FillState state;
    state.have_packet = !packets_.empty();
    if (state.have_packet) {
      state.gap_samples = packets_.front().timestamp - playout_timestamp_;
      state.front_samples = static_cast<std::int64_t>(packets_.front().samples);
    }
    state.credit_samples = credit_samples_;
    state.decoder_has_fec = decoder_.has_inband_fec();
    state.max_gap_samples = max_gap;

    switch (next_fill(state)) {
      case FillOperation::decode:
        decode_front(now);
        break;
      case FillOperation::fec_recover: {
        auto room = decoded_.reserve_back(static_cast<std::size_t>(state.gap_samples));
        const auto rebuilt = decoder_.decode_fec(packets_.front().payload, room);
        decoded_.commit(rebuilt ? room.size() : 0);
        if (!rebuilt) {
          conceal(room.size());
        } else {
          ++stats_.fec_packets_recovered;
        }
        playout_timestamp_ += state.gap_samples;
        break;
      }
      case FillOperation::conceal_gap: {
        const auto chunk =
            std::min<std::int64_t>(state.gap_samples, static_cast<std::int64_t>(pull_samples_));
        conceal(static_cast<std::size_t>(chunk));
        playout_timestamp_ += chunk;
        break;
      }
      case FillOperation::skip_gap: {
        const auto skipped = std::min(state.gap_samples, credit_samples_);
        playout_timestamp_ += skipped;
        credit_samples_ -= skipped;
        break;
      }
      case FillOperation::conceal_underrun:
        conceal(pull_samples_);
        credit_samples_ += static_cast<std::int64_t>(pull_samples_);
        break;
      case FillOperation::jump:
        playout_timestamp_ = packets_.front().timestamp;
        credit_samples_ = 0;
        break;
    }
  }
}

void JitterBuffer::decode_ahead_for_stretch(TimePoint now) {
  const std::size_t wanted = pull_samples_ + 2 * pitch_.max_lag;
  while (decoded_.size() < wanted && !packets_.empty() &&
         packets_.front().timestamp == playout_timestamp_ &&
         decoded_.free_space() >= packets_.front().samples) {
    decode_front(now);
  }
}

void JitterBuffer::stretch() {
  StretchState state;
  state.filtered_level_ms = filtered_level_ms_;
  state.target_delay_ms = delay_.target_delay_ms();
  state.enough_decoded = decoded_.size() >= pull_samples_ + 2 * pitch_.max_lag;
  state.concealing = concealing_;
  const auto decimation = static_cast<std::size_t>(std::max(1, config_.clock_rate_hz / 8000));
  switch (next_stretch(state)) {
    case StretchOperation::none:
      return;
    case StretchOperation::accelerate: {
      const std::size_t lag = best_period(decoded_.samples(), pitch_, decimation);
      crossfade_for_accelerate(decoded_.samples(), lag);
      decoded_.consume(lag);
      stats_.removed_samples_for_acceleration += lag;
      filtered_level_ms_ -= samples_to_ms(static_cast<double>(lag));
      return;
    }
    case StretchOperation::preemptive_expand: {
      const std::size_t lag = best_period(decoded_.samples(), pitch_, decimation);
      auto prefix = decoded_.grow_front(lag);
      crossfade_for_expand(prefix, decoded_.samples().subspan(prefix.size()));
      stats_.inserted_samples_for_deceleration += prefix.size();
      filtered_level_ms_ += samples_to_ms(static_cast<double>(prefix.size()));
      return;
    }
  }
}

void JitterBuffer::pull(std::span<std::int16_t> out, TimePoint now) {
  if (!playing_) {
    const bool buffered_enough = !packets_.empty() && buffer_level_ms() >= target_delay_ms();
    const bool waited_enough =
        have_stream_ &&
        static_cast<double>((now - first_arrival_).count()) / 1000.0 >= target_delay_ms();
    if (!buffered_enough && !waited_enough) {
      std::fill(out.begin(), out.end(), std::int16_t{0});
      return;
    }
    playing_ = true;
    filtered_level_ms_ = buffer_level_ms();
  }
  fill(now);
  filtered_level_ms_ += (buffer_level_ms() - filtered_level_ms_) * kLevelSmoothing;
  decode_ahead_for_stretch(now);
  stretch();

  auto ready = decoded_.samples().first(std::min(out.size(), decoded_.size()));
  std::copy(ready.begin(), ready.end(), out.begin());
  std::fill(out.begin() + static_cast<std::ptrdiff_t>(ready.size()), out.end(), std::int16_t{0});
  decoded_.consume(ready.size());
  stats_.total_samples_received += out.size();
}

}  // namespace tipring::audio
