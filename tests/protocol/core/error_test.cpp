#include "protocol/core/error.h"

#include <gtest/gtest.h>

namespace tipring {
namespace {

Result<int> parse_digit(char c) {
  if (c < '0' || c > '9') {
    return fail("DIGIT", std::string("'") + c + "' is not a digit");
  }
  return c - '0';
}

TEST(Error, DescribeNamesRuleAndDetail) {
  auto r = parse_digit('x');
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().rule, "DIGIT");
  EXPECT_EQ(r.error().describe(), "DIGIT: 'x' is not a digit");
}

TEST(Error, SuccessCarriesValue) {
  auto r = parse_digit('7');
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 7);
}

TEST(Error, DescribeWithoutDetailIsJustTheRule) {
  EXPECT_EQ((Error{"RFC 3261 §7.1", ""}).describe(), "RFC 3261 §7.1");
}

}  // namespace
}  // namespace tipring
