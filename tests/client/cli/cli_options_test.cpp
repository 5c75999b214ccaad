#include "client/cli/cli_options.h"

#include <gtest/gtest.h>

namespace tipring::client {
namespace {

CliParseResult parse(std::initializer_list<const char*> args) {
  QStringList list{QStringLiteral("tipring-cli")};
  for (const char* a : args)
    list << QString::fromUtf8(a);
  return parse_cli(list);
}

TEST(CliOptions, ParsesTheDocumentedExample) {
  auto r = parse({"--account", "alice@example.org", "--proxy", "sip:198.18.0.10", "--password-file",
                  "pw", "--call", "bob", "--play", "in.wav", "--record", "out.wav", "--dtmf", "12#",
                  "--hangup-after", "10", "--json"});
  ASSERT_TRUE(r.options) << r.error.toStdString();
  const CliOptions& o = *r.options;
  EXPECT_EQ(o.account, "alice@example.org");
  EXPECT_EQ(o.proxy, "sip:198.18.0.10");
  EXPECT_EQ(o.password.file, "pw");
  EXPECT_EQ(o.call_target, "bob");
  EXPECT_EQ(o.play_wav, "in.wav");
  EXPECT_EQ(o.record_wav, "out.wav");
  EXPECT_EQ(o.dtmf, "12#");
  EXPECT_EQ(o.hangup_after_s, 10);
  EXPECT_TRUE(o.json);
  EXPECT_EQ(o.max_calls, 1) << "--call implies exiting after that call";
  EXPECT_EQ(o.transport, Transport::Udp);
  EXPECT_EQ(o.keepalive_s, 25);
}

TEST(CliOptions, PasswordIsNeverAPositionalArgument) {
  auto r = parse({"--account", "alice@example.org", "secret"});
  EXPECT_FALSE(r.options);
  EXPECT_TRUE(r.error.contains("never taken from the command line")) << r.error.toStdString();
}

struct BadLine {
  std::vector<const char*> args;
  const char* message_part;
};

class CliOptionsRejects : public ::testing::TestWithParam<BadLine> {};

TEST_P(CliOptionsRejects, WithAMessageNamingTheProblem) {
  QStringList list{QStringLiteral("tipring-cli")};
  for (const char* a : GetParam().args)
    list << QString::fromUtf8(a);
  auto r = parse_cli(list);
  ASSERT_FALSE(r.options);
  EXPECT_TRUE(r.error.contains(QString::fromUtf8(GetParam().message_part)))
      << r.error.toStdString();
}

INSTANTIATE_TEST_SUITE_P(
    Table, CliOptionsRejects,
    ::testing::Values(BadLine{{"--call", "bob"}, "--account is required"},
                      BadLine{{"--account", "a@b", "--transport", "sctp"}, "udp, tcp or tls"},
                      BadLine{{"--account", "a@b", "--keepalive", "-1"}, "--keepalive"},
                      BadLine{{"--account", "a@b", "--hangup-after", "ten"}, "--hangup-after"},
                      BadLine{{"--account", "a@b", "--dtmf", "12x"}, "--dtmf"},
                      BadLine{{"--account", "a@b", "--reject", "404"}, "486 or 603"},
                      BadLine{{"--account", "a@b", "--reject", "486", "--auto-answer"}, "exclude"},
                      BadLine{{"--account", "a@b", "--codecs", "opus,g729"}, "g729"},
                      BadLine{{"--account", "a@b", "--no-such-flag"}, "no-such-flag"},
                      BadLine{{"--account", "a@b", "--keepalive-method", "stun"},
                              "crlf or options"},
                      BadLine{{"--account", "a@b", "--ca-file", "ca.pem"}, "--transport tls"}),
    [](const ::testing::TestParamInfo<BadLine>& param) {
      return "Case" + std::to_string(param.index);
    });

TEST(CliOptions, HelpDocumentsEveryEventAndExitCode) {
  auto r = parse({"--help"});
  ASSERT_FALSE(r.options);
  for (const char* word : {"registered", "registration-failed", "incoming", "ringing", "answered",
                           "dtmf", "stats", "ended", "flow-renewed", "certificate not trusted",
                           "--ca-file", "--keepalive-method", "--password-file", "Exit codes"}) {
    EXPECT_TRUE(r.help_text.contains(QString::fromUtf8(word))) << word;
  }
}

TEST(CliOptions, KeepaliveZeroTurnsKeepalivesOff) {
  auto r = parse({"--account", "a@b", "--keepalive", "0", "--transport", "TCP"});
  ASSERT_TRUE(r.options);
  EXPECT_EQ(r.options->keepalive_s, 0);
  EXPECT_EQ(r.options->transport, Transport::Tcp);
}

TEST(CliOptions, TlsTakesACaFileAndKeepalivesCanBeOptions) {
  auto r = parse({"--account", "a@b", "--transport", "tls", "--ca-file", "/etc/ca.pem",
                  "--keepalive-method", "OPTIONS"});
  ASSERT_TRUE(r.options) << r.error.toStdString();
  EXPECT_EQ(r.options->transport, Transport::Tls);
  EXPECT_EQ(r.options->ca_file, QStringLiteral("/etc/ca.pem"));
  EXPECT_TRUE(r.options->keepalive_options);
  auto plain = parse({"--account", "a@b"});
  ASSERT_TRUE(plain.options);
  EXPECT_FALSE(plain.options->keepalive_options) << "CRLF pings by default";
}

}  // namespace
}  // namespace tipring::client
