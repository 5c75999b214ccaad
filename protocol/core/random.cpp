#include "protocol/core/random.h"

namespace tipring {

std::string RandomSource::token(std::size_t length) {
  static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  out.reserve(length);
  std::uint64_t bits = 0;
  int left = 0;
  for (std::size_t i = 0; i < length; ++i) {
    if (left < 6) {
      bits = next_u64();
      left = 64;
    }
    out.push_back(kAlphabet[(bits & 0x3f) % 36]);
    bits >>= 6;
    left -= 6;
  }
  return out;
}

std::uint64_t SeededRandom::next_u64() {
  state_ += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace tipring
