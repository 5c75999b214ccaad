#include "relay_server/app/config_loader.h"

#include "relay_server/app/command_line.h"
#include "relay_server/app/relay_app.h"

#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace tipring::relay {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

Result<LoadedConfig> load(std::string_view toml, std::vector<FlagSetting> flags = {}) {
  return load_config_text(toml, "relay.toml", flags);
}

FlagSetting flag(std::string_view name, std::string text) {
  const auto* spec = find_setting_by_flag(name);
  EXPECT_NE(spec, nullptr) << name;
  return {spec, std::move(text)};
}

TEST(SettingTable, EveryDefaultParsesAndPassesItsOwnChecks) {
  for (const auto& spec : setting_table()) {
    auto value = parse_setting_text(spec, spec.default_text);
    EXPECT_TRUE(value.has_value()) << spec.key << ": " << value.error().describe();
  }
}

TEST(SettingTable, KeysAndFlagsAreUniqueAndFlagsFollowTheKey) {
  for (const auto& spec : setting_table()) {
    EXPECT_EQ(find_setting_by_key(spec.key), &spec) << spec.key;
    EXPECT_EQ(find_setting_by_flag(spec.flag), &spec) << spec.flag;
    EXPECT_TRUE(spec.flag.starts_with("--")) << spec.flag;
    EXPECT_NE(spec.apply, nullptr) << spec.key;
  }
}

TEST(SettingTable, HelpListsEveryFlagWithItsKeyAndDefault) {
  const std::string help = settings_help();
  for (const auto& spec : setting_table()) {
    EXPECT_NE(help.find(std::string(spec.flag)), std::string::npos) << spec.flag;
    EXPECT_NE(help.find("key " + std::string(spec.key)), std::string::npos) << spec.key;
  }
  EXPECT_NE(help.find("(live)"), std::string::npos);
}

TEST(ConfigLoader, EmptyFileGivesTheTableDefaults) {
  auto loaded = load("");
  ASSERT_TRUE(loaded) << loaded.error().describe();
  const auto& c = loaded->config;
  ASSERT_EQ(c.sip.listen.size(), 1U);
  EXPECT_EQ(c.sip.listen[0].to_string(), "0.0.0.0:5060");
  EXPECT_EQ(c.store.backend, StoreBackend::sqlite);
  EXPECT_EQ(c.http.metrics_listen.to_string(), "127.0.0.1:9090");
  EXPECT_EQ(c.log.level, LogLevel::info);
  EXPECT_FALSE(c.media.ng_listen.has_value());
  EXPECT_EQ(c.media.held_timeout, Duration(std::chrono::hours(1)));
}

TEST(ConfigLoader, FullFileSetsEverySection) {
  auto loaded = load(R"(
[sip]
listen = ["127.0.0.1:5070", "[::1]:5070"]
domain = "example.test"
realm = "tipring"
digest_sha256 = false
flow_timer = 30
min_expires = 30
max_expires = 7200
default_expires = 300

[store]
backend = "redis"
redis_address = "127.0.0.1:6380"
redis_prefix = "t1:"
proxy_id = "proxy-a"

[media]
bind_address = "127.0.0.1"
advertised_address = "198.18.0.1"
port_min = 40000
port_max = 40100
workers = 2
probation_packets = 4
media_handover = true
idle_timeout = "90s"
held_timeout = 7200
quarantine = "500ms"
learning_window = "2s"
ng_listen = "127.0.0.1:2223"

[http]
metrics_listen = "127.0.0.1:9191"

[limits]
register_rate = 2.5
register_burst = 5
invite_rate = 1
invite_burst = 2
max_message_size = 8192
max_transactions = 5000
tracked_sources = 1024

[log]
level = "debug"
format = "json"
syslog_prefix = "always"
)");
  ASSERT_TRUE(loaded) << loaded.error().describe();
  const auto& c = loaded->config;
  ASSERT_EQ(c.sip.listen.size(), 2U);
  EXPECT_TRUE(c.sip.listen[1].is_ipv6());
  EXPECT_EQ(c.sip.effective_realm(), "tipring");
  EXPECT_FALSE(c.sip.digest_sha256);
  EXPECT_EQ(c.sip.flow_timer_s, 30);
  EXPECT_EQ(c.store.backend, StoreBackend::redis);
  EXPECT_EQ(c.store.redis_address.port(), 6380);
  EXPECT_EQ(c.store.proxy_id, "proxy-a");
  EXPECT_EQ(c.media.advertised_address, "198.18.0.1");
  EXPECT_EQ(c.media.port_min, 40000);
  EXPECT_TRUE(c.media.media_handover);
  EXPECT_EQ(c.media.idle_timeout, Duration(seconds(90)));
  EXPECT_EQ(c.media.held_timeout, Duration(seconds(7200)));
  EXPECT_EQ(c.media.quarantine, Duration(milliseconds(500)));
  ASSERT_TRUE(c.media.ng_listen.has_value());
  EXPECT_EQ(c.media.ng_listen->port(), 2223);
  EXPECT_DOUBLE_EQ(c.limits.register_rate, 2.5);
  EXPECT_DOUBLE_EQ(c.limits.invite_rate, 1.0);
  EXPECT_EQ(c.limits.max_message_size, 8192);
  EXPECT_EQ(c.log.level, LogLevel::debug);
  EXPECT_EQ(c.log.format, LogFormat::json);
  EXPECT_EQ(c.log.syslog_prefix, SyslogPrefix::always);
}

