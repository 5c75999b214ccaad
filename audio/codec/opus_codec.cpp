#include "audio/codec/opus_codec.h"

#include <string>

#include <opus/opus.h>

namespace tipring::audio {
namespace {

constexpr int kRate = 48000;
constexpr std::string_view kRule = "RFC 6716 (libopus)";

int as_int(std::size_t n) {
  return static_cast<int>(n);
}

}  // namespace

void OpusEncoderDeleter::operator()(OpusEncoder* encoder) const {
  opus_encoder_destroy(encoder);
}
void OpusDecoderDeleter::operator()(OpusDecoder* decoder) const {
  opus_decoder_destroy(decoder);
}

Result<std::unique_ptr<OpusVoiceEncoder>> OpusVoiceEncoder::create(const CodecSettings& settings) {
  const int ms = settings.frame_ms;
  if (ms != 10 && ms != 20 && ms != 40 && ms != 60) {
    return fail("RFC 7587 §4.1", "Opus frame of " + std::to_string(ms) + " ms not supported");
  }
  int error = OPUS_OK;
  std::unique_ptr<OpusEncoder, OpusEncoderDeleter> encoder(
      opus_encoder_create(kRate, 1, OPUS_APPLICATION_VOIP, &error));
  if (error != OPUS_OK || !encoder) {
    return fail(kRule, std::string("opus_encoder_create: ") + opus_strerror(error));
  }
  opus_encoder_ctl(encoder.get(), OPUS_SET_COMPLEXITY(settings.complexity));
  opus_encoder_ctl(encoder.get(), OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
  auto result =
      std::unique_ptr<OpusVoiceEncoder>(new OpusVoiceEncoder(std::move(encoder), settings));
  result->set_bitrate_bps(settings.bitrate_bps);
  result->set_reported_loss_percent(settings.expected_loss_percent);
  return result;
}

OpusVoiceEncoder::OpusVoiceEncoder(std::unique_ptr<OpusEncoder, OpusEncoderDeleter> encoder,
                                   const CodecSettings& settings)
    : encoder_(std::move(encoder)),
      frame_samples_(static_cast<std::size_t>(settings.frame_ms) * (kRate / 1000)),
      fec_allowed_(settings.inband_fec),
      dtx_(settings.dtx) {
  opus_encoder_ctl(encoder_.get(), OPUS_SET_DTX(dtx_ ? 1 : 0));
}

void OpusVoiceEncoder::set_reported_loss_percent(int percent) {
  // FEC costs bitrate; spend it only when the peer takes it and loss is actually reported.
  const bool fec = fec_allowed_ && percent > 0;
  opus_encoder_ctl(encoder_.get(), OPUS_SET_INBAND_FEC(fec ? 1 : 0));
  opus_encoder_ctl(encoder_.get(), OPUS_SET_PACKET_LOSS_PERC(fec ? percent : 0));
}

void OpusVoiceEncoder::set_bitrate_bps(int bitrate_bps) {
  opus_encoder_ctl(encoder_.get(), OPUS_SET_BITRATE(bitrate_bps));
}

std::size_t OpusVoiceEncoder::lookahead_samples() const {
  opus_int32 samples = 0;
  opus_encoder_ctl(encoder_.get(), OPUS_GET_LOOKAHEAD(&samples));
  return samples > 0 ? static_cast<std::size_t>(samples) : 0;
}

Result<std::size_t> OpusVoiceEncoder::encode(std::span<const std::int16_t> pcm,
                                             std::span<std::uint8_t> out) {
  if (pcm.size() != frame_samples_) {
    return fail(kRule, "expected a frame of " + std::to_string(frame_samples_) + " samples");
  }
  const opus_int32 bytes = opus_encode(encoder_.get(), pcm.data(), as_int(pcm.size()), out.data(),
                                       static_cast<opus_int32>(out.size()));
  if (bytes < 0) {
    return fail(kRule, std::string("opus_encode: ") + opus_strerror(bytes));
  }
  // With DTX the encoder marks silent frames with packets of at most two bytes; those are
  // not sent (the receiver's PLC/comfort noise covers the gap).
  if (dtx_ && bytes <= 2) {
    return std::size_t{0};
  }
  return static_cast<std::size_t>(bytes);
}

Result<std::unique_ptr<OpusVoiceDecoder>> OpusVoiceDecoder::create(bool peer_sends_fec) {
  int error = OPUS_OK;
  std::unique_ptr<OpusDecoder, OpusDecoderDeleter> decoder(opus_decoder_create(kRate, 1, &error));
  if (error != OPUS_OK || !decoder) {
    return fail(kRule, std::string("opus_decoder_create: ") + opus_strerror(error));
  }
  return std::unique_ptr<OpusVoiceDecoder>(
      new OpusVoiceDecoder(std::move(decoder), peer_sends_fec));
}

Result<std::size_t> OpusVoiceDecoder::samples_in_payload(
    std::span<const std::uint8_t> payload) const {
  const int samples =
      opus_packet_get_nb_samples(payload.data(), static_cast<opus_int32>(payload.size()), kRate);
  if (samples <= 0) {
    return fail("RFC 6716 §3.1", "malformed Opus TOC or frame count");
  }
  return static_cast<std::size_t>(samples);
}

Result<std::size_t> OpusVoiceDecoder::decode(std::span<const std::uint8_t> payload,
                                             std::span<std::int16_t> out) {
  const int samples =
      opus_decode(decoder_.get(), payload.data(), static_cast<opus_int32>(payload.size()),
                  out.data(), as_int(out.size()), 0);
  if (samples < 0) {
    return fail(kRule, std::string("opus_decode: ") + opus_strerror(samples));
  }
  return static_cast<std::size_t>(samples);
}

void OpusVoiceDecoder::conceal(std::span<std::int16_t> out) {
  const int samples = opus_decode(decoder_.get(), nullptr, 0, out.data(), as_int(out.size()), 0);
  if (samples < 0) {
    std::fill(out.begin(), out.end(), std::int16_t{0});
  }
}

Result<std::size_t> OpusVoiceDecoder::decode_fec(std::span<const std::uint8_t> next_payload,
                                                 std::span<std::int16_t> out) {
  // decode_fec=1 rebuilds the frame *before* next_payload from its LBRR data (falling back
  // to PLC inside libopus when the packet carries none); out.size() is the lost duration.
  const int samples =
      opus_decode(decoder_.get(), next_payload.data(), static_cast<opus_int32>(next_payload.size()),
                  out.data(), as_int(out.size()), 1);
  if (samples < 0) {
    return fail(kRule, std::string("opus_decode(fec): ") + opus_strerror(samples));
  }
  return static_cast<std::size_t>(samples);
}

void OpusVoiceDecoder::reset() {
  opus_decoder_ctl(decoder_.get(), OPUS_RESET_STATE);
}

}  // namespace tipring::audio
