#include "protocol/bencode/codec.h"

#include <string>

#include <gtest/gtest.h>

namespace tipring::bencode {
namespace {

struct EncodeCase {
  const char* name;
  Value value;
  std::string encoded;
};

class EncodeVectors : public ::testing::TestWithParam<EncodeCase> {};

TEST_P(EncodeVectors, EncodesToTheBep3Form) {
  EXPECT_EQ(encode(GetParam().value), GetParam().encoded);
}

TEST_P(EncodeVectors, DecodesBackToTheSameValue) {
  auto decoded = decode(GetParam().encoded);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().describe();
  EXPECT_EQ(*decoded, GetParam().value);
}

INSTANTIATE_TEST_SUITE_P(
    Bep3, EncodeVectors,
    ::testing::Values(
        EncodeCase{"zero", Value(0), "i0e"}, EncodeCase{"positive", Value(42), "i42e"},
        EncodeCase{"negative", Value(-3), "i-3e"},
        EncodeCase{"int64_max", Value(INT64_MAX), "i9223372036854775807e"},
        EncodeCase{"int64_min", Value(INT64_MIN), "i-9223372036854775808e"},
        EncodeCase{"empty_string", Value(""), "0:"}, EncodeCase{"string", Value("spam"), "4:spam"},
        EncodeCase{"binary_string", Value(std::string("a\0b:e", 5)), std::string("5:a\0b:e", 7)},
        EncodeCase{"empty_list", Value(List{}), "le"},
        EncodeCase{"list", Value(List{"spam", "eggs", 7}), "l4:spam4:eggsi7ee"},
        EncodeCase{"empty_dict", Value(Dict{}), "de"},
        EncodeCase{"dict_keys_sorted_on_encode", Value(Dict{{"spam", "eggs"}, {"cow", "moo"}}),
                   "d3:cow3:moo4:spam4:eggse"},
        EncodeCase{"dict_keys_sorted_bytewise", Value(Dict{{"b", 1}, {"B", 2}, {"a", 3}}),
                   "d1:Bi2e1:ai3e1:bi1ee"},
        EncodeCase{"nested", Value(Dict{{"flags", List{"trust-address"}}, {"n", Dict{{"x", 1}}}}),
                   "d5:flagsl13:trust-addresse1:nd1:xi1eee"}),
    [](const auto& test) { return std::string(test.param.name); });

struct RejectCase {
  const char* name;
  std::string input;
  std::string_view rule;
};

class RejectedInputs : public ::testing::TestWithParam<RejectCase> {};

TEST_P(RejectedInputs, AreRejectedNamingTheRule) {
  auto decoded = decode(GetParam().input);
  ASSERT_FALSE(decoded.has_value()) << "accepted " << GetParam().input;
  EXPECT_EQ(decoded.error().rule, GetParam().rule) << decoded.error().describe();
}

INSTANTIATE_TEST_SUITE_P(
    Strict, RejectedInputs,
    ::testing::Values(
        RejectCase{"empty_input", "", "BEP 3 bencode value"},
        RejectCase{"integer_leading_zero", "i03e", "BEP 3 bencode integer"},
        RejectCase{"integer_negative_zero", "i-0e", "BEP 3 bencode integer"},
        RejectCase{"integer_no_digits", "ie", "BEP 3 bencode integer"},
        RejectCase{"integer_only_minus", "i-e", "BEP 3 bencode integer"},
        RejectCase{"integer_plus_sign", "i+1e", "BEP 3 bencode integer"},
        RejectCase{"integer_unterminated", "i12", "BEP 3 bencode integer"},
        RejectCase{"integer_overflow", "i9223372036854775808e", "BEP 3 bencode integer"},
        RejectCase{"integer_with_space", "i1 2e", "BEP 3 bencode integer"},
        RejectCase{"length_leading_zero", "03:abc", "BEP 3 bencode byte string"},
        RejectCase{"length_past_end", "5:abc", "BEP 3 bencode byte string"},
        RejectCase{"length_unterminated", "12", "BEP 3 bencode byte string"},
        RejectCase{"length_huge", "99999999999999999999:x", "BEP 3 bencode byte string"},
        RejectCase{"list_unterminated", "l4:spam", "BEP 3 bencode list"},
        RejectCase{"dict_unterminated", "d3:cow3:moo", "BEP 3 bencode dictionary"},
        RejectCase{"dict_value_missing", "d3:cowe", "BEP 3 bencode value"},
        RejectCase{"dict_integer_key", "di1e3:mooe", "BEP 3 bencode dictionary"},
        RejectCase{"dict_duplicate_key", "d1:ai1e1:ai2ee", "BEP 3 bencode dictionary"},
        RejectCase{"unknown_type", "x", "BEP 3 bencode value"},
        RejectCase{"stray_end", "e", "BEP 3 bencode value"},
        RejectCase{"trailing_data", "i1ei2e", "BEP 3 bencode value"},
        RejectCase{"trailing_newline", "de\n", "BEP 3 bencode value"}),
    [](const auto& test) { return std::string(test.param.name); });

TEST(Decode, AcceptsUnsortedKeysAsKamailioSendsThemAndStoresThemSorted) {
  auto decoded = decode("d7:command4:ping4:call1:xe");
  ASSERT_TRUE(decoded.has_value()) << decoded.error().describe();
  EXPECT_EQ(encode(*decoded), "d4:call1:x7:command4:pinge");
}

TEST(Decode, RejectsNestingBeyondTheDepthLimit) {
  DecodeLimits limits;
  limits.max_depth = 4;
  EXPECT_TRUE(decode("llllleeeee", DecodeLimits{}).has_value());
  EXPECT_TRUE(decode("lllleeee", limits).has_value());
  auto deep = decode("llllleeeee", limits);
  ASSERT_FALSE(deep.has_value());
  EXPECT_EQ(deep.error().rule, "bencode decode limits");
}

TEST(Decode, DefaultDepthLimitStopsAStackExhaustingInput) {
  const std::string hostile(100000, 'l');
  DecodeLimits limits;
  limits.max_input_bytes = hostile.size();
  auto r = decode(hostile, limits);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().rule, "bencode decode limits");
}

TEST(Decode, RejectsInputLargerThanTheSizeLimit) {
  DecodeLimits limits;
  limits.max_input_bytes = 8;
  auto fits = decode("6:abcdef", limits);
  EXPECT_TRUE(fits.has_value());
  auto r = decode("7:abcdefg", limits);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().rule, "bencode decode limits");
}

TEST(Decode, RejectsMoreValuesThanTheCountLimit) {
  DecodeLimits limits;
  limits.max_values = 3;
  EXPECT_TRUE(decode("li1ei2ee", limits).has_value());
  EXPECT_FALSE(decode("li1ei2ei3ee", limits).has_value());
}

TEST(Decode, ErrorDetailNamesTheOffset) {
  auto r = decode("l4:spami03ee");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().detail, "leading zero at byte 8");
}

}  // namespace
}  // namespace tipring::bencode
