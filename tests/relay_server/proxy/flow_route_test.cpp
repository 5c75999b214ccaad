// The flows in the proxy's Record-Route URI: their text form, and the MAC that ties them
// to the caller's tag and tells an in-dialog request's direction.
#include "relay_server/proxy/flow_route.h"

#include <gtest/gtest.h>

namespace tipring::relay {
namespace {

const std::vector<std::uint8_t> kSecret(32, 0x42);

struct FlowText {
  const char* name;
  FlowAddress flow;
  std::string text;
};

class FlowTextForm : public ::testing::TestWithParam<FlowText> {};

TEST_P(FlowTextForm, RoundTrips) {
  EXPECT_EQ(format_flow(GetParam().flow), GetParam().text);
  EXPECT_EQ(parse_flow(GetParam().text), std::optional<FlowAddress>(GetParam().flow));
}

INSTANTIATE_TEST_SUITE_P(
    FlowRoute, FlowTextForm,
    ::testing::Values(
        FlowText{"Ipv4", {{"192.0.2.10", 40123, sip::Transport::udp}, 0}, "0/40123/192.0.2.10"},
        FlowText{"Ipv6", {{"2001:db8::7", 5060, sip::Transport::udp}, 3}, "3/5060/2001:db8::7"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(FlowRoute, MalformedFlowTextIsRejected) {
  for (const char* bad : {"", "0/5060", "x/5060/1.2.3.4", "0/99999/1.2.3.4", "0/5060/"}) {
    EXPECT_FALSE(parse_flow(bad)) << bad;
  }
}

TEST(FlowRoute, DirectionFollowsWhichTagCarriesTheCallersTag) {
  auto uri = *sip::Uri::parse("sip:127.0.0.1:5060;lr");
  const DialogFlows flows{{{"192.0.2.10", 40123, sip::Transport::udp}, 0},
                          FlowAddress{{"198.51.100.20", 40200, sip::Transport::udp}, 1}};
  add_flow_params(uri, flows, "caller-tag", kSecret);
  const auto reparsed = *sip::Uri::parse(uri.to_string());

  const auto forward = read_flow_params(reparsed, "caller-tag", "callee-tag", kSecret);
  ASSERT_TRUE(forward);
  EXPECT_EQ(forward->direction, DialogDirection::to_callee);
  EXPECT_EQ(forward->next, flows.callee);

  const auto back = read_flow_params(reparsed, "callee-tag", "caller-tag", kSecret);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->direction, DialogDirection::to_caller);
  EXPECT_EQ(back->next, std::optional<FlowAddress>(flows.caller));
}

TEST(FlowRoute, AnotherSecretOrAStrangersTagsReadNothing) {
  auto uri = *sip::Uri::parse("sip:127.0.0.1:5060;lr");
  add_flow_params(uri, {{{"192.0.2.10", 40123, sip::Transport::udp}, 0}, std::nullopt},
                  "caller-tag", kSecret);
  EXPECT_FALSE(read_flow_params(uri, "caller-tag", "", std::vector<std::uint8_t>(32, 0x43)));
  EXPECT_FALSE(read_flow_params(uri, "someone", "else", kSecret));
  EXPECT_FALSE(
      read_flow_params(*sip::Uri::parse("sip:127.0.0.1:5060;lr"), "caller-tag", "", kSecret));
}

}  // namespace
}  // namespace tipring::relay
