// audio_probe: measures a recorded WAV so that tests can assert on the audio that crossed a
// call, not merely on bytes arriving.
//
//   audio_probe tone FILE [--freq HZ]... [--skip S]
//       level, active share, the dominant frequency, and for each --freq the share of the
//       signal's power at that frequency (Goertzel), as one JSON object.
//   audio_probe correlate REFERENCE FILE [--skip S] [--seconds S]
//       the best normalised cross-correlation of a stretch of FILE against REFERENCE played
//       in a loop (any lag), at 8 kHz, as one JSON object.
#include "audio/device/wav_file.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <numbers>
#include <optional>
#include <string>
#include <vector>

namespace {

struct Wav {
  int rate = 0;
  int channels = 0;
  std::vector<double> mono;  // first channel, scaled to [-1, 1)
};

std::optional<Wav> read_wav(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open " + path;
    return std::nullopt;
  }
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  const auto chunks = tipring::audio::parse_wav_chunks(bytes);
  if (!chunks) {
    error = path + " is not a RIFF/WAVE file audio_probe can read: " + chunks.error().detail;
    return std::nullopt;
  }
  const bool pcm16 =
      chunks->format_tag == tipring::audio::kWavFormatPcm && chunks->bits_per_sample == 16;
  const bool float32 =
      chunks->format_tag == tipring::audio::kWavFormatFloat && chunks->bits_per_sample == 32;
  if (chunks->channels <= 0 || (!pcm16 && !float32)) {
    error = path + ": only 16-bit PCM and 32-bit float WAV are supported";
    return std::nullopt;
  }
  Wav wav;
  wav.rate = chunks->rate_hz;
  wav.channels = chunks->channels;
  const std::size_t frame = static_cast<std::size_t>(wav.channels) *
                            static_cast<std::size_t>(chunks->bits_per_sample / 8);
  const std::size_t frames = chunks->data.size() / frame;
  wav.mono.reserve(frames);
  for (std::size_t i = 0; i < frames; ++i) {
    const std::uint8_t* s = chunks->data.data() + i * frame;
    if (pcm16) {
      wav.mono.push_back(static_cast<std::int16_t>(s[0] | (s[1] << 8)) / 32768.0);
    } else {
      float f = 0;
      std::memcpy(&f, s, sizeof f);
      wav.mono.push_back(f);
    }
  }
  return wav;
}

double power(const std::vector<double>& x, std::size_t from, std::size_t to) {
  double sum = 0;
  for (std::size_t i = from; i < to; ++i)
    sum += x[i] * x[i];
  return to > from ? sum / static_cast<double>(to - from) : 0.0;
}

