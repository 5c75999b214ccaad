// RandomSource: the entropy that protocol/ needs (branch ids, tags, Call-IDs, nonces),
// injected so that tests are deterministic and protocol/ never touches a device.
#pragma once

#include <cstdint>
#include <string>

namespace tipring {

class RandomSource {
public:
  virtual ~RandomSource() = default;
  // 64 uniformly distributed bits.
  virtual std::uint64_t next_u64() = 0;

  // `length` characters from [0-9a-z], for tokens such as tags and branch suffixes.
  std::string token(std::size_t length);
};

// SplitMix64: a small deterministic generator for tests and simulations (not for secrets).
class SeededRandom final : public RandomSource {
public:
  explicit SeededRandom(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next_u64() override;

private:
  std::uint64_t state_;
};

}  // namespace tipring
