#include "pots/dial_plan/digit_map.h"

#include <cctype>

namespace tipring::pots {
namespace {

constexpr std::string_view kRule = "RFC 3435 §2.1.5 digit map";
constexpr std::uint16_t kAnyDigit = 0x03FF;

Result<std::uint16_t> parse_set(std::string_view body) {
  std::uint16_t keys = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == 'x' || c == 'X') {
      keys |= kAnyDigit;
      continue;
    }
    if (i + 2 < body.size() && body[i + 1] == '-') {
      const char last = body[i + 2];
      if (std::isdigit(static_cast<unsigned char>(c)) == 0 ||
          std::isdigit(static_cast<unsigned char>(last)) == 0 || last < c) {
        return fail(kRule, "bad range '" + std::string(body.substr(i, 3)) + "'");
      }
      for (char d = c; d <= last; ++d) {
        keys |= digit_map_key_bit(d);
      }
      i += 2;
      continue;
    }
    const auto bit = digit_map_key_bit(c);
    if (bit == 0) {
      return fail(kRule, "'" + std::string(1, c) + "' is not a digit map letter");
    }
    keys |= bit;
  }
  if (keys == 0) {
    return fail(kRule, "empty set []");
  }
  return keys;
}

Result<DigitMap::DigitString> parse_string(std::string_view text) {
  DigitMap::DigitString positions;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      if (positions.empty() || positions.back().repeat || positions.back().timer) {
        return fail(kRule, "'.' must follow a digit position");
      }
      positions.back().repeat = true;
      continue;
    }
    if (c == 'T' || c == 't') {
      positions.push_back({0, false, true});
      continue;
    }
    if (c == 'x' || c == 'X') {
      positions.push_back({kAnyDigit, false, false});
      continue;
    }
    if (c == '[') {
      const auto close = text.find(']', i);
      if (close == std::string_view::npos) {
        return fail(kRule, "'[' without ']'");
      }
      auto keys = parse_set(text.substr(i + 1, close - i - 1));
      if (!keys) {
        return tl::unexpected(keys.error());
      }
      positions.push_back({*keys, false, false});
      i = close;
      continue;
    }
    const auto bit = digit_map_key_bit(c);
    if (bit == 0) {
      return fail(kRule, "'" + std::string(1, c) + "' is not a digit map letter");
    }
    positions.push_back({bit, false, false});
  }
  if (positions.empty()) {
    return fail(kRule, "empty digit string");
  }
  return positions;
}

bool accepts(const DigitMap::Position& p, char key) {
  return !p.timer && (p.keys & digit_map_key_bit(key)) != 0;
}

// Matches digits[d..] against pattern[p..], collecting every way it can end.
// `seen` remembers visited (position, digit) pairs, so 'x.x.x.' stays linear.
void walk(const DigitMap::DigitString& pattern, std::size_t p, std::string_view digits,
          std::size_t d, DigitMap::Status& status, std::vector<bool>& seen) {
  const std::size_t state = p * (digits.size() + 1) + d;
  if (seen[state]) {
    return;
  }
  seen[state] = true;
  if (d == digits.size()) {
    // All digits consumed: what remains decides the status.
    std::size_t rest = p;
    while (rest < pattern.size() && pattern[rest].repeat) {
      ++rest;  // zero repetitions
    }
    if (rest == pattern.size()) {
      status.complete = true;
    } else if (pattern[rest].timer && rest + 1 == pattern.size()) {
      status.complete_on_timer = true;
    }
    // More digits may follow if any remaining position takes a digit.
    for (std::size_t q = p; q < pattern.size(); ++q) {
      if (!pattern[q].timer) {
        status.partial = true;
        break;
      }
    }
    return;
  }
  if (p == pattern.size()) {
    return;
  }
  const auto& position = pattern[p];
  if (position.timer) {
    return;  // a timer in the middle only matches on expiry, with no digit after it
  }
  if (position.repeat) {
    walk(pattern, p + 1, digits, d, status, seen);  // zero (more) repetitions
    if (accepts(position, digits[d])) {
      walk(pattern, p, digits, d + 1, status, seen);  // one more
    }
    return;
  }
  if (accepts(position, digits[d])) {
    walk(pattern, p + 1, digits, d + 1, status, seen);
  }
}

void walk_from_start(const DigitMap::DigitString& pattern, std::string_view digits,
                     DigitMap::Status& status) {
  std::vector<bool> seen((pattern.size() + 1) * (digits.size() + 1), false);
  walk(pattern, 0, digits, 0, status, seen);
}

}  // namespace

std::uint16_t digit_map_key_bit(char key) {
  if (key >= '0' && key <= '9') {
    return static_cast<std::uint16_t>(1U << static_cast<unsigned>(key - '0'));
  }
  switch (key) {
    case '*':
      return 1U << 10U;
    case '#':
      return 1U << 11U;
    case 'A':
    case 'a':
      return 1U << 12U;
    case 'B':
    case 'b':
      return 1U << 13U;
    case 'C':
    case 'c':
      return 1U << 14U;
    case 'D':
    case 'd':
      return 1U << 15U;
    default:
      return 0;
  }
}

Result<DigitMap> DigitMap::parse(std::string_view text) {
  std::string compact;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) == 0) {
      compact += c;
    }
  }
  std::string_view body = compact;
  if (!body.empty() && body.front() == '(') {
    if (body.back() != ')') {
      return fail(kRule, "'(' without ')'");
    }
    body = body.substr(1, body.size() - 2);
  }
  DigitMap map;
  while (true) {
    const auto bar = body.find('|');
    auto alternative = parse_string(body.substr(0, bar));
    if (!alternative) {
      return tl::unexpected(alternative.error());
    }
    map.alternatives_.push_back(std::move(*alternative));
    if (bar == std::string_view::npos) {
      break;
    }
    body = body.substr(bar + 1);
  }
  return map;
}

DigitMap::Status DigitMap::match(std::string_view digits) const {
  Status status;
  for (const auto& alternative : alternatives_) {
    walk_from_start(alternative, digits, status);
  }
  return status;
}

DigitMatch DigitMap::match_one(const DigitString& pattern, std::string_view digits) {
  Status status;
  walk_from_start(pattern, digits, status);
  if (status.complete) {
    return DigitMatch::kComplete;
  }
  if (status.complete_on_timer) {
    return DigitMatch::kCompleteOnTimer;
  }
  return status.partial ? DigitMatch::kPartial : DigitMatch::kNoMatch;
}

}  // namespace tipring::pots
