#include "relay_server/app/user_command.h"

#include "relay_server/store/ha1.h"
#include "relay_server/store/sqlite_directory.h"
#include "tests/relay_server/temp_dir.h"

#include <sstream>

#include <gtest/gtest.h>

namespace tipring::relay {
namespace {

struct UserCommandTest : ::testing::Test {
  TempDir dir;
  std::unique_ptr<SqliteDirectory> directory = std::move(*SqliteDirectory::open(dir.file("d")));
  std::ostringstream out;
  std::ostringstream err;
  int password_reads = 0;

  int run(std::vector<std::string> arguments, std::string password, std::string realm = "R") {
    out.str("");
    err.str("");
    const PasswordSource source = [this, password]() -> Result<std::string> {
      ++password_reads;
      return password;
    };
    return run_user_command({std::move(arguments), std::move(realm)}, *directory, source, out, err);
  }
};

TEST_F(UserCommandTest, AddStoresBothDigestsOfUserRealmPassword) {
  ASSERT_EQ(run({"add", "alice"}, "s3cret"), 0) << err.str();
  auto stored = directory->find_user("alice", "R");
  ASSERT_TRUE(stored && stored->has_value());
  EXPECT_EQ(**stored, make_user_record("alice", "R", "s3cret"));
}

TEST_F(UserCommandTest, AddRefusesAnExistingUserWithoutAskingForAPassword) {
  ASSERT_EQ(run({"add", "alice"}, "one"), 0);
  EXPECT_EQ(run({"add", "alice"}, "two"), 1);
  EXPECT_EQ(password_reads, 1);
  EXPECT_NE(err.str().find("already exists"), std::string::npos);
}

TEST_F(UserCommandTest, PasswdChangesTheDigestsOfAnExistingUserOnly) {
  EXPECT_EQ(run({"passwd", "alice"}, "x"), 1);
  ASSERT_EQ(run({"add", "alice"}, "one"), 0);
  ASSERT_EQ(run({"passwd", "alice"}, "two"), 0);
  auto stored = directory->find_user("alice", "R");
  ASSERT_TRUE(stored && stored->has_value());
  EXPECT_EQ((*stored)->ha1_md5, ha1_hex(DigestAlgorithm::md5, "alice", "R", "two"));
}

TEST_F(UserCommandTest, RealmSeparatesAccounts) {
  ASSERT_EQ(run({"add", "alice"}, "one", "A"), 0);
  ASSERT_EQ(run({"add", "alice"}, "two", "B"), 0);
  ASSERT_EQ(run({"list"}, ""), 0);
  EXPECT_EQ(out.str(), "alice\tA\nalice\tB\n");
  ASSERT_EQ(run({"del", "alice"}, "", "A"), 0);
  EXPECT_EQ(run({"del", "alice"}, "", "A"), 1);
  ASSERT_EQ(run({"list"}, ""), 0);
  EXPECT_EQ(out.str(), "alice\tB\n");
}

TEST_F(UserCommandTest, EmptyPasswordAndFailingSourceAreRefused) {
  EXPECT_EQ(run({"add", "alice"}, ""), 1);
  out.str("");
  const PasswordSource broken = []() -> Result<std::string> {
    return fail("password", "the two entries differ");
  };
  EXPECT_EQ(run_user_command({{"add", "bob"}, "R"}, *directory, broken, out, err), 1);
  EXPECT_NE(err.str().find("differ"), std::string::npos);
  auto users = directory->list_users();
  ASSERT_TRUE(users);
  EXPECT_TRUE(users->empty());
}

TEST_F(UserCommandTest, UsageErrorsExitWithTwo) {
  EXPECT_EQ(run({}, ""), 2);
  EXPECT_EQ(run({"add"}, ""), 2);
  EXPECT_EQ(run({"list", "extra"}, ""), 2);
  EXPECT_EQ(run({"rename", "a"}, ""), 2);
  EXPECT_EQ(run({"add", "al:ice"}, "pw"), 2);
  EXPECT_EQ(password_reads, 0);
}

TEST(UserName, AllowsSipUserCharactersButNotColonsOrSpaces) {
  EXPECT_TRUE(is_valid_user_name("alice.smith-2"));
  EXPECT_TRUE(is_valid_user_name("+4930123"));
  EXPECT_FALSE(is_valid_user_name(""));
  EXPECT_FALSE(is_valid_user_name("a:b"));
  EXPECT_FALSE(is_valid_user_name("a b"));
  EXPECT_FALSE(is_valid_user_name("a@b"));
  EXPECT_FALSE(is_valid_user_name(std::string(65, 'a')));
}

}  // namespace
}  // namespace tipring::relay
