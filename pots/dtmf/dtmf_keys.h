// The DTMF keypad of ITU-T Q.23: which row (low group) and column (high group) frequency
// each of the sixteen keys sends.
#pragma once

#include <array>
#include <optional>

namespace tipring::pots {

inline constexpr std::array<double, 4> kDtmfLowHz{697.0, 770.0, 852.0, 941.0};
inline constexpr std::array<double, 4> kDtmfHighHz{1209.0, 1336.0, 1477.0, 1633.0};
// Rows are the low group, columns the high group.
inline constexpr std::array<std::array<char, 4>, 4> kDtmfKeys{{
    {'1', '2', '3', 'A'},
    {'4', '5', '6', 'B'},
    {'7', '8', '9', 'C'},
    {'*', '0', '#', 'D'},
}};

struct DtmfPair {
  double low_hz;
  double high_hz;
};

// The frequency pair of `key` (0-9, *, #, A-D; lower-case a-d accepted), if it is one.
constexpr std::optional<DtmfPair> dtmf_pair(char key) {
  if (key >= 'a' && key <= 'd') {
    key = static_cast<char>(key - 'a' + 'A');
  }
  for (std::size_t row = 0; row < 4; ++row) {
    for (std::size_t col = 0; col < 4; ++col) {
      if (kDtmfKeys[row][col] == key) {
        return DtmfPair{kDtmfLowHz[row], kDtmfHighHz[col]};
      }
    }
  }
  return std::nullopt;
}

}  // namespace tipring::pots