TEST(ConfigLoader, MediaSettingsMapOntoTheMediaRelayConfig) {
  auto loaded = load(
      "[media]\nbind_address = \"127.0.0.2\"\nport_min = 40000\nport_max = 40010\n"
      "workers = 2\nquarantine = \"2m\"\nbusy_poll_us = 0\nng_listen = \"127.0.0.1:2223\"\n"
      "data_path = \"steered\"\n");
  ASSERT_TRUE(loaded) << loaded.error().describe();
  const auto media = to_media_relay_config(loaded->config.media);
  EXPECT_EQ(media.bind_address, "127.0.0.2");
  EXPECT_EQ(media.port_min, 40000);
  EXPECT_EQ(media.port_max, 40010);
  EXPECT_EQ(media.workers, 2U);
  EXPECT_EQ(media.quarantine, std::chrono::seconds(120));
  EXPECT_EQ(media.learning_window, std::chrono::seconds(3));
  EXPECT_EQ(media.busy_poll, std::chrono::microseconds(0));
  EXPECT_EQ(to_media_relay_config(load("")->config.media).busy_poll, std::chrono::microseconds(50));
  EXPECT_EQ(media.ng_listen, "127.0.0.1:2223");
  EXPECT_EQ(to_media_relay_config(load("")->config.media).ng_listen, "");
  EXPECT_EQ(media.data_path, MediaDataPath::steered);
  EXPECT_EQ(to_media_relay_config(load("")->config.media).data_path, MediaDataPath::sockets);
}

TEST(ConfigLoader, RealmDefaultsToTheDomain) {
  auto loaded = load("[sip]\ndomain = \"example.test\"\n");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->config.sip.effective_realm(), "example.test");
}

TEST(ConfigLoader, FlagOverridesTheFile) {
  auto loaded = load("[sip]\nlisten = [\"127.0.0.1:5070\"]\n[media]\nport_min = 25000\n",
                     {flag("--sip-listen", "127.0.0.1:5080,127.0.0.2:5080"),
                      flag("--media-port-min", "22000"), flag("--log-level", "warning")});
  ASSERT_TRUE(loaded) << loaded.error().describe();
  ASSERT_EQ(loaded->config.sip.listen.size(), 2U);
  EXPECT_EQ(loaded->config.sip.listen[0].port(), 5080);
  EXPECT_EQ(loaded->config.media.port_min, 22000);
  EXPECT_EQ(loaded->config.log.level, LogLevel::warning);
  EXPECT_EQ(loaded->values.at("media.port_min"), "22000");
}

struct BadConfig {
  const char* name;
  const char* toml;
  const char* location;  // "relay.toml:<line>:<column>" or "flag ..." or "default"
  const char* key;
  const char* reason;
};

// Names the case in test output instead of dumping its bytes.
void PrintTo(const BadConfig& value, std::ostream* out) {
  *out << value.name;
}

class ConfigLoaderRejects : public ::testing::TestWithParam<BadConfig> {};

