// G.711 companding (ITU-T G.711 §2 and §3): mu-law (PCMU) and A-law (PCMA) between 16-bit
// linear PCM and 8-bit code words. Pure functions over samples; the codec wrappers that
// sit behind AudioEncoder/AudioDecoder live in g711_codec.h.
#pragma once

#include <cstdint>
#include <span>

namespace tipring::audio::g711 {

std::uint8_t linear_to_ulaw(std::int16_t pcm);
std::int16_t ulaw_to_linear(std::uint8_t code);
std::uint8_t linear_to_alaw(std::int16_t pcm);
std::int16_t alaw_to_linear(std::uint8_t code);

void encode_ulaw(std::span<const std::int16_t> pcm, std::span<std::uint8_t> out);
void decode_ulaw(std::span<const std::uint8_t> codes, std::span<std::int16_t> out);
void encode_alaw(std::span<const std::int16_t> pcm, std::span<std::uint8_t> out);
void decode_alaw(std::span<const std::uint8_t> codes, std::span<std::int16_t> out);

}  // namespace tipring::audio::g711
