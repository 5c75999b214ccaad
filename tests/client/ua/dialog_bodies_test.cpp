#include "client/ua/dialog_bodies.h"

#include <gtest/gtest.h>

namespace tipring::client {
namespace {

using namespace std::chrono_literals;

struct DtmfCase {
  std::string_view content_type;
  std::string_view body;
  char digit;
  std::chrono::milliseconds duration;
};

class DtmfInfoParse : public ::testing::TestWithParam<DtmfCase> {};

TEST_P(DtmfInfoParse, ReadsTheDigitAndDuration) {
  auto info = parse_dtmf_info(GetParam().content_type, GetParam().body);
  ASSERT_TRUE(info) << info.error().describe();
  EXPECT_EQ(info->digit, GetParam().digit);
  EXPECT_EQ(info->duration, GetParam().duration);
}

INSTANTIATE_TEST_SUITE_P(
    Forms, DtmfInfoParse,
    ::testing::Values(DtmfCase{"application/dtmf-relay", "Signal=5\r\nDuration=160\r\n", '5',
                               160ms},
                      DtmfCase{"application/dtmf-relay", "Duration= 250\nSignal = #\n", '#', 250ms},
                      DtmfCase{"Application/DTMF-Relay", "Signal=11\r\n", '#', 160ms},
                      DtmfCase{"application/dtmf-relay", "Signal=a\r\n", 'A', 160ms},
                      DtmfCase{"application/dtmf", "7", '7', 160ms},
                      DtmfCase{"application/dtmf-relay;charset=x", "Signal=*\r\n", '*', 160ms}));

TEST(DtmfInfo, RejectsBodiesWithoutADigit) {
  EXPECT_FALSE(parse_dtmf_info("application/dtmf-relay", "Duration=100\r\n"));
  EXPECT_FALSE(parse_dtmf_info("application/dtmf-relay", "Signal=X\r\n"));
  EXPECT_FALSE(parse_dtmf_info("text/plain", "Signal=1\r\n"));
  EXPECT_FALSE(parse_dtmf_info("application/dtmf", ""));
}

TEST(DtmfInfo, FormatsWhatItParses) {
  const std::string body = format_dtmf_relay({'9', 200ms});
  EXPECT_EQ(body, "Signal=9\r\nDuration=200\r\n");
  auto back = parse_dtmf_info(kDtmfRelayType, body);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->digit, '9');
  EXPECT_EQ(back->duration, 200ms);
}

TEST(Sipfrag, StatusLineRoundTrips) {
  EXPECT_EQ(format_sipfrag(180), "SIP/2.0 180 Ringing\r\n");
  EXPECT_EQ(parse_sipfrag_status("SIP/2.0 200 OK\r\n").value_or(0), 200);
  EXPECT_EQ(parse_sipfrag_status("SIP/2.0 603 Decline").value_or(0), 603);
  EXPECT_FALSE(parse_sipfrag_status("SIP/2.0 20 OK"));
  EXPECT_FALSE(parse_sipfrag_status("HTTP/1.1 200 OK"));
  EXPECT_FALSE(parse_sipfrag_status("SIP/2.0 999 Nope"));
}

}  // namespace
}  // namespace tipring::client
