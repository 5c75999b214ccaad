// DigitMap: MGCP digit maps (RFC 3435 §2.1.5) — alternatives of digit strings built from
// digits, '#', '*', A-D, 'x' (any digit), [sets and ranges], '.' (zero or more of the
// preceding position) and 'T' (matches only once the inter-digit timer expires).
// Example: (0T|00T|[2-9]xxxxxx|1[2-9]xxxxxxxxx|011x.T|911|*xx)
#pragma once

#include "protocol/core/error.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tipring::pots {

// How the digits collected so far stand against one digit string (or a whole map).
enum class DigitMatch {
  kNoMatch,          // no continuation can match
  kPartial,          // a prefix: more digits could match
  kComplete,         // matches as it is
  kCompleteOnTimer,  // matches once the inter-digit timer (T) expires
};

class DigitMap {
public:
  struct Position {
    std::uint16_t keys;  // bit per key: 0-9, then * # A B C D
    bool repeat;         // followed by '.'
    bool timer;          // the 'T' position
  };
  using DigitString = std::vector<Position>;

  static Result<DigitMap> parse(std::string_view text);

  // Status of `digits` against one alternative, and the best over all of them; `partial`
  // also says whether some alternative still wants more digits.
  struct Status {
    bool complete = false;
    bool complete_on_timer = false;
    bool partial = false;
  };
  [[nodiscard]] Status match(std::string_view digits) const;
  [[nodiscard]] static DigitMatch match_one(const DigitString& pattern, std::string_view digits);
  [[nodiscard]] const std::vector<DigitString>& alternatives() const { return alternatives_; }

private:
  std::vector<DigitString> alternatives_;
};

// The bit for a key (0-9 * # A-D), or 0 for anything else.
std::uint16_t digit_map_key_bit(char key);

}  // namespace tipring::pots