TEST_P(ConfigLoaderRejects, NamingLineColumnAndKey) {
  auto loaded = load(GetParam().toml);
  ASSERT_FALSE(loaded.has_value());
  const std::string message = loaded.error().describe();
  EXPECT_NE(message.find(GetParam().location), std::string::npos) << message;
  EXPECT_NE(message.find(GetParam().key), std::string::npos) << message;
  EXPECT_NE(message.find(GetParam().reason), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ConfigLoaderRejects,
    ::testing::Values(
        BadConfig{"UnknownKey", "[sip]\ndomain = \"a\"\nflow_timr = 30\n", "relay.toml:3:1",
                  "sip.flow_timr", "unknown key"},
        BadConfig{"UnknownTable", "[sipp]\nlisten = 1\n", "relay.toml:1:", "sipp", "unknown table"},
        BadConfig{"TopLevelKey", "domain = \"x\"\n", "relay.toml:1:1", "domain", "unknown key"},
        BadConfig{"NestedTable", "[sip.extra]\na = 1\n", "relay.toml:1:", "sip.extra",
                  "unknown key"},
        BadConfig{"WrongTypeStringForInteger", "[sip]\n\nflow_timer = \"30\"\n", "relay.toml:3:1",
                  "sip.flow_timer", "expected an integer, found a string"},
        BadConfig{"WrongTypeIntegerForString", "[store]\nbackend = 1\n", "relay.toml:2:1",
                  "store.backend", "expected a string, found an integer"},
        BadConfig{"WrongTypeInArray", "[sip]\nlisten = [\"127.0.0.1:5060\", 5]\n", "relay.toml:2:1",
                  "sip.listen", "expected an array"},
        BadConfig{"WrongTypeFloatForBool", "[media]\nmedia_handover = 1.5\n", "relay.toml:2:1",
                  "media.media_handover", "expected a boolean"},
        BadConfig{"OutOfRange", "[media]\n  port_min = 80\n", "relay.toml:2:3", "media.port_min",
                  "outside 1024..65535"},
        BadConfig{"DurationOutOfRange", "[media]\nidle_timeout = \"0s\"\n", "relay.toml:2:1",
                  "media.idle_timeout", "outside"},
        BadConfig{"BadDurationUnit", "[media]\nidle_timeout = \"5 fortnights\"\n", "relay.toml:2:1",
                  "media.idle_timeout", "not one of ms, s, m, h"},
        BadConfig{"BadChoice", "[log]\nlevel = \"loud\"\n", "relay.toml:2:1", "log.level",
                  "not one of error|warning|notice|info|debug"},
        BadConfig{"BadMediaDataPath", "[media]\nport_min = 40000\ndata_path = \"xdp\"\n",
                  "relay.toml:3:1", "media.data_path", "not one of sockets|steered"},
        BadConfig{"BadAddress", "[http]\nmetrics_listen = \"localhost:80\"\n", "relay.toml:2:1",
                  "http.metrics_listen", "not an IPv4 address"},
        BadConfig{"WildcardMediaBind", "[media]\nbind_address = \"0.0.0.0\"\n", "relay.toml:2:1",
                  "media.bind_address", "is the wildcard"},
        BadConfig{"BadIp", "[media]\nbind_address = \"1.2.3\"\n", "relay.toml:2:1",
                  "media.bind_address", "not a numeric"},
        BadConfig{"EmptyListenList", "[sip]\nlisten = []\n", "relay.toml:2:1", "sip.listen",
                  "needs at least one address"},
        BadConfig{"SyntaxError", "[sip]\ndomain = \n", "relay.toml:2:", "TOML syntax", ""},
        BadConfig{"DuplicateKey", "[sip]\ndomain = \"a\"\ndomain = \"b\"\n",
                  "relay.toml:3:", "TOML syntax", ""},
        BadConfig{"PortsInverted", "[media]\nport_min = 50000\nport_max = 40000\n",
                  "relay.toml:3:1", "media.port_max = 40000 is not above media.port_min = 50000",
                  ""},
        BadConfig{"ExpiresInverted", "[sip]\nmin_expires = 600\nmax_expires = 60\n",
                  "relay.toml:3:1", "sip.max_expires = 60 is below sip.min_expires = 600", ""},
        BadConfig{"DefaultExpiresOutsideBounds", "[sip]\ndefault_expires = 10\n", "relay.toml:2:1",
                  "sip.default_expires = 10 is below sip.min_expires = 60", ""},
        BadConfig{"MinExpiresAboveDefault", "[sip]\nmin_expires = 900\n", "relay.toml:2:1",
                  "sip.min_expires", "sip.default_expires = 600 is below"},
        BadConfig{"PeerWithoutAddress", "[sip]\npeers = \"proxy-b\"\n", "relay.toml:2:1",
                  "sip.peers", "'proxy-b' has no proxy id"},
        BadConfig{"PeerWithAHostName", "[sip]\npeers = \"b=proxy-b.test:5060\"\n", "relay.toml:2:1",
                  "sip.peers", "peer 'b'"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(ConfigLoader, BadFlagIsNamedByFlagAndKey) {
  auto loaded = load("", {flag("--media-workers", "many")});
  ASSERT_FALSE(loaded);
  const std::string message = loaded.error().describe();
  EXPECT_NE(message.find("flag --media-workers"), std::string::npos) << message;
  EXPECT_NE(message.find("media.workers"), std::string::npos) << message;
}

TEST(ConfigLoader, RelationErrorPointsAtTheExplicitlySetKey) {
  auto loaded = load("[media]\nport_min = 45000\n");
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().describe().find("relay.toml:2:1: media.port_max = 29999 is not above "
                                           "media.port_min = 45000"),
            std::string::npos)
      << loaded.error().describe();
}

TEST(ConfigLoader, MissingFileIsNamed) {
  auto loaded = load_config(std::string("/nonexistent/relay.toml"), {});
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().describe().find("/nonexistent/relay.toml"), std::string::npos);
}

TEST(ConfigLoader, DiffSeparatesLiveChangesFromRestartOnes) {
  auto before = load("[log]\nlevel = \"info\"\n[limits]\nregister_rate = 8\n");
  auto after =
      load("[log]\nlevel = \"debug\"\n[limits]\nregister_rate = 8\n[sip]\ndomain = \"other\"\n");
  ASSERT_TRUE(before && after);
  const auto changes = diff_settings(*before, *after);
  ASSERT_EQ(changes.size(), 2U);
  EXPECT_EQ(changes[0].key, "sip.domain");
  EXPECT_FALSE(changes[0].live);
  EXPECT_EQ(changes[1].key, "log.level");
  EXPECT_EQ(changes[1].old_value, "info");
  EXPECT_EQ(changes[1].new_value, "debug");
  EXPECT_TRUE(changes[1].live);
}

Result<CommandLine> parse(std::vector<std::string_view> args) {
  return parse_command_line(args);
}

TEST(CommandLine, ConfigCheckAndFlagsInBothForms) {
  auto line = parse(
      {"--config", "r.toml", "--check-config", "--sip-domain=a.test", "--media-port-max", "45000"});
  ASSERT_TRUE(line) << line.error().describe();
  EXPECT_EQ(line->mode, RunMode::check_config);
  EXPECT_EQ(line->config_path, "r.toml");
  ASSERT_EQ(line->flags.size(), 2U);
  EXPECT_EQ(line->flags[0].spec->key, "sip.domain");
  EXPECT_EQ(line->flags[0].text, "a.test");
  EXPECT_EQ(line->flags[1].text, "45000");
}

TEST(CommandLine, UserSubcommandCollectsActionUserAndRealm) {
  auto line = parse({"--config", "r.toml", "user", "add", "alice", "--realm", "R"});
  ASSERT_TRUE(line) << line.error().describe();
  EXPECT_EQ(line->mode, RunMode::user);
  EXPECT_EQ(line->user_arguments, (std::vector<std::string>{"add", "alice"}));
  EXPECT_EQ(line->realm, "R");
}

TEST(CommandLine, RejectsUnknownOptionsMissingValuesAndStrayArguments) {
  EXPECT_FALSE(parse({"--no-such-flag", "1"}));
  EXPECT_FALSE(parse({"--sip-domain"}));
  EXPECT_FALSE(parse({"stray"}));
  EXPECT_FALSE(parse({"--realm", "R"}));  // only for `user`
}

}  // namespace
}  // namespace tipring::relay
