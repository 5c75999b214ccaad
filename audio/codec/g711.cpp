#include "audio/codec/g711.h"

#include <algorithm>
#include <array>

namespace tipring::audio::g711 {
namespace {

// mu-law works on 14-bit magnitudes with a bias of 33 (0x84 once scaled by 4 into 16 bits),
// A-law on 13-bit magnitudes; both use eight segments of sixteen steps (G.711 Tables 1, 2).
constexpr int kUlawBias = 0x84;
constexpr int kUlawClip = 32635;

int segment_of(int magnitude, int first_segment_end) {
  int segment = 0;
  for (int end = first_segment_end; segment < 7 && magnitude > end; end = end * 2 + 1) {
    ++segment;
  }
  return segment;
}

}  // namespace

std::uint8_t linear_to_ulaw(std::int16_t pcm) {
  int value = pcm;
  const int sign = value < 0 ? 0x80 : 0x00;  // inverted below with the rest
  int magnitude = std::min(value < 0 ? -value : value, kUlawClip) + kUlawBias;
  int exponent = 7;
  for (int mask = 0x4000; exponent > 0 && (magnitude & mask) == 0; mask >>= 1) {
    --exponent;
  }
  const int mantissa = (magnitude >> (exponent + 3)) & 0x0F;
  return static_cast<std::uint8_t>(~(sign | (exponent << 4) | mantissa) & 0xFF);
}

std::int16_t ulaw_to_linear(std::uint8_t code) {
  const int u = ~code & 0xFF;
  int magnitude = (((u & 0x0F) << 3) + kUlawBias) << ((u & 0x70) >> 4);
  magnitude -= kUlawBias;
  return static_cast<std::int16_t>((u & 0x80) != 0 ? -magnitude : magnitude);
}

std::uint8_t linear_to_alaw(std::int16_t pcm) {
  int value = pcm >> 3;  // A-law is defined on 13 bits
  int sign = 0x80;
  if (value < 0) {
    sign = 0x00;
    value = -value - 1;
  }
  const int segment = segment_of(value, 31);
  int mantissa = segment < 2 ? (value >> 1) : (value >> segment);
  mantissa &= 0x0F;
  if (value > 4095) {
    mantissa = 0x0F;  // clip to the top step of segment 7
  }
  return static_cast<std::uint8_t>((sign | (segment << 4) | mantissa) ^ 0x55);
}

std::int16_t alaw_to_linear(std::uint8_t code) {
  const int a = code ^ 0x55;
  const int segment = (a & 0x70) >> 4;
  int magnitude = ((a & 0x0F) << 4) + 8;
  if (segment >= 1) {
    magnitude += 0x100;
  }
  if (segment > 1) {
    magnitude <<= segment - 1;
  }
  return static_cast<std::int16_t>((a & 0x80) != 0 ? magnitude : -magnitude);
}

void encode_ulaw(std::span<const std::int16_t> pcm, std::span<std::uint8_t> out) {
  std::transform(pcm.begin(), pcm.begin() + static_cast<std::ptrdiff_t>(out.size()), out.begin(),
                 linear_to_ulaw);
}

void decode_ulaw(std::span<const std::uint8_t> codes, std::span<std::int16_t> out) {
  std::transform(codes.begin(), codes.begin() + static_cast<std::ptrdiff_t>(out.size()),
                 out.begin(), ulaw_to_linear);
}

void encode_alaw(std::span<const std::int16_t> pcm, std::span<std::uint8_t> out) {
  std::transform(pcm.begin(), pcm.begin() + static_cast<std::ptrdiff_t>(out.size()), out.begin(),
                 linear_to_alaw);
}

void decode_alaw(std::span<const std::uint8_t> codes, std::span<std::int16_t> out) {
  std::transform(codes.begin(), codes.begin() + static_cast<std::ptrdiff_t>(out.size()),
                 out.begin(), alaw_to_linear);
}

}  // namespace tipring::audio::g711
