// The tipring-relay executable end to end over loopback: configuration from a file,
// /metrics and /health, the SIP socket's silence, SIGHUP reload, SIGTERM shutdown, the
// `user` subcommand and --check-config.
#include "relay_server/app/datagram_socket.h"
#include "relay_server/app/directory_backend.h"
#include "relay_server/store/sqlite_directory.h"
#include "tests/relay_server/app/child_process.h"
#include "tests/relay_server/app/http_client.h"
#include "tests/relay_server/temp_dir.h"

#include <array>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>

#include <gtest/gtest.h>

namespace tipring::relay {
namespace {

const std::string kBinary = TIPRING_RELAY_BINARY;

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string base_config(const TempDir& dir, const std::string& extra = "") {
  return "[sip]\nlisten = [\"127.0.0.1:0\"]\ndomain = \"example.test\"\n" + extra +
         "[http]\nmetrics_listen = \"127.0.0.1:0\"\n"
         "[store]\nsqlite_path = \"" +
         dir.file("relay.sqlite") +
         "\"\n"
         "[log]\nsyslog_prefix = \"never\"\n";
}

// "key=value" from a key=value log line.
std::string field_of(const std::string& line, const std::string& key) {
  std::smatch match;
  if (std::regex_search(line, match, std::regex(key + "=(\"[^\"]*\"|\\S+)"))) {
    std::string value = match[1];
    return value.front() == '"' ? value.substr(1, value.size() - 2) : value;
  }
  return {};
}

std::string get(const SocketAddress& http, const std::string& path) {
  return http_exchange(http, "GET " + path + " HTTP/1.1\r\nHost: relay\r\n\r\n");
}

TEST(RelayBinary, ServesMetricsStaysSilentOnSipReloadsOnSighupAndStopsOnSigterm) {
  TempDir dir;
  const auto config = dir.file("relay.toml");
  write_file(config, base_config(dir));
  ChildProcess relay(kBinary, {"--config", config});
  const auto ready = relay.wait_for_line("tipring-relay ready");
  ASSERT_TRUE(ready) << relay.stderr_text();
  const auto http = SocketAddress::parse(field_of(*ready, "http"));
  const auto sip = SocketAddress::parse(field_of(*ready, "sip"));
  ASSERT_TRUE(http && sip) << *ready;

  const auto health = get(*http, "/health");
  EXPECT_TRUE(health.starts_with("HTTP/1.1 200 OK\r\n")) << health;
  EXPECT_TRUE(health.ends_with("\r\n\r\nok\n")) << health;

  // A request without Via/From/To/Call-ID/CSeq cannot be answered: counted, then silence.
  auto client = DatagramSocket::bind(SocketAddress::ipv4_loopback(0));
  ASSERT_TRUE(client);
  const std::string options = "OPTIONS sip:example.test SIP/2.0\r\nContent-Length: 0\r\n\r\n";
  ASSERT_TRUE(client->send_to(std::as_bytes(std::span(options)), *sip));
  std::string metrics;
  for (int i = 0; i < 100; ++i) {
    metrics = get(*http, "/metrics");
    if (metrics.find("tipring_relay_sip_datagrams_unhandled_total 1\n") != std::string::npos) {
      break;
    }
  }
  EXPECT_TRUE(metrics.starts_with("HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4"))
      << metrics;
  EXPECT_NE(metrics.find("tipring_relay_sip_datagrams_received_total 1\n"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("tipring_relay_sip_datagrams_unhandled_total 1\n"), std::string::npos);
  EXPECT_NE(metrics.find("# TYPE tipring_relay_registrations gauge\ntipring_relay_registrations 0"),
            std::string::npos);
  EXPECT_NE(metrics.find("tipring_relay_rate_limited_total{method=\"INVITE\"} 0"),
            std::string::npos);
  std::array<std::byte, 512> buffer{};
  auto answer = client->receive(buffer);
  ASSERT_TRUE(answer);
  EXPECT_FALSE(answer->has_value()) << "the relay answered SIP without a SIP layer";

  // SIGHUP: a live change is applied, a restart-only change is reported as such.
  write_file(config, base_config(dir, "flow_timer = 40\n") +
                         "level = \"debug\"\n[limits]\nregister_rate = 2\n");
  ASSERT_TRUE(relay.signal(SIGHUP));
  const auto reloaded = relay.wait_for_line("configuration reloaded");
  ASSERT_TRUE(reloaded) << relay.stderr_text();
  EXPECT_EQ(field_of(*reloaded, "changes"), "3");
  const auto all = relay.stderr_text();
  EXPECT_NE(all.find("key=log.level from=info to=debug applied=now"), std::string::npos) << all;
  EXPECT_NE(all.find("key=limits.register_rate from=8 to=2 applied=now"), std::string::npos);
  EXPECT_NE(all.find("key=sip.flow_timer from=25 to=40 applied=\"after restart\""),
            std::string::npos);
  metrics = get(*http, "/metrics");
  EXPECT_NE(metrics.find("tipring_relay_config_reloads_total{result=\"applied\"} 1"),
            std::string::npos);

  // A broken file on SIGHUP is rejected and the relay keeps serving.
  write_file(config, "[sip]\nflow_timer = \"soon\"\n");
  ASSERT_TRUE(relay.signal(SIGHUP));
  const auto rejected = relay.wait_for_line("reload rejected");
  ASSERT_TRUE(rejected) << relay.stderr_text();
  EXPECT_NE(rejected->find("relay.toml:2:1: sip.flow_timer"), std::string::npos) << *rejected;
  EXPECT_TRUE(get(*http, "/health").starts_with("HTTP/1.1 200 OK"));

  ASSERT_TRUE(relay.signal(SIGTERM));
  relay.finish();
  EXPECT_EQ(relay.exit_code(), 0) << relay.stderr_text();
  EXPECT_NE(relay.stderr_text().find("msg=\"tipring-relay stopped\""), std::string::npos);
}

// Scrapes the registrations gauge from a freshly started relay, then stops it.
std::string registrations_after_start(const std::string& config) {
  ChildProcess relay(kBinary, {"--config", config});
  const auto ready = relay.wait_for_line("tipring-relay ready");
  if (!ready) {
    return "not ready: " + relay.stderr_text();
  }
  const auto metrics = get(*SocketAddress::parse(field_of(*ready, "http")), "/metrics");
  std::smatch match;
  std::regex_search(metrics, match, std::regex("\ntipring_relay_registrations (\\S+)\n"));
  relay.signal(SIGTERM);
  relay.finish();
  return relay.exit_code() == 0 ? std::string(match[1]) : "bad exit: " + relay.stderr_text();
}

TEST(RelayBinary, StoredBindingsSurviveRestarts) {
  TempDir dir;
  const auto config = dir.file("relay.toml");
  write_file(config, base_config(dir));
  {
    auto directory = SqliteDirectory::open(dir.file("relay.sqlite"));
    ASSERT_TRUE(directory);
    Binding binding;
    binding.aor = "sip:alice@example.test";
    binding.contact_uri = "sip:alice@198.18.0.7:40000";
    binding.expires_at = unix_now() + std::chrono::hours(1);
    binding.flow = Flow{"udp", "198.18.0.7", 40000, "127.0.0.1:5060"};
    ASSERT_TRUE((*directory)->put_binding(binding, unix_now()));
  }
  EXPECT_EQ(registrations_after_start(config), "1");
  EXPECT_EQ(registrations_after_start(config), "1");  // and again after a SIGTERM restart
}

TEST(RelayBinary, MediaRelayRunsInProcessAnswersNgAndExportsItsMetrics) {
  TempDir dir;
  const auto config = dir.file("relay.toml");
  write_file(config, base_config(dir));
  ChildProcess relay(kBinary, {"--config", config, "--media-ng-listen", "127.0.0.1:0"});
  const auto ready = relay.wait_for_line("tipring-relay ready");
  ASSERT_TRUE(ready) << relay.stderr_text();
  const auto media = relay.stderr_text();
  const auto started = media.find("msg=\"media relay started\"");
  ASSERT_NE(started, std::string::npos) << media;
  const auto ng_port = field_of(media.substr(started), "ng");
  ASSERT_NE(ng_port, "off");

  // The rtpengine ng "ping" over the control socket (cookie, space, bencoded dictionary).
  auto client = DatagramSocket::bind(SocketAddress::ipv4_loopback(0));
  ASSERT_TRUE(client);
  const std::string ping = "c00kie d7:command4:pinge";
  ASSERT_TRUE(client->send_to(
      std::as_bytes(std::span(ping)),
      SocketAddress::ipv4_loopback(static_cast<std::uint16_t>(std::stoi(ng_port)))));
  std::array<std::byte, 256> buffer{};
  std::string reply;
  for (int i = 0; i < 200 && reply.empty(); ++i) {
    auto got = client->receive(buffer);
    if (got && got->has_value()) {
      reply.assign(reinterpret_cast<const char*>(buffer.data()), (*got)->length);
    } else {
      ::usleep(10000);
    }
  }
  EXPECT_EQ(reply, "c00kie d6:result4:ponge");

  const auto metrics = get(*SocketAddress::parse(field_of(*ready, "http")), "/metrics");
  EXPECT_NE(metrics.find("tipring_relay_media_sessions"), std::string::npos) << metrics;
  ASSERT_TRUE(relay.signal(SIGTERM));
  relay.finish();
  EXPECT_EQ(relay.exit_code(), 0) << relay.stderr_text();
}

TEST(RelayBinary, StartUpFailureIsLoggedAndExitsNonZero) {
  TempDir dir;
  auto taken = DatagramSocket::bind(SocketAddress::ipv4_loopback(0));
  ASSERT_TRUE(taken);
  const auto config = dir.file("relay.toml");
  write_file(config, base_config(dir));
  ChildProcess relay(kBinary,
                     {"--config", config, "--sip-listen", taken->local_address().to_string()});
  relay.finish();
  EXPECT_EQ(relay.exit_code(), 1);
  EXPECT_NE(relay.stderr_text().find("start-up failed"), std::string::npos);
  EXPECT_NE(relay.stderr_text().find(taken->local_address().to_string()), std::string::npos);
}

int run(const std::vector<std::string>& arguments, const std::string& input, std::string* out,
        std::string* err = nullptr) {
  ChildProcess child(kBinary, arguments);
  child.write_stdin(input);
  child.close_stdin();
  *out = child.finish();
  if (err != nullptr) {
    *err = child.stderr_text();
  }
  return child.exit_code();
}

TEST(RelayBinary, UserSubcommandKeepsOnlyDigestsInTheStore) {
  TempDir dir;
  const auto config = dir.file("relay.toml");
  write_file(config, base_config(dir));
  std::string out;
  std::string err;
  EXPECT_EQ(run({"user", "add", "alice", "--config", config, "--realm", "tipring"}, "s3cret-Pa55\n",
                &out, &err),
            0)
      << err;
  EXPECT_EQ(
      run({"user", "add", "alice", "--config", config, "--realm", "tipring"}, "x\n", &out, &err),
      1);
  EXPECT_NE(err.find("already exists"), std::string::npos);
  EXPECT_EQ(run({"user", "add", "bob", "--config", config}, "\n", &out, &err), 1);
  EXPECT_NE(err.find("empty password"), std::string::npos);
  EXPECT_EQ(run({"user", "list", "--config", config}, "", &out), 0);
  EXPECT_EQ(out, "alice\ttipring\n");

  std::string stored;
  for (const char* suffix : {"", "-wal"}) {
    stored += read_file(dir.file(std::string("relay.sqlite") + suffix));
  }
  EXPECT_EQ(stored.find("s3cret-Pa55"), std::string::npos) << "cleartext password in the store";
  EXPECT_NE(stored.find("alice"), std::string::npos);

  EXPECT_EQ(run({"user", "passwd", "carol", "--config", config}, "pw\n", &out, &err), 1);
  EXPECT_EQ(run({"user", "del", "alice", "--config", config, "--realm", "tipring"}, "", &out), 0);
  EXPECT_EQ(run({"user", "list", "--config", config}, "", &out), 0);
  EXPECT_EQ(out, "");
  EXPECT_EQ(run({"user", "frobnicate", "--config", config}, "", &out), 2);
}

TEST(RelayBinary, CheckConfigNamesTheFileLineAndKey) {
  TempDir dir;
  const auto config = dir.file("relay.toml");
  write_file(config, "[sip]\ndomain = \"a\"\nmin_expirs = 5\n");
  std::string out;
  std::string err;
  EXPECT_EQ(run({"--config", config, "--check-config"}, "", &out, &err), 2);
  EXPECT_NE(err.find(config + ":3:1: unknown key 'sip.min_expirs'"), std::string::npos) << err;
  write_file(config, base_config(dir));
  EXPECT_EQ(run({"--config", config, "--check-config"}, "", &out, &err), 0) << err;
  EXPECT_EQ(run({"--config", config, "--check-config", "--media-port-min", "80"}, "", &out, &err),
            2);
  EXPECT_NE(err.find("flag --media-port-min: media.port_min: 80 is outside 1024..65535"),
            std::string::npos)
      << err;
}

TEST(RelayBinary, HelpIsGeneratedFromTheSettingTable) {
  std::string out;
  EXPECT_EQ(run({"--help"}, "", &out), 0);
  EXPECT_NE(out.find("--sip-listen"), std::string::npos);
  EXPECT_NE(out.find("key limits.register_rate, default \"8\" (live)"), std::string::npos) << out;
}

}  // namespace
}  // namespace tipring::relay
