#include "protocol/bencode/value.h"

#include <gtest/gtest.h>

namespace tipring::bencode {
namespace {

TEST(Dict, FindReturnsTheValueForAKeyAndNullForAMissingOne) {
  Dict d{{"sdp", "v=0"}, {"call-id", "abc"}};
  ASSERT_NE(d.find("sdp"), nullptr);
  EXPECT_EQ(*d.find("sdp")->string(), "v=0");
  EXPECT_EQ(d.find("to-tag"), nullptr);
}

TEST(Dict, TypedGettersReturnNothingForAnotherType) {
  Dict d{{"port", 30000}, {"result", "ok"}, {"flags", List{"symmetric"}}, {"sub", Dict{}}};
  EXPECT_EQ(d.get_integer("port"), 30000);
  EXPECT_EQ(d.get_string("port"), std::nullopt);
  EXPECT_EQ(d.get_string("result"), "ok");
  EXPECT_EQ(d.get_integer("result"), std::nullopt);
  ASSERT_NE(d.get_list("flags"), nullptr);
  EXPECT_EQ(d.get_list("flags")->size(), 1U);
  EXPECT_EQ(d.get_list("result"), nullptr);
  EXPECT_NE(d.get_dict("sub"), nullptr);
  EXPECT_EQ(d.get_dict("flags"), nullptr);
  EXPECT_EQ(d.get_string("missing"), std::nullopt);
}

TEST(Dict, SetReplacesAnExistingKeyAndKeepsKeysUnique) {
  Dict d;
  d.set("result", "error");
  d.set("result", "ok");
  EXPECT_EQ(d.size(), 1U);
  EXPECT_EQ(d.get_string("result"), "ok");
}

TEST(Dict, EntriesAreKeptInByteOrder) {
  Dict d;
  d.set("z", 1);
  d.set("a", 2);
  d.set("m", 3);
  ASSERT_EQ(d.entries().size(), 3U);
  EXPECT_EQ(d.entries()[0].key, "a");
  EXPECT_EQ(d.entries()[1].key, "m");
  EXPECT_EQ(d.entries()[2].key, "z");
}

TEST(Dict, EraseRemovesOnlyAPresentKey) {
  Dict d{{"a", 1}};
  EXPECT_FALSE(d.erase("b"));
  EXPECT_TRUE(d.erase("a"));
  EXPECT_TRUE(d.empty());
}

TEST(Value, AccessorsReportTheHeldType) {
  Value i(7);
  Value s("x");
  Value l(List{});
  Value d(Dict{});
  EXPECT_TRUE(i.is_integer());
  EXPECT_TRUE(s.is_string());
  EXPECT_TRUE(l.is_list());
  EXPECT_TRUE(d.is_dict());
  EXPECT_EQ(i.string(), nullptr);
  EXPECT_EQ(s.integer(), nullptr);
  EXPECT_EQ(l.dict(), nullptr);
  EXPECT_EQ(d.list(), nullptr);
}

TEST(Value, EqualityComparesTypeAndContent) {
  EXPECT_EQ(Value("1"), Value("1"));
  EXPECT_NE(Value("1"), Value(1));
  EXPECT_EQ(Value(List{1, "a"}), Value(List{1, "a"}));
  EXPECT_NE(Value(List{1, "a"}), Value(List{"a", 1}));
  EXPECT_EQ(Value(Dict{{"a", 1}, {"b", 2}}), Value(Dict{{"b", 2}, {"a", 1}}));
}

}  // namespace
}  // namespace tipring::bencode
