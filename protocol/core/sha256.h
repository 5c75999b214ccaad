// Sha256: the SHA-256 hash of FIPS 180-4 §6.2, for digest authentication with
// algorithm=SHA-256 and SHA-256-sess (RFC 7616 §3.4.1, RFC 8760) and for MAC'ed nonces.
// Streaming and allocation-free.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace tipring {

class Sha256 {
public:
  static constexpr std::size_t kDigestSize = 32;
  static constexpr std::size_t kBlockSize = 64;
  using Digest = std::array<std::uint8_t, kDigestSize>;

  Sha256() { reset(); }

  void update(std::span<const std::uint8_t> bytes);
  void update(std::string_view text);
  // Pads, returns the digest and leaves the object ready for a new message.
  [[nodiscard]] Digest finish();
  void reset();

  // One-shot convenience over update/finish.
  [[nodiscard]] static Digest of(std::string_view text);

private:
  void compress(const std::uint8_t* block);

  std::array<std::uint32_t, 8> state_{};
  std::array<std::uint8_t, kBlockSize> block_{};
  std::size_t block_used_ = 0;
  std::uint64_t total_bytes_ = 0;
};

// HMAC-SHA-256 (RFC 2104): keyed MAC for server nonces that must be checked without state.
[[nodiscard]] Sha256::Digest hmac_sha256(std::span<const std::uint8_t> key,
                                         std::span<const std::uint8_t> message);

}  // namespace tipring
