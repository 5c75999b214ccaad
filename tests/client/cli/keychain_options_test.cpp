// tipring-cli's keychain options: --password-keychain asks the account to read the stored
// password, the keychain command's key normalisation, and its usage errors (the secret is
// read from standard input, never from the command line). The keychain itself is exercised
// by client.keychain_* and client.cli_keychain_*.
#include "client/cli/cli_options.h"
#include "client/cli/password_source.h"
#include "client/phone/password_store.h"

#include <QBuffer>

#include <gtest/gtest.h>

namespace tipring::client {
namespace {

TEST(KeychainOptions, PasswordKeychainIsOffUnlessAskedFor) {
  auto plain = parse_cli({"tipring-cli", "--account", "alice@example.org"});
  ASSERT_TRUE(plain.options) << plain.error.toStdString();
  EXPECT_FALSE(plain.options->password.keychain);
  auto keychain =
      parse_cli({"tipring-cli", "--account", "alice@example.org", "--password-keychain"});
  ASSERT_TRUE(keychain.options) << keychain.error.toStdString();
  EXPECT_TRUE(keychain.options->password.keychain);
}

TEST(KeychainOptions, AnAccountIsStoredUnderItsSipUri) {
  EXPECT_EQ(keychain_key(QStringLiteral("alice@example.org")), "sip:alice@example.org");
  EXPECT_EQ(keychain_key(QStringLiteral(" sip:alice@example.org ")), "sip:alice@example.org");
  EXPECT_EQ(keychain_key(QStringLiteral("sips:alice@example.org")), "sips:alice@example.org");
}

struct UsageCase {
  const char* name;
  QStringList arguments;
  QByteArray input;
  const char* says;
};

class KeychainCommandUsage : public ::testing::TestWithParam<UsageCase> {};

TEST_P(KeychainCommandUsage, IsRefusedWithExitCode2BeforeTouchingTheKeychain) {
  const UsageCase& c = GetParam();
  QByteArray input = c.input;
  QBuffer in(&input);
  ASSERT_TRUE(in.open(QIODevice::ReadOnly));
  QString out_text;
  QString err_text;
  QTextStream out(&out_text);
  QTextStream err(&err_text);
  EXPECT_EQ(run_keychain_command(c.arguments, in, out, err), 2);
  err.flush();
  EXPECT_TRUE(err_text.contains(QLatin1String(c.says))) << err_text.toStdString();
  EXPECT_TRUE(out_text.isEmpty());
}

INSTANTIATE_TEST_SUITE_P(
    Cli, KeychainCommandUsage,
    ::testing::Values(
        UsageCase{"no_arguments", {}, "pw\n", "usage: tipring-cli keychain set ACCOUNT"},
        UsageCase{"unknown_verb", {"get", "alice@example.org"}, "", "usage:"},
        UsageCase{
            "secret_on_the_command_line", {"set", "alice@example.org", "hunter2"}, "", "usage:"},
        UsageCase{"empty_standard_input",
                  {"set", "alice@example.org"},
                  "\n",
                  "no password on standard input"}),
    [](const auto& test) { return std::string(test.param.name); });

}  // namespace
}  // namespace tipring::client
