#include "relay_server/app/log.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tipring::relay {
namespace {

struct Captured {
  std::vector<std::string> lines;
  Logger make(LogLevel level, LogFormat format, bool prefix, bool with_clock = false) {
    Logger::WallClock clock;
    if (with_clock) {
      // 2026-01-02T03:04:05.678Z
      clock = [] {
        return std::chrono::system_clock::time_point(std::chrono::milliseconds(1767323045678));
      };
    }
    return Logger(
        level, format, prefix, [this](std::string_view line) { lines.emplace_back(line); }, clock);
  }
};

TEST(Logger, TextLineIsKeyValueWithQuotingOnlyWhereNeeded) {
  Captured out;
  auto log = out.make(LogLevel::info, LogFormat::text, false);
  log.info("relay started", {{"listen", "127.0.0.1:5060"}, {"realm", ""}, {"note", "a \"b\""}});
  ASSERT_EQ(out.lines.size(), 1U);
  EXPECT_EQ(out.lines[0],
            "level=info msg=\"relay started\" listen=127.0.0.1:5060 realm=\"\" "
            "note=\"a \\\"b\\\"\"\n");
}

TEST(Logger, JsonLineEscapesControlCharacters) {
  Captured out;
  auto log = out.make(LogLevel::info, LogFormat::json, false);
  log.warning("bad\nline", {{"k", std::string("\x01tab\t", 5)}});
  ASSERT_EQ(out.lines.size(), 1U);
  EXPECT_EQ(out.lines[0],
            "{\"level\":\"warning\",\"msg\":\"bad\\nline\",\"k\":\"\\u0001tab\\t\"}\n");
}

TEST(Logger, SyslogPrefixCarriesTheSeverity) {
  Captured out;
  auto log = out.make(LogLevel::debug, LogFormat::text, true);
  log.error("e");
  log.notice("n");
  log.debug("d");
  ASSERT_EQ(out.lines.size(), 3U);
  EXPECT_TRUE(out.lines[0].starts_with("<3>level=error")) << out.lines[0];
  EXPECT_TRUE(out.lines[1].starts_with("<5>level=notice")) << out.lines[1];
  EXPECT_TRUE(out.lines[2].starts_with("<7>level=debug")) << out.lines[2];
}

TEST(Logger, LinesBelowTheLevelAreDroppedAndLevelCanChange) {
  Captured out;
  auto log = out.make(LogLevel::warning, LogFormat::text, false);
  log.info("hidden");
  log.error("shown");
  log.set_level(LogLevel::debug);
  log.debug("now shown");
  ASSERT_EQ(out.lines.size(), 2U);
  EXPECT_NE(out.lines[1].find("now shown"), std::string::npos);
}

TEST(Logger, WallClockStampsUtcMilliseconds) {
  Captured out;
  auto log = out.make(LogLevel::info, LogFormat::text, false, true);
  log.info("x");
  ASSERT_EQ(out.lines.size(), 1U);
  EXPECT_EQ(out.lines[0], "ts=2026-01-02T03:04:05.678Z level=info msg=x\n");
}

TEST(JournalStream, MatchesOnlyTheDeviceAndInodeOfTheFd) {
  struct stat info {};
  ASSERT_EQ(::fstat(STDIN_FILENO, &info), 0);
  const std::string matching = std::to_string(info.st_dev) + ":" + std::to_string(info.st_ino);
  EXPECT_TRUE(fd_is_journal_stream(matching.c_str(), STDIN_FILENO));
  const std::string other = std::to_string(info.st_dev) + ":" + std::to_string(info.st_ino + 1);
  EXPECT_FALSE(fd_is_journal_stream(other.c_str(), STDIN_FILENO));
  EXPECT_FALSE(fd_is_journal_stream(nullptr, STDIN_FILENO));
  EXPECT_FALSE(fd_is_journal_stream("garbage", STDIN_FILENO));
}

}  // namespace
}  // namespace tipring::relay
