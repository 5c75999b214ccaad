#include "protocol/sip/syntax.h"

#include <string>

#include <gtest/gtest.h>

namespace tipring::sip::syntax {
namespace {

// Every position of the break in texts of every length up to 40 octets crosses the
// 16-octet, 8-octet and octet-at-a-time paths of the scanner at each alignment.
TEST(FindLineBreak, FindsTheFirstCrOrLfAtEveryPositionAndLength) {
  for (char brk : {'\r', '\n'}) {
    for (std::size_t length = 1; length <= 40; ++length) {
      for (std::size_t at = 0; at < length; ++at) {
        std::string text(length, 'a');
        text[at] = brk;
        if (at + 1 < length) {
          text[length - 1] = brk == '\r' ? '\n' : '\r';  // a later break must not win
        }
        for (std::size_t from = 0; from <= at; ++from) {
          EXPECT_EQ(find_line_break(text, from), at)
              << "length " << length << " break at " << at << " from " << from;
        }
      }
    }
  }
}

TEST(FindLineBreak, ReturnsTheSizeWhenNoBreakFollows) {
  for (std::size_t length = 0; length <= 40; ++length) {
    std::string text(length, 'x');
    for (std::size_t from = 0; from <= length; ++from) {
      EXPECT_EQ(find_line_break(text, from), length) << "length " << length;
    }
  }
}

TEST(FindLineBreak, IgnoresOctetsThatDifferFromCrOrLfByOneBit) {
  // 0x0c, 0x0e, 0x8d, 0x0b, 0x8a: near misses that a bit trick could mistake for CR or LF.
  std::string text = "\x0c\x0e\x8d\x0b\x8a\x0c\x0e\x8d\x0b\x8a\x0c\x0e\x8d\x0b\x8a\x0c\x0e\x8d";
  text += "\r\n";
  EXPECT_EQ(find_line_break(text, 0), text.size() - 2);
}

}  // namespace
}  // namespace tipring::sip::syntax
