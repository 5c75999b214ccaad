// Caller ID messages: Telcordia GR-30-CORE SDMF (type 0x04) and MDMF (type 0x80, the same
// parameter codes as ETSI EN 300 659-3's call-setup message). Encoding gives the bytes to
// send (type, length, body, checksum); decoding checks the checksum and each parameter.
#pragma once

#include "protocol/core/error.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tipring::pots {

// Why a number or name is absent: 'O' out of area / unavailable, 'P' private.
enum class Absence : char { kUnavailable = 'O', kPrivate = 'P' };

struct CallerIdDateTime {
  int month = 1;   // 1-12
  int day = 1;     // 1-31
  int hour = 0;    // 0-23
  int minute = 0;  // 0-59
  friend bool operator==(const CallerIdDateTime&, const CallerIdDateTime&) = default;
};

struct CallerId {
  std::optional<CallerIdDateTime> when;
  std::string number;  // empty when absent
  std::optional<Absence> number_absent;
  std::string name;
  std::optional<Absence> name_absent;
  friend bool operator==(const CallerId&, const CallerId&) = default;
};

enum class CallerIdFormat { kSdmf, kMdmf };

inline constexpr std::uint8_t kSdmfCallerId = 0x04;
inline constexpr std::uint8_t kMdmfCallerId = 0x80;
// MDMF parameter types (GR-30-CORE; EN 300 659-3 uses the same codes).
inline constexpr std::uint8_t kParamDateTime = 0x01;
inline constexpr std::uint8_t kParamNumber = 0x02;
inline constexpr std::uint8_t kParamNumberAbsent = 0x04;
inline constexpr std::uint8_t kParamName = 0x07;
inline constexpr std::uint8_t kParamNameAbsent = 0x08;

// The complete message: type, length, body, checksum. SDMF carries no name.
std::vector<std::uint8_t> encode_caller_id(const CallerId& id, CallerIdFormat format);

// Two's complement of the sum of `bytes`, mod 256 (the message checksum).
std::uint8_t caller_id_checksum(std::span<const std::uint8_t> bytes);

// Decodes a complete message (with its checksum). Unknown MDMF parameters are skipped.
Result<CallerId> decode_caller_id(std::span<const std::uint8_t> message);

}  // namespace tipring::pots