// Mean power of the component at `hz` (Goertzel), comparable with power() of a pure tone.
double goertzel_power(const std::vector<double>& x, std::size_t from, std::size_t to, double hz,
                      int rate) {
  const double w = 2.0 * std::numbers::pi * hz / rate;
  const double coeff = 2.0 * std::cos(w);
  double s1 = 0, s2 = 0;
  for (std::size_t i = from; i < to; ++i) {
    const double s0 = x[i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const double n = static_cast<double>(to - from);
  const double mag2 = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return n > 0 ? 2.0 * mag2 / (n * n) : 0.0;
}

double dbfs(double mean_power) {
  return mean_power > 0 ? 10.0 * std::log10(mean_power * 2.0) : -200.0;  // full-scale sine = 0
}

int tone(const Wav& wav, const std::vector<double>& freqs, double skip_s) {
  const auto from = std::min(wav.mono.size(), static_cast<std::size_t>(skip_s * wav.rate));
  const std::size_t to = wav.mono.size();
  const double total = power(wav.mono, from, to);

  // Share of 20 ms frames louder than -40 dBFS: tells silence gaps from continuous audio.
  const auto frame = static_cast<std::size_t>(wav.rate / 50);
  std::size_t frames = 0, active = 0;
  for (std::size_t i = from; frame > 0 && i + frame <= to; i += frame, ++frames) {
    if (dbfs(power(wav.mono, i, i + frame)) > -40.0)
      ++active;
  }

  // Dominant frequency on up to one second from the middle, 5 Hz steps up to 8 kHz.
  const std::size_t mid = from + (to - from) / 2;
  const std::size_t half =
      std::min<std::size_t>(static_cast<std::size_t>(wav.rate) / 2, (to - from) / 2);
  double best_hz = 0, best = 0;
  for (double hz = 50; hz <= std::min(8000.0, wav.rate / 2.0 - 50); hz += 5) {
    const double p = goertzel_power(wav.mono, mid - half, mid + half, hz, wav.rate);
    if (p > best) {
      best = p;
      best_hz = hz;
    }
  }

  std::printf(
      "{\"rate\":%d,\"channels\":%d,\"seconds\":%.3f,\"rms_dbfs\":%.2f,"
      "\"active_ratio\":%.4f,\"dominant_hz\":%.1f,\"tones\":{",
      wav.rate, wav.channels, static_cast<double>(wav.mono.size()) / wav.rate, dbfs(total),
      frames ? static_cast<double>(active) / static_cast<double>(frames) : 0.0, best_hz);
  for (std::size_t i = 0; i < freqs.size(); ++i) {
    const double p = goertzel_power(wav.mono, from, to, freqs[i], wav.rate);
    std::printf("%s\"%g\":{\"share\":%.4f,\"dbfs\":%.2f}", i ? "," : "", freqs[i],
                total > 0 ? p / total : 0.0, dbfs(p));
  }
  std::printf("}}\n");
  return 0;
}

// Averages blocks of samples down to about 8 kHz (a crude low-pass is enough to compare
// speech envelopes after a codec).
std::vector<double> to_8k(const Wav& wav) {
  const int step = std::max(1, wav.rate / 8000);
  std::vector<double> out;
  out.reserve(wav.mono.size() / static_cast<std::size_t>(step) + 1);
  for (std::size_t i = 0; i + static_cast<std::size_t>(step) <= wav.mono.size();
       i += static_cast<std::size_t>(step)) {
    double sum = 0;
    for (int k = 0; k < step; ++k)
      sum += wav.mono[i + static_cast<std::size_t>(k)];
    out.push_back(sum / step);
  }
  return out;
}

int correlate(const Wav& ref_wav, const Wav& test_wav, double skip_s, double seconds) {
  const std::vector<double> ref = to_8k(ref_wav);
  const std::vector<double> test = to_8k(test_wav);
  const auto from = static_cast<std::size_t>(skip_s * 8000);
  const auto len = std::min<std::size_t>(static_cast<std::size_t>(seconds * 8000),
                                         test.size() > from ? test.size() - from : 0);
  if (ref.empty() || len < 800) {
    std::printf("{\"error\":\"recording too short to correlate\",\"max_corr\":0}\n");
    return 1;
  }
  double test_energy = 0;
  for (std::size_t i = 0; i < len; ++i)
    test_energy += test[from + i] * test[from + i];
  double best = 0;
  std::size_t best_lag = 0;
  for (std::size_t lag = 0; lag < ref.size(); ++lag) {
    double dot = 0, ref_energy = 0;
    for (std::size_t i = 0; i < len; ++i) {
      const double r = ref[(lag + i) % ref.size()];
      dot += r * test[from + i];
      ref_energy += r * r;
    }
    const double denom = std::sqrt(ref_energy * test_energy);
    const double c = denom > 0 ? dot / denom : 0.0;
    if (c > best) {
      best = c;
      best_lag = lag;
    }
  }
  std::printf("{\"max_corr\":%.4f,\"lag_s\":%.4f,\"compared_s\":%.3f}\n", best,
              static_cast<double>(best_lag) / 8000.0, static_cast<double>(len) / 8000.0);
  return 0;
}

int usage() {
  std::cerr << "usage: audio_probe tone FILE [--freq HZ]... [--skip S]\n"
               "       audio_probe correlate REFERENCE FILE [--skip S] [--seconds S]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() < 2)
    return usage();
  std::vector<std::string> files;
  std::vector<double> freqs;
  double skip = 0, seconds = 2.0;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if ((args[i] == "--freq" || args[i] == "--skip" || args[i] == "--seconds") &&
        i + 1 < args.size()) {
      const double v = std::stod(args[i + 1]);
      if (args[i] == "--freq")
        freqs.push_back(v);
      if (args[i] == "--skip")
        skip = v;
      if (args[i] == "--seconds")
        seconds = v;
      ++i;
    } else {
      files.push_back(args[i]);
    }
  }
  std::vector<Wav> wavs;
  for (const auto& f : files) {
    std::string error;
    auto wav = read_wav(f, error);
    if (!wav) {
      std::cerr << "audio_probe: " << error << '\n';
      return 1;
    }
    wavs.push_back(std::move(*wav));
  }
  if (args[0] == "tone" && wavs.size() == 1)
    return tone(wavs[0], freqs, skip);
  if (args[0] == "correlate" && wavs.size() == 2)
    return correlate(wavs[0], wavs[1], skip, seconds);
  return usage();
}
