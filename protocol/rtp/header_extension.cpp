#include "protocol/rtp/header_extension.h"

namespace tipring::rtp {
namespace {

constexpr std::string_view kRuleProfile = "RFC 8285 §4.1: not a one-byte or two-byte extension";
constexpr std::string_view kRuleElement = "RFC 8285 §4: element runs past the extension block";
constexpr std::string_view kRuleIdZero = "RFC 8285 §4.2: ID 0 is only valid as a zero padding byte";
constexpr std::string_view kRuleCapacity = "RFC 8285 §4: more elements than the caller allows";

}  // namespace

Result<std::size_t> parse_extension_elements(const HeaderExtension& extension,
                                             std::span<ExtensionElement> out) {
  const bool one_byte = extension.profile == kOneByteExtensionProfile;
  const bool two_byte =
      (extension.profile & kTwoByteExtensionProfileMask) == kTwoByteExtensionProfile;
  if (!one_byte && !two_byte) {
    return fail(kRuleProfile, {});
  }
  const Bytes block = extension.data;
  std::size_t count = 0;
  std::size_t at = 0;
  while (at < block.size()) {
    if (block[at] == 0) {  // padding
      ++at;
      continue;
    }
    std::uint8_t id = 0;
    std::size_t length = 0;
    if (one_byte) {
      id = static_cast<std::uint8_t>(block[at] >> 4);
      if (id == 15) {
        break;  // reserved: stop processing the block
      }
      if (id == 0) {
        return fail(kRuleIdZero, {});
      }
      length = (block[at] & 0x0fU) + 1U;
      at += 1;
    } else {
      if (block.size() - at < 2) {
        return fail(kRuleElement, {});
      }
      id = block[at];
      length = block[at + 1];
      at += 2;
    }
    if (block.size() - at < length) {
      return fail(kRuleElement, {});
    }
    if (count == out.size()) {
      return fail(kRuleCapacity, {});
    }
    out[count++] = ExtensionElement{id, block.subspan(at, length)};
    at += length;
  }
  return count;
}

}  // namespace tipring::rtp
