#include "protocol/rtp/header_extension.h"

#include "tests/protocol/rtp/bytes.h"

#include <array>

#include <gtest/gtest.h>

namespace tipring::rtp {
namespace {

using test::ByteVector;
using test::view;

TEST(HeaderExtension, OneByteFormSkipsPaddingAndReadsEachElement) {
  // RFC 8285 §4.2 example shape: ID 1 L 0 (1 byte), ID 2 L 1 (2 bytes), padding, ID 3 L 3.
  const ByteVector block = {0x10, 0xAA, 0x21, 0xBB, 0xBC, 0x00, 0x00, 0x33, 1, 2, 3, 4};
  std::array<ExtensionElement, 4> out{};
  auto n = parse_extension_elements(HeaderExtension{0xBEDE, view(block)}, out);
  ASSERT_TRUE(n.has_value()) << n.error().describe();
  ASSERT_EQ(*n, 3U);
  EXPECT_EQ(out[0].id, 1);
  EXPECT_EQ(out[0].data.size(), 1U);
  EXPECT_EQ(out[0].data[0], 0xAA);
  EXPECT_EQ(out[1].id, 2);
  EXPECT_EQ(out[1].data.size(), 2U);
  EXPECT_EQ(out[2].id, 3);
  EXPECT_EQ(ByteVector(out[2].data.begin(), out[2].data.end()), (ByteVector{1, 2, 3, 4}));
}

TEST(HeaderExtension, OneByteIdFifteenStopsProcessing) {
  const ByteVector block = {0x10, 0xAA, 0xF0, 0x21, 0xBB, 0xBC, 0x00, 0x00};
  std::array<ExtensionElement, 4> out{};
  auto n = parse_extension_elements(HeaderExtension{0xBEDE, view(block)}, out);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(*n, 1U);
}

TEST(HeaderExtension, TwoByteFormAllowsEmptyAndLongElements) {
  // 0x1000 with appbits 0x5; ID 7 L 0, padding, ID 200 L 3.
  const ByteVector block = {0x07, 0x00, 0x00, 0xC8, 0x03, 9, 8, 7};
  std::array<ExtensionElement, 4> out{};
  auto n = parse_extension_elements(HeaderExtension{0x1005, view(block)}, out);
  ASSERT_TRUE(n.has_value()) << n.error().describe();
  ASSERT_EQ(*n, 2U);
  EXPECT_EQ(out[0].id, 7);
  EXPECT_TRUE(out[0].data.empty());
  EXPECT_EQ(out[1].id, 200);
  EXPECT_EQ(out[1].data.size(), 3U);
}

TEST(HeaderExtension, RejectsOtherProfiles) {
  const ByteVector block = {0, 0, 0, 0};
  std::array<ExtensionElement, 1> out{};
  EXPECT_FALSE(parse_extension_elements(HeaderExtension{0x1234, view(block)}, out).has_value());
}

TEST(HeaderExtension, RejectsAnElementRunningPastTheBlock) {
  const ByteVector one = {0x13, 1, 2, 3};  // L 3 means 4 bytes, only 3 remain
  std::array<ExtensionElement, 2> out{};
  EXPECT_FALSE(parse_extension_elements(HeaderExtension{0xBEDE, view(one)}, out).has_value());
  const ByteVector two = {0x01, 0x05, 1, 2};
  EXPECT_FALSE(parse_extension_elements(HeaderExtension{0x1000, view(two)}, out).has_value());
}

TEST(HeaderExtension, RejectsANonZeroByteWithIdZeroInTheOneByteForm) {
  const ByteVector block = {0x01, 0xAA, 0xBB, 0x00};
  std::array<ExtensionElement, 2> out{};
  EXPECT_FALSE(parse_extension_elements(HeaderExtension{0xBEDE, view(block)}, out).has_value());
}

TEST(HeaderExtension, FailsRatherThanOverflowTheCallersArray) {
  const ByteVector block = {0x10, 0xAA, 0x20, 0xBB};
  std::array<ExtensionElement, 1> out{};
  EXPECT_FALSE(parse_extension_elements(HeaderExtension{0xBEDE, view(block)}, out).has_value());
}

}  // namespace
}  // namespace tipring::rtp
