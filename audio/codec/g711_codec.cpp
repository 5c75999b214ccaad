#include "audio/codec/g711_codec.h"

#include "audio/codec/g711.h"

#include <string>

namespace tipring::audio {

G711Encoder::G711Encoder(CodecKind kind, int frame_ms)
    : kind_(kind), frame_samples_(static_cast<std::size_t>(frame_ms) * 8) {}

Result<std::size_t> G711Encoder::encode(std::span<const std::int16_t> pcm,
                                        std::span<std::uint8_t> out) {
  if (pcm.size() != frame_samples_ || out.size() < frame_samples_) {
    return fail("G.711 frame", "expected " + std::to_string(frame_samples_) +
                                   " samples and as many bytes of room");
  }
  if (kind_ == CodecKind::pcmu) {
    g711::encode_ulaw(pcm, out.first(frame_samples_));
  } else {
    g711::encode_alaw(pcm, out.first(frame_samples_));
  }
  return frame_samples_;
}

Result<std::size_t> G711Decoder::samples_in_payload(std::span<const std::uint8_t> payload) const {
  if (payload.empty()) {
    return fail("RFC 3551 §4.5.14", "empty G.711 payload");
  }
  return payload.size();
}

Result<std::size_t> G711Decoder::decode(std::span<const std::uint8_t> payload,
                                        std::span<std::int16_t> out) {
  if (payload.empty() || out.size() < payload.size()) {
    return fail("RFC 3551 §4.5.14", "G.711 payload empty or larger than the output room");
  }
  auto frame = out.first(payload.size());
  if (kind_ == CodecKind::pcmu) {
    g711::decode_ulaw(payload, frame);
  } else {
    g711::decode_alaw(payload, frame);
  }
  concealer_.on_good_frame(frame);
  return payload.size();
}

}  // namespace tipring::audio
