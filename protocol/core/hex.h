// Lower-case hexadecimal for digests: RFC 7616 §3.4 writes hash values as 32 or 64
// lower-case hex digits, and stored HA1 values come back in the same form.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace tipring {

// Writes 2 * bytes.size() lower-case hex digits to `out` (which must be that large);
// no allocation, for hashing hex forms without building strings.
void write_hex(std::span<const std::uint8_t> bytes, std::span<char> out);

[[nodiscard]] std::string to_hex(std::span<const std::uint8_t> bytes);

// Decodes exactly out.size() bytes from 2 * out.size() hex digits (either case).
// Returns false, leaving `out` unspecified, on a wrong length or a non-hex character.
[[nodiscard]] bool from_hex(std::string_view hex, std::span<std::uint8_t> out);

}  // namespace tipring
