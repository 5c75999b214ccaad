#include "pots/caller_id/caller_id_message.h"

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

std::vector<std::uint8_t> bytes(std::initializer_list<int> values) {
  std::vector<std::uint8_t> out;
  for (int v : values) {
    out.push_back(static_cast<std::uint8_t>(v));
  }
  return out;
}

TEST(CallerIdMessage, DecodesTheClassicSdmfExample) {
  // 09/30 12:24, 609-555-1212 (the SDMF example printed in many CPE data sheets).
  const auto message = bytes({0x04, 0x12, 0x30, 0x39, 0x33, 0x30, 0x31, 0x32, 0x32, 0x34, 0x36,
                              0x30, 0x39, 0x35, 0x35, 0x35, 0x31, 0x32, 0x31, 0x32, 0x51});
  const auto id = decode_caller_id(message);
  ASSERT_TRUE(id) << id.error().describe();
  EXPECT_EQ(id->when, (CallerIdDateTime{9, 30, 12, 24}));
  EXPECT_EQ(id->number, "6095551212");
  EXPECT_EQ(encode_caller_id(*id, CallerIdFormat::kSdmf), message);
}

TEST(CallerIdMessage, ChecksumIsTwosComplementOfTheSum) {
  EXPECT_EQ(caller_id_checksum(bytes({0x04, 0x01, 0x30})), 0xCB);
  EXPECT_EQ(caller_id_checksum(bytes({0xFF, 0x01})), 0x00);
}

CallerId full() {
  CallerId id;
  id.when = CallerIdDateTime{12, 31, 23, 59};
  id.number = "2125551234";
  id.name = "ALICE EXAMPLE";
  return id;
}

struct RoundTrip {
  const char* what;
  CallerId id;
  CallerIdFormat format;
};

class CallerIdRoundTrip : public testing::TestWithParam<RoundTrip> {};

TEST_P(CallerIdRoundTrip, DecodesWhatItEncodes) {
  const auto& c = GetParam();
  const auto decoded = decode_caller_id(encode_caller_id(c.id, c.format));
  ASSERT_TRUE(decoded) << decoded.error().describe();
  EXPECT_EQ(*decoded, c.id) << c.what;
}

CallerId with(std::optional<Absence> number, std::optional<Absence> name, bool sdmf = false) {
  CallerId id = full();
  if (number) {
    id.number.clear();
    id.number_absent = number;
  }
  if (name) {
    id.name.clear();
    id.name_absent = name;
  }
  if (sdmf) {
    id.name.clear();
  }
  return id;
}

INSTANTIATE_TEST_SUITE_P(
    Formats, CallerIdRoundTrip,
    testing::Values(
        RoundTrip{"mdmf full", full(), CallerIdFormat::kMdmf},
        RoundTrip{"mdmf private number and name", with(Absence::kPrivate, Absence::kPrivate),
                  CallerIdFormat::kMdmf},
        RoundTrip{"mdmf unavailable", with(Absence::kUnavailable, Absence::kUnavailable),
                  CallerIdFormat::kMdmf},
        RoundTrip{"mdmf name withheld only", with(std::nullopt, Absence::kPrivate),
                  CallerIdFormat::kMdmf},
        RoundTrip{"sdmf number", with(std::nullopt, std::nullopt, true), CallerIdFormat::kSdmf},
        RoundTrip{"sdmf private", with(Absence::kPrivate, std::nullopt, true),
                  CallerIdFormat::kSdmf},
        RoundTrip{"sdmf out of area", with(Absence::kUnavailable, std::nullopt, true),
                  CallerIdFormat::kSdmf}));

TEST(CallerIdMessage, MdmfNameOfSixteenBytesKeepsOneLengthByte) {
  // 16 = 0x10 (DLE), which spandsp's adsi_add_field doubles; ours must not.
  CallerId id = full();
  id.name = "ABCDEFGHIJKLMNOP";
  const auto message = encode_caller_id(id, CallerIdFormat::kMdmf);
  EXPECT_EQ(decode_caller_id(message).value().name, id.name);
}

struct Broken {
  const char* what;
  std::vector<std::uint8_t> message;
  const char* detail_contains;
};

class CallerIdRejects : public testing::TestWithParam<Broken> {};

TEST_P(CallerIdRejects, NamesWhatIsWrong) {
  const auto decoded = decode_caller_id(GetParam().message);
  ASSERT_FALSE(decoded) << GetParam().what;
  EXPECT_NE(decoded.error().detail.find(GetParam().detail_contains), std::string::npos)
      << decoded.error().describe();
}

std::vector<std::uint8_t> with_checksum(std::vector<std::uint8_t> m) {
  m.push_back(caller_id_checksum(m));
  return m;
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, CallerIdRejects,
    testing::Values(
        Broken{"bad checksum", bytes({0x04, 0x01, 0x30, 0x00}), "checksum"},
        Broken{"short", bytes({0x04}), "shorter"},
        Broken{"length mismatch", bytes({0x04, 0x05, 0x30, 0x00}), "length byte"},
        Broken{"bad date",
               with_checksum(bytes({0x04, 0x08, 0x31, 0x33, 0x33, 0x30, 0x31, 0x32, 0x32, 0x34})),
               "out of range"},
        Broken{"bad absence", with_checksum(bytes({0x80, 0x03, 0x04, 0x01, 'X'})), "absence"},
        Broken{"parameter overruns", with_checksum(bytes({0x80, 0x03, 0x02, 0x05, '1'})),
               "runs past"},
        Broken{"unknown type", with_checksum(bytes({0x06, 0x01, 0x42})), "not caller ID"}));

}  // namespace
}  // namespace tipring::pots
