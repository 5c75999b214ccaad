// AudioEncoder / AudioDecoder: the one interface every voice codec sits behind, chosen by
// its SDP rtpmap name (RFC 8866 §6.6): "opus/48000/2" (RFC 7587), "PCMU/8000" and
// "PCMA/8000" (RFC 3551 §4.5.14). Mono 16-bit PCM at the codec's own clock rate.
#pragma once

#include "protocol/core/error.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace tipring::audio {

enum class CodecKind { opus, pcmu, pcma };

// What the SDP offer/answer agreed for one codec.
struct CodecSettings {
  CodecKind kind = CodecKind::opus;
  int frame_ms = 20;              // 10, 20, 40, 60 for Opus; 10..60 for G.711
  int bitrate_bps = 32000;        // Opus only
  int complexity = 8;             // Opus only, 0..10
  bool inband_fec = false;        // Opus: the peer accepts useinbandfec=1
  bool dtx = false;               // Opus: usedtx=1
  int expected_loss_percent = 0;  // Opus: drives how much FEC the encoder spends
};

// Clock rate of the RTP timestamps and of the PCM the codec consumes and produces.
int clock_rate_hz(CodecKind kind);

// "opus/48000/2" -> opus, "PCMU/8000" -> pcmu, "PCMA/8000" -> pcma (case-insensitive).
Result<CodecKind> codec_from_sdp_name(std::string_view rtpmap);

class AudioEncoder {
public:
  virtual ~AudioEncoder() = default;
  virtual CodecKind kind() const = 0;
  // Samples per frame at the codec clock rate (e.g. 960 for 20 ms Opus).
  virtual std::size_t frame_samples() const = 0;
  // Encodes exactly frame_samples() samples; returns the payload size written to `out`
  // (0 when Opus DTX decided the frame need not be sent).
  virtual Result<std::size_t> encode(std::span<const std::int16_t> pcm,
                                     std::span<std::uint8_t> out) = 0;
  // Loss the peer reports (RTCP fraction lost); Opus turns FEC up or down with it.
  virtual void set_reported_loss_percent(int percent) = 0;
  virtual void set_bitrate_bps(int bitrate_bps) = 0;
  // The codec's algorithmic look-ahead at its clock rate: how far the decoded signal lags
  // the input on top of the frame (Opus: 6.5 ms in SILK/hybrid modes; G.711: none).
  virtual std::size_t lookahead_samples() const { return 0; }
};

class AudioDecoder {
public:
  virtual ~AudioDecoder() = default;
  virtual CodecKind kind() const = 0;
  // How many samples `payload` decodes to (the jitter buffer's timeline needs it first).
  virtual Result<std::size_t> samples_in_payload(std::span<const std::uint8_t> payload) const = 0;
  // Decodes one payload into `out`; returns the number of samples written.
  virtual Result<std::size_t> decode(std::span<const std::uint8_t> payload,
                                     std::span<std::int16_t> out) = 0;
  // Packet loss concealment: fills all of `out` with a continuation of the signal.
  virtual void conceal(std::span<std::int16_t> out) = 0;
  // True when decode_fec() can rebuild a lost frame from the packet that follows it.
  virtual bool has_inband_fec() const { return false; }
  // Rebuilds the lost frame just before `next_payload` (Opus LBRR); fills all of `out`.
  virtual Result<std::size_t> decode_fec(std::span<const std::uint8_t> next_payload,
                                         std::span<std::int16_t> out) {
    (void)next_payload;
    conceal(out);
    return out.size();
  }
  // Forget all history (new SSRC, new timeline).
  virtual void reset() = 0;
};

Result<std::unique_ptr<AudioEncoder>> make_encoder(const CodecSettings& settings);
// `peer_sends_fec`: the answer carried useinbandfec=1 (RFC 7587 §6.1), so a lost Opus
// frame is worth rebuilding from the LBRR data of the packet after it.
Result<std::unique_ptr<AudioDecoder>> make_decoder(CodecKind kind, bool peer_sends_fec = false);

}  // namespace tipring::audio
