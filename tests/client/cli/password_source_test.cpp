#include "client/cli/password_source.h"

#include <QTemporaryFile>

#include <gtest/gtest.h>

namespace tipring::client {
namespace {

TEST(PasswordSource, FileGivesItsFirstLineWithoutLineEnding) {
  QTemporaryFile file;
  ASSERT_TRUE(file.open());
  file.write("s3cret\r\nsecond line\n");
  file.flush();
  auto r = read_password({file.fileName(), {}, false}, "alice@example.org");
  ASSERT_TRUE(r.password) << r.error.toStdString();
  EXPECT_EQ(*r.password, "s3cret");
}

TEST(PasswordSource, MissingFileIsAClearError) {
  auto r = read_password({"/nonexistent/pw", {}, false}, "alice@example.org");
  EXPECT_FALSE(r.password);
  EXPECT_TRUE(r.error.contains("/nonexistent/pw"));
}

TEST(PasswordSource, EnvironmentVariable) {
  qputenv("TIPRING_TEST_PASSWORD", "from-env");
  auto r = read_password({{}, "TIPRING_TEST_PASSWORD", false}, "a@b");
  ASSERT_TRUE(r.password);
  EXPECT_EQ(*r.password, "from-env");
  qunsetenv("TIPRING_TEST_PASSWORD");
  EXPECT_FALSE(read_password({{}, "TIPRING_TEST_PASSWORD", false}, "a@b").password);
}

TEST(PasswordSource, NothingConfiguredAndNoPromptExplainsWhatToDo) {
  auto r = read_password({{}, {}, false}, "a@b");
  EXPECT_FALSE(r.password);
  EXPECT_TRUE(r.error.contains("--password-file"));
}

TEST(PasswordSource, FirstLineHandlesBareContent) {
  EXPECT_EQ(first_line("abc"), "abc");
  EXPECT_EQ(first_line("abc\n"), "abc");
  EXPECT_EQ(first_line(""), "");
}

}  // namespace
}  // namespace tipring::client
