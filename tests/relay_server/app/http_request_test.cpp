#include "relay_server/app/http_request.h"

#include <ostream>
#include <string>

#include <gtest/gtest.h>

namespace tipring::relay {
namespace {

TEST(HttpRequest, ParsesRequestLineAndFields) {
  const std::string text =
      "GET /metrics?x=1 HTTP/1.1\r\nHost: 127.0.0.1:9090\r\nAccept:  text/plain \r\n\r\nrest";
  auto parsed = parse_http_request(text);
  ASSERT_TRUE(parsed) << parsed.error().describe();
  ASSERT_TRUE(parsed->has_value());
  const auto& request = **parsed;
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.target, "/metrics?x=1");
  EXPECT_EQ(request.path(), "/metrics");
  EXPECT_EQ(request.version, "HTTP/1.1");
  ASSERT_EQ(request.fields.size(), 2U);
  EXPECT_EQ(request.field("accept"), "text/plain");
  EXPECT_EQ(request.field("HOST"), "127.0.0.1:9090");
  EXPECT_FALSE(request.field("Cookie").has_value());
  EXPECT_EQ(request.head_length, text.size() - 4);
}

TEST(HttpRequest, IncompleteHeadAsksForMore) {
  for (const char* prefix : {"", "GE", "GET /metrics HTTP/1.1", "GET /metrics HTTP/1.1\r",
                             "GET / HTTP/1.1\r\nHost: a\r\n", "GET / HTTP/1.1\r\nHost: a\r\n\r"}) {
    auto parsed = parse_http_request(prefix);
    ASSERT_TRUE(parsed) << prefix << ": " << parsed.error().describe();
    EXPECT_FALSE(parsed->has_value()) << prefix;
  }
}

struct Rejected {
  const char* name;
  std::string text;
  std::string_view rule_prefix;
};

// Names the case in test output instead of dumping its bytes.
void PrintTo(const Rejected& value, std::ostream* out) {
  *out << value.name;
}

class HttpRequestRejects : public ::testing::TestWithParam<Rejected> {};

TEST_P(HttpRequestRejects, WithTheRuleThatFailed) {
  auto parsed = parse_http_request(GetParam().text);
  ASSERT_FALSE(parsed) << GetParam().name;
  EXPECT_TRUE(parsed.error().rule.starts_with(GetParam().rule_prefix)) << parsed.error().describe();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, HttpRequestRejects,
    ::testing::Values(
        Rejected{"TwoSpaces", "GET  / HTTP/1.1\r\n\r\n", "RFC 9112 §3 request-line"},
        Rejected{"NoVersion", "GET /\r\n\r\n", "RFC 9112 §3 request-line"},
        Rejected{"AbsoluteForm", "GET http://x/ HTTP/1.1\r\n\r\n", "RFC 9112 §3 request-line"},
        Rejected{"BadMethod", "G(T / HTTP/1.1\r\n\r\n", "RFC 9112 §3 request-line"},
        Rejected{"Http2", "GET / HTTP/2.0\r\n\r\n", kHttpVersionUnsupported},
        Rejected{"NotHttp", "GET / SIP/2.0\r\n\r\n", "RFC 9112 §3 request-line"},
        Rejected{"BareLf", "GET / HTTP/1.1\nHost: a\r\n\r\n", "RFC 9112 §3 request-line"},
        Rejected{"ObsFold", "GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", "RFC 9112 §5 field-line"},
        Rejected{"SpaceBeforeColon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
                 "RFC 9112 §5 field-line"},
        Rejected{"NoColon", "GET / HTTP/1.1\r\nHost\r\n\r\n", "RFC 9112 §5 field-line"},
        Rejected{"ControlInValue", "GET / HTTP/1.1\r\nA: b\x01\r\n\r\n", "RFC 9112 §5 field-line"},
        Rejected{"LongLine", "GET /" + std::string(2000, 'a') + " HTTP/1.1\r\n\r\n",
                 kHttpRequestLineTooLong},
        Rejected{"LongUnterminatedLine", "GET /" + std::string(2000, 'a'), kHttpRequestLineTooLong},
        Rejected{"HugeHead", "GET / HTTP/1.1\r\nA: " + std::string(9000, 'b') + "\r\n\r\n",
                 kHttpHeadTooLarge},
        Rejected{"TooManyFields",
                 [] {
                   std::string text = "GET / HTTP/1.1\r\n";
                   for (int i = 0; i < 40; ++i) {
                     text += "F" + std::to_string(i) + ": v\r\n";
                   }
                   return text + "\r\n";
                 }(),
                 kHttpHeadTooLarge}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace tipring::relay
