// Md5: the MD5 message digest of RFC 1321, as HTTP/SIP digest authentication needs it
// (RFC 7616 §3.4.1 "MD5" and "MD5-sess"). Streaming and allocation-free. MD5 is broken for
// collision resistance; it is here only because deployed SIP peers still speak it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace tipring {

class Md5 {
public:
  static constexpr std::size_t kDigestSize = 16;
  using Digest = std::array<std::uint8_t, kDigestSize>;

  Md5() { reset(); }

  void update(std::span<const std::uint8_t> bytes);
  void update(std::string_view text);
  // Pads, returns the digest and leaves the object ready for a new message.
  [[nodiscard]] Digest finish();
  void reset();

  // One-shot convenience over update/finish.
  [[nodiscard]] static Digest of(std::string_view text);

private:
  void compress(const std::uint8_t* block);

  std::array<std::uint32_t, 4> state_{};
  std::array<std::uint8_t, 64> block_{};
  std::size_t block_used_ = 0;
  std::uint64_t total_bytes_ = 0;
};

}  // namespace tipring
