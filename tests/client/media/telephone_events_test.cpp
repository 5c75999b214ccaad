// RFC 4733 DTMF packet sequences, slot by slot, without sockets or threads.
#include "client/media/telephone_events.h"

#include <vector>

#include <gtest/gtest.h>

namespace tipring::client {
namespace {

using namespace std::chrono_literals;

constexpr std::uint32_t kSlot = 160;  // 20 ms at 8 kHz

std::vector<EventPacket> run_slots(DtmfSender& sender, int slots, std::uint32_t first = 1000) {
  std::vector<EventPacket> packets;
  for (int i = 0; i < slots; ++i) {
    if (auto p = sender.on_frame_slot(first + static_cast<std::uint32_t>(i) * kSlot, kSlot)) {
      packets.push_back(*p);
    }
  }
  return packets;
}

TEST(DtmfSender, SendsOneEventWithMarkerFirstGrowingDurationAndThreeEndPackets) {
  DtmfSender sender(8000);
  ASSERT_TRUE(sender.queue('7', 100ms));  // 800 units: 5 slots
  const auto packets = run_slots(sender, 20);
  ASSERT_EQ(packets.size(), 5U + 2U);  // the fifth carries the end bit, then two copies
  for (std::size_t i = 0; i < packets.size(); ++i) {
    EXPECT_EQ(packets[i].timestamp, 1000U) << "all packets carry the event's start";
    EXPECT_EQ(packets[i].event.event, 7);
    EXPECT_EQ(packets[i].marker, i == 0);
  }
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(packets[i].event.duration, (i + 1) * kSlot);
    EXPECT_FALSE(packets[i].event.end);
  }
  for (std::size_t i = 4; i < 7; ++i) {
    EXPECT_TRUE(packets[i].event.end);
    EXPECT_EQ(packets[i].event.duration, 800);
  }
  EXPECT_FALSE(sender.busy());
}

TEST(DtmfSender, QueuedDigitsGetTheirOwnTimestampsAfterAGap) {
  DtmfSender sender(8000);
  ASSERT_TRUE(sender.queue('1', 40ms));
  ASSERT_TRUE(sender.queue('#', 40ms));
  const auto packets = run_slots(sender, 30);
  ASSERT_EQ(packets.size(), 8U);  // 2 slots + 2 copies, twice
  EXPECT_EQ(packets[0].event.event, 1);
  EXPECT_EQ(packets[4].event.event, rtp::kEventPound);
  EXPECT_TRUE(packets[4].marker);
  EXPECT_GT(packets[4].timestamp, packets[3].timestamp + 2 * kSlot) << "a silent gap between";
}

TEST(DtmfSender, RefusesCharactersThatAreNotDtmfDigits) {
  DtmfSender sender(48000);
  for (char c : {'x', ' ', 'E', '\0'}) {
    EXPECT_FALSE(sender.queue(c, 100ms)) << c;
  }
  EXPECT_TRUE(sender.queue('d', 100ms));
  EXPECT_FALSE(run_slots(sender, 1).empty());
}

TEST(DtmfSender, DurationFitsTheSixteenBitFieldAtFortyEightKilohertz) {
  DtmfSender sender(48000);
  ASSERT_TRUE(sender.queue('0', 5s));
  std::uint16_t longest = 0;
  for (int i = 0; i < 200; ++i) {
    if (auto p = sender.on_frame_slot(static_cast<std::uint32_t>(i) * 960, 960)) {
      longest = std::max(longest, p->event.duration);
    }
  }
  EXPECT_EQ(longest, 0xffff);
}

TEST(DtmfReceiver, ReportsEachEventOnceDespiteUpdatesAndEndRetransmissions) {
  DtmfReceiver receiver;
  rtp::TelephoneEvent five{5, false, 10, 160};
  EXPECT_EQ(receiver.on_packet(1000, five), '5');
  five.duration = 320;
  EXPECT_FALSE(receiver.on_packet(1000, five));
  five.end = true;
  EXPECT_FALSE(receiver.on_packet(1000, five));
  EXPECT_FALSE(receiver.on_packet(1000, five));
  rtp::TelephoneEvent star{rtp::kEventStar, false, 10, 160};
  EXPECT_EQ(receiver.on_packet(2000, star), '*');
  EXPECT_FALSE(receiver.on_packet(1000, five)) << "a late packet of the earlier event";
}

TEST(DtmfReceiver, IgnoresEventsThatAreNotDigits) {
  DtmfReceiver receiver;
  EXPECT_FALSE(receiver.on_packet(1000, {rtp::kEventFlash, false, 10, 160}));
  EXPECT_EQ(receiver.on_packet(2000, {9, false, 10, 160}), '9');
}

TEST(DtmfReceiver, ANewEventAfterTimestampWrapIsStillNew) {
  DtmfReceiver receiver;
  EXPECT_EQ(receiver.on_packet(0xffffff00U, {1, false, 10, 160}), '1');
  EXPECT_EQ(receiver.on_packet(0x100U, {2, false, 10, 160}), '2');
}

}  // namespace
}  // namespace tipring::client
