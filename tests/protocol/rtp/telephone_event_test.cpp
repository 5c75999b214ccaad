#include "protocol/rtp/telephone_event.h"

#include "tests/protocol/rtp/bytes.h"

#include <array>

#include <gtest/gtest.h>

namespace tipring::rtp {
namespace {

using test::ByteVector;
using test::view;

TEST(TelephoneEvent, ParsesEventEndBitVolumeAndDuration) {
  // RFC 4733 §2.3: event 5, E=1 R=0 volume 10, duration 800 (0x0320).
  const ByteVector payload = {0x05, 0x8A, 0x03, 0x20};
  auto e = parse_telephone_event(view(payload));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->event, 5);
  EXPECT_TRUE(e->end);
  EXPECT_EQ(e->volume, 10);
  EXPECT_EQ(e->duration, 800);
}

TEST(TelephoneEvent, IgnoresTheReservedBit) {
  const ByteVector payload = {kEventPound, 0x40 | 0x3F, 0x00, 0xA0};
  auto e = parse_telephone_event(view(payload));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->event, kEventPound);
  EXPECT_FALSE(e->end);
  EXPECT_EQ(e->volume, 63);
  EXPECT_EQ(e->duration, 160);
}

TEST(TelephoneEvent, RejectsAShortPayload) {
  const ByteVector payload = {0x05, 0x8A, 0x03};
  EXPECT_FALSE(parse_telephone_event(view(payload)).has_value());
}

TEST(TelephoneEvent, BuildsTheSameBytes) {
  std::array<std::uint8_t, 4> out{};
  auto n = build_telephone_event(TelephoneEvent{kEventFlash, true, 10, 800}, out);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(ByteVector(out.begin(), out.end()), (ByteVector{16, 0x8A, 0x03, 0x20}));
}

TEST(TelephoneEvent, BuildRejectsVolumeOverSixBitsAndShortBuffers) {
  std::array<std::uint8_t, 4> out{};
  EXPECT_FALSE(build_telephone_event(TelephoneEvent{1, false, 64, 0}, out).has_value());
  std::array<std::uint8_t, 3> small{};
  EXPECT_FALSE(build_telephone_event(TelephoneEvent{1, false, 10, 0}, small).has_value());
}

TEST(TelephoneEvent, DtmfCharactersMapToRfc4733Codes) {
  const std::string_view digits = "0123456789*#ABCD";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    EXPECT_EQ(dtmf_event_from_char(digits[i]), static_cast<std::uint8_t>(i));
    EXPECT_EQ(dtmf_char_from_event(static_cast<std::uint8_t>(i)), digits[i]);
  }
  EXPECT_EQ(dtmf_event_from_char('d'), 15);
  EXPECT_EQ(dtmf_event_from_char('E'), std::nullopt);
  EXPECT_EQ(dtmf_char_from_event(kEventFlash), std::nullopt);
}

}  // namespace
}  // namespace tipring::rtp
