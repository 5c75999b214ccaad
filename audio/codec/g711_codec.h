// PCMU and PCMA (RFC 3551 §4.5.14) behind AudioEncoder/AudioDecoder: one byte per sample
// at 8 kHz, with the Appendix I style concealer on the decoding side.
#pragma once

#include "audio/codec/audio_codec.h"
#include "audio/codec/g711_plc.h"

namespace tipring::audio {

class G711Encoder final : public AudioEncoder {
public:
  G711Encoder(CodecKind kind, int frame_ms);
  CodecKind kind() const override { return kind_; }
  std::size_t frame_samples() const override { return frame_samples_; }
  Result<std::size_t> encode(std::span<const std::int16_t> pcm,
                             std::span<std::uint8_t> out) override;
  void set_reported_loss_percent(int /*percent*/) override {}
  void set_bitrate_bps(int /*bitrate_bps*/) override {}

private:
  CodecKind kind_;
  std::size_t frame_samples_;
};

class G711Decoder final : public AudioDecoder {
public:
  explicit G711Decoder(CodecKind kind) : kind_(kind) {}
  CodecKind kind() const override { return kind_; }
  Result<std::size_t> samples_in_payload(std::span<const std::uint8_t> payload) const override;
  Result<std::size_t> decode(std::span<const std::uint8_t> payload,
                             std::span<std::int16_t> out) override;
  void conceal(std::span<std::int16_t> out) override { concealer_.conceal(out); }
  void reset() override { concealer_.reset(); }

private:
  CodecKind kind_;
  G711Concealer concealer_;
};

}  // namespace tipring::audio
