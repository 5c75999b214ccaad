#include "pots/caller_id/dtmf_caller_id.h"

#include <cctype>

namespace tipring::pots {
namespace {
constexpr std::string_view kRule = "EN 300 659 DTMF CLIP";
}  // namespace

std::string encode_dtmf_caller_id(const CallerId& id) {
  if (id.number_absent) {
    return *id.number_absent == Absence::kPrivate ? "B10C" : "B00C";
  }
  std::string keys = "A";
  for (char c : id.number) {
    if (std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '*' || c == '#') {
      keys += c;
    }
  }
  return keys + "C";
}

Result<CallerId> decode_dtmf_caller_id(std::string_view keys) {
  if (keys.size() < 2) {
    return fail(kRule, "too short: '" + std::string(keys) + "'");
  }
  const char start = keys.front();
  // Some networks end with '#' instead of 'C'.
  const char end = keys.back();
  if (end != 'C' && end != '#') {
    return fail(kRule, "does not end with C or #: '" + std::string(keys) + "'");
  }
  const auto inner = keys.substr(1, keys.size() - 2);
  for (char c : inner) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) {
      return fail(kRule, "non-digit '" + std::string(1, c) + "' inside the number");
    }
  }
  CallerId id;
  if (start == 'A' || start == 'D') {
    id.number = std::string(inner);
    return id;
  }
  if (start == 'B') {
    if (inner == "10") {
      id.number_absent = Absence::kPrivate;
    } else if (inner == "00") {
      id.number_absent = Absence::kUnavailable;
    } else {
      return fail(kRule, "unknown absence code 'B" + std::string(inner) + "'");
    }
    return id;
  }
  return fail(kRule, "does not start with A, B or D: '" + std::string(keys) + "'");
}

}  // namespace tipring::pots
