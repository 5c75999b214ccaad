// opus_floor: libopus alone, encode then decode N seconds of the voiced test signal with
// the settings OpusVoiceEncoder uses (VoIP, voice, 32 kbit/s, 48 kHz mono). A driver for
// callgrind and perf, with nothing of ours in the loop, so their counts are libopus's floor.
// Usage: opus_floor COMPLEXITY MAX_BANDWIDTH(0|1103 wideband|1104 super-wideband) SECONDS
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numbers>
#include <vector>

#include <opus/opus.h>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: opus_floor COMPLEXITY MAX_BANDWIDTH SECONDS\n");
    return 2;
  }
  const int complexity = std::atoi(argv[1]);
  const int max_bandwidth = std::atoi(argv[2]);
  const int seconds = std::atoi(argv[3]);
  constexpr int kRate = 48000;
  constexpr int kFrame = kRate / 50;
  int error = OPUS_OK;
  OpusEncoder* encoder = opus_encoder_create(kRate, 1, OPUS_APPLICATION_VOIP, &error);
  OpusDecoder* decoder = opus_decoder_create(kRate, 1, &error);
  if (encoder == nullptr || decoder == nullptr) {
    return 1;
  }
  opus_encoder_ctl(encoder, OPUS_SET_COMPLEXITY(complexity));
  opus_encoder_ctl(encoder, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
  opus_encoder_ctl(encoder, OPUS_SET_BITRATE(32000));
  if (max_bandwidth != 0) {
    opus_encoder_ctl(encoder, OPUS_SET_MAX_BANDWIDTH(max_bandwidth));
  }
  std::vector<opus_int16> frame(kFrame);
  std::vector<opus_int16> decoded(kFrame);
  std::vector<unsigned char> packet(1500);
  long hybrid = 0;
  long super_wideband = 0;
  long frames = 0;
  for (long f = 0; f < 50L * seconds; ++f, ++frames) {
    for (int i = 0; i < kFrame; ++i) {
      const double t = static_cast<double>(f * kFrame + i) / kRate;
      const double envelope = 0.6 + 0.4 * std::sin(2.0 * std::numbers::pi * 0.7 * t);
      double v = 0.0;
      for (int h = 1; h <= 4; ++h) {
        v += std::sin(2.0 * std::numbers::pi * (140.0 + 20.0 * std::sin(t)) * h * t) / h;
      }
      frame[static_cast<std::size_t>(i)] = static_cast<opus_int16>(5000.0 * envelope * v);
    }
    const int bytes = opus_encode(encoder, frame.data(), kFrame, packet.data(), 1500);
    if (bytes <= 0 || opus_decode(decoder, packet.data(), bytes, decoded.data(), kFrame, 0) < 0) {
      return 1;
    }
    const int config = packet[0] >> 3;  // RFC 6716 §3.1: 12-15 hybrid
    hybrid += (config >= 12 && config < 16) ? 1 : 0;
    super_wideband += opus_packet_get_bandwidth(packet.data()) == OPUS_BANDWIDTH_SUPERWIDEBAND;
  }
  std::printf("%ld frames, %ld hybrid (SILK + CELT), %ld SILK or CELT only, %ld super-wideband\n",
              frames, hybrid, frames - hybrid, super_wideband);
  opus_encoder_destroy(encoder);
  opus_decoder_destroy(decoder);
  return 0;
}
