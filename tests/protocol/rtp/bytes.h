// Test helper: byte vectors written out by hand from the RFC packet diagrams.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

namespace tipring::rtp::test {

using ByteVector = std::vector<std::uint8_t>;

inline std::span<const std::uint8_t> view(const ByteVector& v) {
  return {v.data(), v.size()};
}

inline ByteVector concat(std::initializer_list<ByteVector> parts) {
  ByteVector out;
  for (const auto& p : parts) {
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

}  // namespace tipring::rtp::test
