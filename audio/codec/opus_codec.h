// Opus (RFC 6716, RTP payload RFC 7587) behind AudioEncoder/AudioDecoder via libopus:
// VoIP application, mono at 48 kHz, in-band FEC (LBRR) when the peer accepts it and loss
// is reported, optional DTX, decoder-side PLC and FEC recovery from the following packet.
#pragma once

#include "audio/codec/audio_codec.h"

#include <memory>

struct OpusEncoder;
struct OpusDecoder;

namespace tipring::audio {

struct OpusEncoderDeleter {
  void operator()(OpusEncoder* encoder) const;
};
struct OpusDecoderDeleter {
  void operator()(OpusDecoder* decoder) const;
};

class OpusVoiceEncoder final : public AudioEncoder {
public:
  static Result<std::unique_ptr<OpusVoiceEncoder>> create(const CodecSettings& settings);
  CodecKind kind() const override { return CodecKind::opus; }
  std::size_t frame_samples() const override { return frame_samples_; }
  Result<std::size_t> encode(std::span<const std::int16_t> pcm,
                             std::span<std::uint8_t> out) override;
  void set_reported_loss_percent(int percent) override;
  void set_bitrate_bps(int bitrate_bps) override;
  std::size_t lookahead_samples() const override;

private:
  OpusVoiceEncoder(std::unique_ptr<OpusEncoder, OpusEncoderDeleter> encoder,
                   const CodecSettings& settings);
  std::unique_ptr<OpusEncoder, OpusEncoderDeleter> encoder_;
  std::size_t frame_samples_;
  bool fec_allowed_;
  bool dtx_;
};

class OpusVoiceDecoder final : public AudioDecoder {
public:
  static Result<std::unique_ptr<OpusVoiceDecoder>> create(bool peer_sends_fec);
  CodecKind kind() const override { return CodecKind::opus; }
  Result<std::size_t> samples_in_payload(std::span<const std::uint8_t> payload) const override;
  Result<std::size_t> decode(std::span<const std::uint8_t> payload,
                             std::span<std::int16_t> out) override;
  void conceal(std::span<std::int16_t> out) override;
  bool has_inband_fec() const override { return peer_sends_fec_; }
  Result<std::size_t> decode_fec(std::span<const std::uint8_t> next_payload,
                                 std::span<std::int16_t> out) override;
  void reset() override;

private:
  OpusVoiceDecoder(std::unique_ptr<OpusDecoder, OpusDecoderDeleter> decoder, bool peer_sends_fec)
      : decoder_(std::move(decoder)), peer_sends_fec_(peer_sends_fec) {}
  std::unique_ptr<OpusDecoder, OpusDecoderDeleter> decoder_;
  bool peer_sends_fec_;
};

}  // namespace tipring::audio
