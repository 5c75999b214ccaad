// audio_bench: the audio engine's cost and latency, and our jitter buffer next to
// speexdsp's on identical simulated network traces. Prints Markdown tables for
// docs/performance.md. Usage: audio_bench [--quick]
#include "audio/codec/audio_codec.h"
#include "audio/jitter/jitter_buffer.h"
#include "audio/pipeline/media_pipeline.h"
#include "tests/audio/network_trace.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include <opus/opus.h>
#include <speex/speex_jitter.h>
#include <time.h>

namespace {

using namespace tipring;
using namespace tipring::audio;
using tipring::audio::testing::make_trace;
using tipring::audio::testing::Trace;
using tipring::audio::testing::TraceConfig;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::vector<std::int16_t> voiced(std::size_t samples, int rate) {
  std::vector<std::int16_t> pcm(samples);
  for (std::size_t i = 0; i < samples; ++i) {
    const double t = static_cast<double>(i) / rate;
    const double envelope = 0.6 + 0.4 * std::sin(2.0 * std::numbers::pi * 0.7 * t);
    double v = 0.0;
    for (int h = 1; h <= 4; ++h) {
      v += std::sin(2.0 * std::numbers::pi * (140.0 + 20.0 * std::sin(t)) * h * t) / h;
    }
    pcm[i] = static_cast<std::int16_t>(5000.0 * envelope * v);
  }
  return pcm;
}

// --- 1. CPU per call: encode + decode + jitter buffer, one direction each way ---------
struct CallCost {
  double encode_s = 0.0;
  double decode_s = 0.0;  // the same packets through a bare decoder
  double total_s = 0.0;   // encode + (decode inside the jitter buffer) + the buffer itself
};

CallCost measure_call(CodecKind kind, int complexity, double seconds) {
  CodecSettings settings;
  settings.kind = kind;
  settings.complexity = complexity;
  const int rate = clock_rate_hz(kind);
  auto encoder = std::move(make_encoder(settings).value());
  auto decoder = std::move(make_decoder(kind).value());
  auto bare_decoder = std::move(make_decoder(kind).value());
  JitterBufferConfig config;
  config.clock_rate_hz = rate;
  tipring::audio::JitterBuffer buffer(*decoder, config);
  const std::size_t frame = encoder->frame_samples();
  const auto frames = static_cast<std::size_t>(seconds * 50);
  const auto signal = voiced(frames * frame, rate);
  std::vector<std::uint8_t> payload(1500);
  std::vector<std::int16_t> out(buffer.pull_samples());
  std::vector<std::int16_t> decoded(frame);

  // Encoding first (timed on its own), then decoding through the jitter buffer.
  std::vector<std::vector<std::uint8_t>> encoded(frames);
  CallCost cost;
  const double start = thread_cpu_seconds();
  for (std::size_t f = 0; f < frames; ++f) {
    const auto bytes = encoder->encode(std::span(signal).subspan(f * frame, frame), payload);
    encoded[f].assign(payload.begin(), payload.begin() + static_cast<long>(*bytes));
  }
  cost.encode_s = thread_cpu_seconds() - start;
  const double jitter_start = thread_cpu_seconds();
  for (std::size_t f = 0; f < frames; ++f) {
    MediaPacket packet;
    packet.sequence_number = static_cast<std::uint16_t>(f);
    packet.rtp_timestamp = static_cast<std::uint32_t>(f * frame);
    packet.ssrc = 1;
    packet.payload = encoded[f];
    // 2 ms of jitter so the buffer does real work; arrival on the 10 ms grid.
    packet.arrival = TimePoint{Duration{static_cast<std::int64_t>(f) * 20'000 + (f % 3) * 1'000}};
    buffer.insert(std::move(packet));
    for (int pull = 0; pull < 2; ++pull) {
      buffer.pull(
          out, TimePoint{Duration{static_cast<std::int64_t>(f) * 20'000 + pull * 10'000 + 5'000}});
    }
  }
  cost.total_s = cost.encode_s + (thread_cpu_seconds() - jitter_start);
  // Not part of the call: the same packets through a bare decoder, to split the remainder
  // into decoding and the jitter buffer's own work.
  const double decode_start = thread_cpu_seconds();
  for (const auto& p : encoded) {
    (void)bare_decoder->decode(p, decoded);
  }
  cost.decode_s = thread_cpu_seconds() - decode_start;
  return cost;
}

const char* codec_label(CodecKind kind) {
  return kind == CodecKind::opus ? "Opus 20 ms"
                                 : (kind == CodecKind::pcmu ? "PCMU 20 ms" : "PCMA 20 ms");
}

// The floor our Opus path is measured against: libopus called directly with the settings
// OpusVoiceEncoder uses (VoIP application, voice signal, 32 kbit/s, no FEC or DTX, 48 kHz
// mono), the same signal, every packet decoded once; no jitter buffer, no interface.
// `max_bandwidth` 0 leaves the bandwidth to libopus (super-wideband hybrid at 32 kbit/s).
CallCost measure_libopus_alone(int complexity, int max_bandwidth, double seconds) {
  constexpr int kRate = 48000;
  constexpr std::size_t kFrame = kRate / 50;
  int error = OPUS_OK;
  OpusEncoder* encoder = opus_encoder_create(kRate, 1, OPUS_APPLICATION_VOIP, &error);
  OpusDecoder* decoder = opus_decoder_create(kRate, 1, &error);
  CallCost cost;
  if (encoder == nullptr || decoder == nullptr) {
    return cost;
  }
  opus_encoder_ctl(encoder, OPUS_SET_COMPLEXITY(complexity));
  opus_encoder_ctl(encoder, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
  opus_encoder_ctl(encoder, OPUS_SET_BITRATE(32000));
  if (max_bandwidth != 0) {
    opus_encoder_ctl(encoder, OPUS_SET_MAX_BANDWIDTH(max_bandwidth));
  }
  const auto frames = static_cast<std::size_t>(seconds * 50);
  const auto signal = voiced(frames * kFrame, kRate);
  std::vector<unsigned char> packets(frames * 1500);
  std::vector<int> sizes(frames);
  std::vector<std::int16_t> decoded(kFrame);
  const double start = thread_cpu_seconds();
  for (std::size_t f = 0; f < frames; ++f) {
    sizes[f] = opus_encode(encoder, signal.data() + f * kFrame, static_cast<int>(kFrame),
                           packets.data() + f * 1500, 1500);
  }
  cost.encode_s = thread_cpu_seconds() - start;
  const double decode_start = thread_cpu_seconds();
  for (std::size_t f = 0; f < frames; ++f) {
    if (opus_decode(decoder, packets.data() + f * 1500, std::max(0, sizes[f]), decoded.data(),
                    static_cast<int>(kFrame), 0) < 0) {
      cost.decode_s = -1.0;
    }
  }
  cost.decode_s = thread_cpu_seconds() - decode_start;
  cost.total_s = cost.encode_s + cost.decode_s;
  opus_encoder_destroy(encoder);
  opus_decoder_destroy(decoder);
  return cost;
}

const CallCost& median_by_total(std::vector<CallCost>& runs) {
  std::sort(runs.begin(), runs.end(),
            [](const CallCost& a, const CallCost& b) { return a.total_s < b.total_s; });
  return runs[runs.size() / 2];
}

void print_cost(const char* label, int complexity, double seconds, const CallCost& c,
                bool has_jitter_buffer) {
  char jitter[32] = "—";
  if (has_jitter_buffer) {
    const double jitter_s = std::max(0.0, c.total_s - c.encode_s - c.decode_s);
    std::snprintf(jitter, sizeof(jitter), "%.2f %%", 100.0 * jitter_s / seconds);
  }
  std::printf("| %s | %d | %.0f s | %.3f s | %.2f %% | %.2f %% | %.2f %% | %s |\n", label,
              complexity, seconds, c.total_s, 100.0 * c.total_s / seconds,
              100.0 * c.encode_s / seconds, 100.0 * c.decode_s / seconds, jitter);
}

void cpu_per_call(CodecKind kind, int complexity, double seconds) {
  // The median of three runs: this VM's two cores are shared, and a neighbour's burst
  // inflates one run's CPU time (cache and SMT contention), never shrinks it. For Opus the
  // bare-libopus reference runs interleaved with ours, so both meet the same load.
  std::vector<CallCost> ours;
  std::vector<CallCost> reference;
  for (int i = 0; i < 3; ++i) {
    ours.push_back(measure_call(kind, complexity, seconds));
    if (kind == CodecKind::opus) {
      reference.push_back(measure_libopus_alone(complexity, 0, seconds));
    }
  }
  const CallCost& c = median_by_total(ours);
  print_cost(codec_label(kind), complexity, seconds, c, true);
  if (kind == CodecKind::opus) {
    const CallCost& r = median_by_total(reference);
    print_cost("libopus alone (reference)", complexity, seconds, r, false);
    std::printf("| ours / reference | | | %.2f | | %.2f | %.2f | |\n", c.total_s / r.total_s,
                c.encode_s / r.encode_s, c.decode_s / r.decode_s);
  }
}

// The same reference with the encoder capped at wideband (SILK only, no CELT layer): the
// cheapest bandwidth choice that still keeps complexity 8.
void libopus_by_bandwidth(int complexity, double seconds) {
  const std::pair<const char*, int> caps[] = {{"auto (libopus picks)", 0},
                                              {"super-wideband", OPUS_BANDWIDTH_SUPERWIDEBAND},
                                              {"wideband", OPUS_BANDWIDTH_WIDEBAND}};
  for (const auto& [name, cap] : caps) {
    std::vector<CallCost> runs;
    for (int i = 0; i < 3; ++i) {
      runs.push_back(measure_libopus_alone(complexity, cap, seconds));
    }
    const CallCost& c = median_by_total(runs);
    std::printf("| %s | %.2f %% | %.2f %% | %.2f %% |\n", name, 100.0 * c.encode_s / seconds,
                100.0 * c.decode_s / seconds, 100.0 * c.total_s / seconds);
  }
}

// Where libopus's encoder time goes, by complexity: libopus 1.3.1 switches SILK's
// noise-shaping quantiser to more delayed-decision states at 4, 6 and 8
// (silk/control_codec.c) and, in a float build, runs the tonality/speech analysis from 7
// (src/opus_encoder.c). Encoder only, median of three.
void opus_encoder_by_complexity(double seconds) {
  for (int complexity : {2, 4, 5, 6, 7, 8, 10}) {
    std::vector<double> runs;
    for (int i = 0; i < 3; ++i) {
      runs.push_back(measure_call(CodecKind::opus, complexity, seconds).encode_s);
    }
    std::sort(runs.begin(), runs.end());
    std::printf("| %d | %.2f %% |\n", complexity, 100.0 * runs[1] / seconds);
  }
}

// Does the 48 kHz input cost? The same voiced signal into libopus directly at 48 kHz and
// at 16 kHz (where SILK needs no internal resampling and the analysis runs on a third of
// the samples), complexity 8, 32 kbit/s, VoIP; encoder only, median of three.
void opus_encoder_by_input_rate(double seconds) {
  for (const int rate : {48000, 16000}) {
    std::vector<double> runs;
    for (int run = 0; run < 3; ++run) {
      int error = OPUS_OK;
      OpusEncoder* encoder = opus_encoder_create(rate, 1, OPUS_APPLICATION_VOIP, &error);
      if (encoder == nullptr || error != OPUS_OK) {
        return;
      }
      opus_encoder_ctl(encoder, OPUS_SET_COMPLEXITY(8));
      opus_encoder_ctl(encoder, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
      opus_encoder_ctl(encoder, OPUS_SET_BITRATE(32000));
      const auto frame = static_cast<std::size_t>(rate / 50);
      const auto frames = static_cast<std::size_t>(seconds * 50);
      const auto signal = voiced(frames * frame, rate);
      std::vector<unsigned char> payload(1500);
      long bytes = 0;  // used, so the calls cannot be dropped
      const double start = thread_cpu_seconds();
      for (std::size_t f = 0; f < frames; ++f) {
        bytes +=
            std::max(0, opus_encode(encoder, signal.data() + f * frame, static_cast<int>(frame),
                                    payload.data(), static_cast<opus_int32>(payload.size())));
      }
      runs.push_back(thread_cpu_seconds() - start);
      opus_encoder_destroy(encoder);
      if (bytes == 0) {
        return;
      }
    }
    std::sort(runs.begin(), runs.end());
    std::printf("| %d kHz | %.2f %% |\n", rate / 1000, 100.0 * runs[1] / seconds);
  }
}

// --- 2. Latency through the pipeline ---------------------------------------------------
// Capture -> packet: a click captured at sample s is in a packet emitted at time T; the
// latency is T - s/48000 (the sample's real-world capture time), worst over phases.
void capture_latency(CodecKind kind) {
  double worst_ms = 0.0;
  double best_ms = 1e9;
  // 80 phases a quarter of a millisecond apart cover the 20 ms frame.
  for (int phase = 0; phase < 80; ++phase) {
    PipelineConfig config;
    config.codec.kind = kind;
    config.voice.echo_cancellation = false;
    config.voice.noise_suppression = false;
    auto pipeline = std::move(MediaPipeline::create(config).value());
    auto reference = std::move(make_decoder(kind).value());
    const std::size_t click_at =
        48000 / 2 + static_cast<std::size_t>(phase) * 12;  // 0.5 s + phase / 4 ms
    std::vector<std::int16_t> chunk(kEngineFrame10ms);
    std::vector<std::int16_t> decoded(5760);
    const int rate = clock_rate_hz(kind);
    std::int64_t decoded_total = 0;
    double found_ms = -1.0;
    for (int tick = 0; tick < 150 && found_ms < 0; ++tick) {
      const std::size_t first = static_cast<std::size_t>(tick) * kEngineFrame10ms;
      for (std::size_t i = 0; i < chunk.size(); ++i) {
        chunk[i] = (first + i >= click_at && first + i < click_at + 24) ? 20000 : 0;
      }
      // Chunk `tick` is complete (and handed over) at the end of its 10 ms.
      const double handed_over_ms = (tick + 1) * 10.0;
      if (auto frame = pipeline->on_capture_frame(chunk)) {
        const auto n = reference->decode(frame->payload, decoded).value();
        for (std::size_t i = 0; i < n; ++i) {
          if (std::abs(decoded[i]) > 5000) {
            found_ms = handed_over_ms;
            break;
          }
        }
        decoded_total += static_cast<std::int64_t>(n);
      }
    }
    (void)rate;
    (void)decoded_total;
    const double latency = found_ms - static_cast<double>(click_at) / 48.0;
    worst_ms = std::max(worst_ms, latency);
    best_ms = std::min(best_ms, latency);
  }
  CodecSettings settings;
  settings.kind = kind;
  const auto encoder = std::move(make_encoder(settings).value());
  const double lookahead_ms =
      1000.0 * static_cast<double>(encoder->lookahead_samples()) / clock_rate_hz(kind);
  std::printf(
      "| capture -> packet, %s 20 ms | %.2f ms | %.2f ms | %.1f ms | %.2f ms | <= 25 ms (one "
      "frame + 5 ms) |\n",
      kind == CodecKind::opus ? "Opus" : "PCMU", best_ms, worst_ms, lookahead_ms,
      worst_ms - 20.0 - lookahead_ms);
}

// libopus's own look-ahead by application, from the library itself: the part of capture ->
// packet no pipeline can remove without changing the application.
void opus_lookahead_by_application() {
  const std::pair<const char*, int> applications[] = {
      {"VOIP (ours: SILK, hybrid, in-band FEC)", OPUS_APPLICATION_VOIP},
      {"AUDIO", OPUS_APPLICATION_AUDIO},
      {"RESTRICTED_LOWDELAY (CELT only, no FEC)", OPUS_APPLICATION_RESTRICTED_LOWDELAY}};
  for (const auto& [name, application] : applications) {
    int error = OPUS_OK;
    OpusEncoder* encoder = opus_encoder_create(48000, 1, application, &error);
    if (encoder == nullptr) {
      continue;
    }
    opus_int32 samples = 0;
    opus_encoder_ctl(encoder, OPUS_GET_LOOKAHEAD(&samples));
    opus_encoder_destroy(encoder);
    std::printf("| %s | %d samples | %.1f ms | %.1f ms |\n", name, samples, samples / 48.0,
                20.0 + samples / 48.0);
  }
}

// Packet -> playout at zero jitter: a click in a packet's payload comes out of
// pull_playout_frame; latency = its playout time - the packet's arrival time - its offset
// inside the packet. Compared with the jitter buffer's target delay.
void playout_latency(CodecKind kind) {
  PipelineConfig config;
  config.codec.kind = kind;
  config.voice.echo_cancellation = false;
  config.voice.noise_suppression = false;
  auto pipeline = std::move(MediaPipeline::create(config).value());
  auto encoder = std::move(make_encoder(config.codec).value());
  const int rate = clock_rate_hz(kind);
  const std::size_t frame = encoder->frame_samples();
  std::vector<std::uint8_t> payload(1500);
  std::vector<std::int16_t> out(kEngineFrame10ms);
  const int click_frame = 100;
  const std::size_t click_offset = frame / 4;
  double arrival_ms = 0.0;
  double heard_ms = -1.0;
  double target_ms = 0.0;
  for (int tick = 0; tick < 400 && heard_ms < 0; ++tick) {
    const double now_ms = tick * 10.0 + 3.0;  // pulls off the packet grid
    if (tick % 2 == 0) {
      const int f = tick / 2;
      std::vector<std::int16_t> pcm(frame, 0);
      if (f == click_frame) {
        for (std::size_t i = click_offset; i < click_offset + static_cast<std::size_t>(rate / 2000);
             ++i) {
          pcm[i] = 20000;
        }
      }
      const auto bytes = encoder->encode(pcm, payload).value();
      MediaPacket packet;
      packet.sequence_number = static_cast<std::uint16_t>(f);
      packet.rtp_timestamp = static_cast<std::uint32_t>(static_cast<std::size_t>(f) * frame);
      packet.ssrc = 7;
      packet.payload.assign(payload.begin(), payload.begin() + static_cast<long>(bytes));
      packet.arrival = TimePoint{Duration{static_cast<std::int64_t>(tick) * 10'000}};
      if (f == click_frame) {
        arrival_ms = tick * 10.0;
      }
      pipeline->push_rtp_payload(std::move(packet));
    }
    pipeline->pull_playout_frame(out,
                                 TimePoint{Duration{static_cast<std::int64_t>(now_ms * 1000)}});
    target_ms = pipeline->target_delay_ms();
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (arrival_ms > 0 && std::abs(out[i]) > 5000) {
        heard_ms = now_ms + static_cast<double>(i) / 48.0;
        break;
      }
    }
  }
  const double latency = heard_ms - arrival_ms - static_cast<double>(click_offset) * 1000.0 / rate;
  std::printf(
      "| packet -> playout, %s, zero jitter | %.1f ms | target %.1f ms | | | <= target + 5 ms "
      "|\n",
      kind == CodecKind::opus ? "Opus" : "PCMU", latency, target_ms);
}

// --- 3. Our jitter buffer vs speexdsp's on the same traces ------------------------------
struct Outcome {
  double concealed_percent = 0.0;
  double mean_delay_ms = 0.0;
};

Outcome ours(const Trace& trace, const std::vector<std::vector<std::uint8_t>>& payloads) {
  auto decoder = std::move(make_decoder(CodecKind::pcmu).value());
  JitterBufferConfig config;
  config.clock_rate_hz = 8000;
  tipring::audio::JitterBuffer buffer(*decoder, config);
  std::vector<std::int16_t> out(buffer.pull_samples());
  std::size_t next = 0;
  for (TimePoint now{}; next < trace.arrivals.size(); now += Duration{10'000}) {
    for (; next < trace.arrivals.size() && trace.arrivals[next].arrival <= now; ++next) {
      const auto& a = trace.arrivals[next];
      MediaPacket p;
      p.sequence_number = a.sequence_number;
      p.rtp_timestamp = a.rtp_timestamp;
      p.ssrc = a.ssrc;
      p.payload = payloads[static_cast<std::size_t>(a.frame_index)];
      p.arrival = a.arrival;
      buffer.insert(std::move(p));
    }
    buffer.pull(out, now);
  }
  const auto& s = buffer.stats();
  return {100.0 * static_cast<double>(s.concealed_samples) /
              static_cast<double>(s.total_samples_received),
          s.mean_delay_ms()};
}

Outcome speex(const Trace& trace) {
  ::JitterBuffer* jb = jitter_buffer_init(160);
  std::size_t next = 0;
  std::uint64_t missing = 0;
  std::uint64_t gets = 0;
  double delay_sum_ms = 0.0;
  std::uint64_t delivered = 0;
  bool started = false;
  char data[2048];
  // speexdsp's buffer is ticked once per packet duration (20 ms) and returns whole packets.
  for (TimePoint now{}; next < trace.arrivals.size(); now += Duration{20'000}) {
    for (; next < trace.arrivals.size() && trace.arrivals[next].arrival <= now; ++next) {
      const auto& a = trace.arrivals[next];
      char payload[160] = {};
      JitterBufferPacket packet{};
      packet.data = payload;
      packet.len = sizeof(payload);
      packet.timestamp = a.rtp_timestamp - trace.arrivals.front().rtp_timestamp + 1'000'000;
      packet.span = 160;
      packet.sequence = a.sequence_number;
      packet.user_data = static_cast<spx_uint32_t>(a.arrival.since_epoch.count() / 1000);
      jitter_buffer_put(jb, &packet);
      started = true;
    }
    if (started) {
      JitterBufferPacket out{};
      out.data = data;
      out.len = sizeof(data);
      spx_int32_t offset = 0;
      const int result = jitter_buffer_get(jb, &out, 160, &offset);
      ++gets;
      if (result == JITTER_BUFFER_OK) {
        delay_sum_ms += static_cast<double>(now.since_epoch.count() / 1000 - out.user_data);
        ++delivered;
      } else {
        ++missing;
      }
      jitter_buffer_tick(jb);
    }
  }
  jitter_buffer_destroy(jb);
  return {100.0 * static_cast<double>(missing) / static_cast<double>(gets),
          delivered == 0 ? 0.0 : delay_sum_ms / static_cast<double>(delivered)};
}

void compare(const char* name, TraceConfig config) {
  const Trace trace = make_trace(config);
  std::vector<std::vector<std::uint8_t>> payloads(static_cast<std::size_t>(trace.frames_sent),
                                                  std::vector<std::uint8_t>(160, 0xFF));
  const auto pcm = voiced(160, 8000);
  for (auto& p : payloads) {
    for (std::size_t i = 0; i < 160; ++i) {
      p[i] = static_cast<std::uint8_t>(0x80 | (pcm[i] >> 12 & 0x0F));
    }
  }
  const Outcome a = ours(trace, payloads);
  const Outcome b = speex(trace);
  const double loss =
      100.0 * static_cast<double>(trace.frames_lost) / static_cast<double>(trace.frames_sent);
  std::printf("| %s | %.1f %% | %.1f %% | %.1f ms | %.1f %% | %.1f ms |\n", name, loss,
              a.concealed_percent, a.mean_delay_ms, b.concealed_percent, b.mean_delay_ms);
}

TraceConfig trace(double seconds, double loss, double burst, double jitter, double drift = 0.0,
                  double reorder = 0.0) {
  TraceConfig c;
  c.seed = 20261125;
  c.duration_s = seconds;
  c.loss = loss;
  c.mean_burst_packets = burst;
  c.jitter_ms = jitter;
  c.drift_ppm = drift;
  c.reorder = reorder;
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const double seconds = quick ? 10.0 : 60.0;

  std::printf("### CPU per call (encode + decode + jitter buffer, %s of audio, one core)\n\n",
              quick ? "10 s" : "60 s");
  std::printf(
      "| codec | complexity | audio | CPU time | share of one core | encode | decode | jitter "
      "buffer |\n|---|---|---|---|---|---|---|---|\n");
  cpu_per_call(CodecKind::opus, 8, seconds);
  cpu_per_call(CodecKind::opus, 10, seconds);
  cpu_per_call(CodecKind::pcmu, 0, seconds);

  std::printf("\n### libopus alone at complexity 8 by maximum bandwidth (%s of audio)\n\n",
              quick ? "10 s" : "60 s");
  std::printf("| bandwidth cap | encode | decode | total |\n|---|---|---|---|\n");
  libopus_by_bandwidth(8, seconds);

  std::printf("\n### Opus encoder alone by complexity (%s of audio)\n\n", quick ? "10 s" : "60 s");
  std::printf("| complexity | share of one core |\n|---|---|\n");
  opus_encoder_by_complexity(seconds);

  std::printf("\n### Opus encoder alone by input rate (complexity 8, %s of audio)\n\n",
              quick ? "10 s" : "60 s");
  std::printf("| input rate | share of one core |\n|---|---|\n");
  opus_encoder_by_input_rate(seconds);

  std::printf(
      "\n### Pipeline latency\n\n| path | best | worst / target | codec look-ahead | worst - "
      "frame - look-ahead | goal |\n|---|---|---|---|---|---|\n");
  capture_latency(CodecKind::opus);
  capture_latency(CodecKind::pcmu);
  playout_latency(CodecKind::opus);
  playout_latency(CodecKind::pcmu);

  std::printf(
      "\n### libopus look-ahead by application (48 kHz)\n\n| application | look-ahead | "
      "look-ahead (ms) | 20 ms frame + look-ahead |\n|---|---|---|---|\n");
  opus_lookahead_by_application();

  std::printf("\n### Jitter buffer: ours vs speexdsp's on the same traces (PCMU 20 ms)\n\n");
  std::printf(
      "| trace | loss | ours: concealed | ours: mean delay | speexdsp: concealed | speexdsp: mean "
      "delay |\n");
  std::printf("|---|---|---|---|---|---|\n");
  const double long_s = quick ? 60.0 : 600.0;
  compare("clean", trace(seconds, 0.0, 1.0, 0.0));
  compare("5 % random loss, 20 ms jitter", trace(seconds, 0.05, 1.0, 20.0));
  compare("10 % bursty loss, 50 ms jitter", trace(seconds, 0.10, 3.0, 50.0));
  compare("100 ms jitter, 5 % reordering", trace(seconds, 0.0, 1.0, 100.0, 0.0, 0.05));
  compare("20 % random loss, 30 ms jitter", trace(seconds, 0.20, 1.0, 30.0));
  compare(quick ? "+100 ppm drift, 1 min" : "+100 ppm drift, 10 min",
          trace(long_s, 0.01, 1.0, 20.0, 100.0));
  compare(quick ? "-100 ppm drift, 1 min" : "-100 ppm drift, 10 min",
          trace(long_s, 0.01, 1.0, 20.0, -100.0));
  return 0;
}
