// RFC 3263 §4 server selection from given DNS answers: which SRV names a transport asks for
// (from NAPTR, or the defaults), and RFC 2782's ordering of SRV targets by priority and
// weight, drawn with a seeded random source.
#include "client/ua/server_location.h"

#include <map>

#include <gtest/gtest.h>

namespace tipring::client {
namespace {

struct SrvNamesCase {
  const char* name;
  sip::Transport transport;
  std::vector<NaptrRecord> naptr;
  std::vector<std::string> expected;
};

const std::vector<NaptrRecord> kAllThree{
    {50, 50, "s", "SIPS+D2T", "_sips._tcp.example.com"},
    {90, 50, "s", "SIP+D2T", "_sip._tcp.example.com"},
    {100, 50, "s", "SIP+D2U", "_sip._udp.example.com"},
};

class SrvNames : public ::testing::TestWithParam<SrvNamesCase> {};

TEST_P(SrvNames, FollowNaptrForTheTransportOrFallBackToTheDefaultName) {
  const SrvNamesCase& c = GetParam();
  EXPECT_EQ(srv_names("example.com", c.transport, c.naptr), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc3263, SrvNames,
    ::testing::Values(
        SrvNamesCase{"udp_without_naptr", sip::Transport::udp, {}, {"_sip._udp.example.com"}},
        SrvNamesCase{"tcp_without_naptr", sip::Transport::tcp, {}, {"_sip._tcp.example.com"}},
        SrvNamesCase{"tls_without_naptr", sip::Transport::tls, {}, {"_sips._tcp.example.com"}},
        SrvNamesCase{
            "udp_picks_its_naptr", sip::Transport::udp, kAllThree, {"_sip._udp.example.com"}},
        SrvNamesCase{
            "tls_picks_its_naptr", sip::Transport::tls, kAllThree, {"_sips._tcp.example.com"}},
        SrvNamesCase{"order_then_preference",
                     sip::Transport::udp,
                     {{20, 10, "S", "SIP+D2U", "c.example.com"},
                      {10, 90, "s", "sip+d2u", "b.example.com"},
                      {10, 5, "s", "SIP+D2U", "a.example.com"}},
                     {"a.example.com", "b.example.com", "c.example.com"}},
        SrvNamesCase{"naptr_for_other_transports_only_means_the_default",
                     sip::Transport::udp,
                     {{10, 10, "s", "SIP+D2T", "_sip._tcp.example.com"}},
                     {"_sip._udp.example.com"}},
        SrvNamesCase{"non_srv_flags_are_ignored",
                     sip::Transport::udp,
                     {{10, 10, "a", "SIP+D2U", "host.example.com"}, {10, 10, "u", "SIP+D2U", ""}},
                     {"_sip._udp.example.com"}}),
    [](const auto& test) { return std::string(test.param.name); });

std::vector<std::string> targets(const std::vector<SrvRecord>& records) {
  std::vector<std::string> out;
  for (const SrvRecord& r : records) {
    out.push_back(r.target);
  }
  return out;
}

TEST(OrderSrv, LowerPriorityComesFirstWhateverTheWeights) {
  SeededRandom random(7);
  const std::vector<SrvRecord> records{
      {"backup.example.com", 5060, 20, 1000},
      {"main.example.com", 5060, 10, 0},
      {"last.example.com", 5060, 30, 5},
  };
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(
        targets(order_srv(records, random)),
        (std::vector<std::string>{"main.example.com", "backup.example.com", "last.example.com"}));
  }
}

TEST(OrderSrv, WithinAPriorityTargetsAreDrawnInProportionToWeight) {
  SeededRandom random(42);
  const std::vector<SrvRecord> records{
      {"heavy.example.com", 5060, 10, 90},
      {"light.example.com", 5060, 10, 10},
      {"other-priority.example.com", 5060, 20, 50},
  };
  std::map<std::string, int> first;
  constexpr int kDraws = 4000;
  for (int i = 0; i < kDraws; ++i) {
    const auto ordered = order_srv(records, random);
    ASSERT_EQ(ordered.size(), 3U);
    EXPECT_EQ(ordered[2].target, "other-priority.example.com");
    ++first[ordered[0].target];
  }
  // Expected 90 % and 10 % (weight 90 of 100, plus the "+1" of RFC 2782's draw).
  EXPECT_NEAR(first["heavy.example.com"] / double(kDraws), 0.90, 0.03);
  EXPECT_NEAR(first["light.example.com"] / double(kDraws), 0.10, 0.03);
}

TEST(OrderSrv, ZeroWeightTargetsAreStillTriedAndNoneIsLost) {
  SeededRandom random(3);
  const std::vector<SrvRecord> records{
      {"a.example.com", 5060, 10, 0},
      {"b.example.com", 5061, 10, 0},
      {"c.example.com", 5062, 10, 10},
  };
  int zero_weight_first = 0;
  for (int i = 0; i < 200; ++i) {
    auto ordered = order_srv(records, random);
    ASSERT_EQ(ordered.size(), 3U);
    zero_weight_first += ordered[0].weight == 0 ? 1 : 0;
    std::sort(ordered.begin(), ordered.end(),
              [](const SrvRecord& x, const SrvRecord& y) { return x.target < y.target; });
    EXPECT_EQ(ordered, records);
  }
  EXPECT_LT(zero_weight_first, 200 / 4) << "weight 10 should win most first draws";
}

TEST(OrderSrv, ASingleDotTargetMeansTheServiceIsNotOffered) {
  SeededRandom random(1);
  EXPECT_TRUE(order_srv({{".", 0, 0, 0}}, random).empty());
  EXPECT_TRUE(order_srv({}, random).empty());
}

TEST(DefaultSipPort, Is5061ForTlsAnd5060Otherwise) {
  EXPECT_EQ(default_sip_port(sip::Transport::udp), 5060);
  EXPECT_EQ(default_sip_port(sip::Transport::tcp), 5060);
  EXPECT_EQ(default_sip_port(sip::Transport::tls), 5061);
}

}  // namespace
}  // namespace tipring::client
