#include "relay_server/app/metrics.h"

#include <gtest/gtest.h>

namespace tipring::relay {
namespace {

TEST(MetricsRegistry, RendersHelpTypeAndLabelledSeries) {
  MetricsRegistry registry;
  registry.counter("tipring_relay_sip_responses_total", "SIP responses sent", {{"code", "200"}})
      .increment(3);
  registry.counter("tipring_relay_sip_responses_total", "SIP responses sent", {{"code", "401"}})
      .increment();
  registry.gauge("tipring_relay_registrations", "live bindings").set(2);
  EXPECT_EQ(registry.render(),
            "# HELP tipring_relay_registrations live bindings\n"
            "# TYPE tipring_relay_registrations gauge\n"
            "tipring_relay_registrations 2\n"
            "# HELP tipring_relay_sip_responses_total SIP responses sent\n"
            "# TYPE tipring_relay_sip_responses_total counter\n"
            "tipring_relay_sip_responses_total{code=\"200\"} 3\n"
            "tipring_relay_sip_responses_total{code=\"401\"} 1\n");
}

TEST(MetricsRegistry, SameNameAndLabelsIsTheSameSeries) {
  MetricsRegistry registry;
  auto& a = registry.counter("x_total", "h", {{"m", "INVITE"}});
  auto& b = registry.counter("x_total", "h", {{"m", "INVITE"}});
  EXPECT_EQ(&a, &b);
  a.increment();
  EXPECT_EQ(b.value(), 1U);
}

TEST(MetricsRegistry, LabelValuesAndHelpAreEscaped) {
  EXPECT_EQ(render_labels({{"a", "x\"y\\z\nw"}, {"b", ""}}), "{a=\"x\\\"y\\\\z\\nw\",b=\"\"}");
  MetricsRegistry registry;
  registry.gauge("g", "line one\nback\\slash");
  EXPECT_NE(registry.render().find("# HELP g line one\\nback\\\\slash\n"), std::string::npos);
}

TEST(MetricsRegistry, WritersAppendAfterOwnFamilies) {
  MetricsRegistry registry;
  registry.gauge("a", "h").set(1.5);
  registry.add_writer([](std::string& out) { out += "media_legs 4\n"; });
  const auto text = registry.render();
  EXPECT_TRUE(text.ends_with("a 1.5\nmedia_legs 4\n")) << text;
}

TEST(MetricName, FollowsThePrometheusGrammar) {
  EXPECT_TRUE(is_valid_metric_name("tipring_relay_x_total"));
  EXPECT_TRUE(is_valid_metric_name("a:b_1"));
  EXPECT_FALSE(is_valid_metric_name(""));
  EXPECT_FALSE(is_valid_metric_name("1abc"));
  EXPECT_FALSE(is_valid_metric_name("a-b"));
}

}  // namespace
}  // namespace tipring::relay
