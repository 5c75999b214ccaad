// RelayProcess: the tipring-relay binary as a black box for an integration test — an SQLite
// store with the test's users and a relay.toml in a temp dir, SIP on loopback, started and
// awaited ("tipring-relay ready"), restarted with SIGTERM (which must exit 0), and stopped by
// PID (ChildProcess). Beside it, what the tests need to talk SIP to it over UDP.
#pragma once

#include "protocol/core/random.h"
#include "protocol/sip/digest_client.h"
#include "protocol/sip/message.h"
#include "relay_server/app/datagram_socket.h"
#include "relay_server/store/ha1.h"
#include "relay_server/store/sqlite_directory.h"
#include "tests/relay_server/app/child_process.h"
#include "tests/relay_server/media/udp_peer.h"
#include "tests/relay_server/temp_dir.h"

#include <chrono>
#include <csignal>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace tipring::relay::testing {

struct RelayProcessOptions {
  std::string domain = "example.test";
  std::vector<std::pair<std::string, std::string>> users;  // name, password
  // 0: the relay picks a port; a fixed one (free_loopback_port) when it must come back on it
  // after a restart.
  std::uint16_t sip_port = 0;
  std::string sip_settings;    // more [sip] lines
  std::string media_settings;  // [media] lines; none: no media section
};

class RelayProcess {
public:
  RelayProcess(std::string binary, RelayProcessOptions options)
      : binary_(std::move(binary)), options_(std::move(options)) {}

  // Writes the store and the configuration, then starts the relay.
  ::testing::AssertionResult start() {
    if (!configured_) {
      if (auto written = configure(); !written) {
        return written;
      }
      configured_ = true;
    }
    process_ = std::make_unique<ChildProcess>(
        binary_, std::vector<std::string>{"--config", dir_.file("relay.toml")});
    const auto ready = process_->wait_for_line("tipring-relay ready");
    if (!ready) {
      return ::testing::AssertionFailure() << "relay did not start: " << log();
    }
    std::smatch match;
    if (!std::regex_search(*ready, match, std::regex("sip=([0-9.]+):([0-9]+)"))) {
      return ::testing::AssertionFailure() << "no sip= in: " << *ready;
    }
    sip_ = Endpoint{*IpAddress::parse(match[1].str()),
                    static_cast<std::uint16_t>(std::stoi(match[2].str()))};
    return ::testing::AssertionSuccess();
  }

  // SIGTERM (a graceful stop exits 0), then the same configuration and store again.
  ::testing::AssertionResult restart() {
    if (!process_ || !process_->signal(SIGTERM)) {
      return ::testing::AssertionFailure() << "relay not running";
    }
    (void)process_->finish();
    if (process_->exit_code() != 0) {
      return ::testing::AssertionFailure()
             << "relay exited " << process_->exit_code() << ": " << log();
    }
    return start();
  }

  // Stops it now, by PID.
  void stop() { process_.reset(); }

  [[nodiscard]] const Endpoint& sip() const { return sip_; }
  [[nodiscard]] std::string log() const { return process_ ? process_->stderr_text() : ""; }
  [[nodiscard]] const TempDir& dir() const { return dir_; }

private:
  ::testing::AssertionResult configure() {
    auto directory = SqliteDirectory::open(dir_.file("relay.sqlite"));
    if (!directory) {
      return ::testing::AssertionFailure() << directory.error().describe();
    }
    for (const auto& [user, password] : options_.users) {
      if (!(*directory)->put_user(make_user_record(user, options_.domain, password))) {
        return ::testing::AssertionFailure() << "cannot add " << user;
      }
    }
    std::ofstream(dir_.file("relay.toml"))
        << "[sip]\nlisten = [\"127.0.0.1:" << options_.sip_port << "\"]\ndomain = \""
        << options_.domain << "\"\n"
        << options_.sip_settings
        << "[http]\nmetrics_listen = \"127.0.0.1:0\"\n"
           "[store]\nsqlite_path = \""
        << dir_.file("relay.sqlite") << "\"\n"
        << (options_.media_settings.empty() ? "" : "[media]\n") << options_.media_settings
        << "[log]\nsyslog_prefix = \"never\"\n";
    return ::testing::AssertionSuccess();
  }

  std::string binary_;
  RelayProcessOptions options_;
  TempDir dir_;
  bool configured_ = false;
  std::unique_ptr<ChildProcess> process_;
  Endpoint sip_;
};

// A free loopback UDP port (bound, read and released), so a relay can come back on it.
inline std::uint16_t free_loopback_port() {
  auto socket = DatagramSocket::bind(SocketAddress::ipv4_loopback(0));
  return socket ? socket->local_address().port() : 0;
}

inline std::vector<std::uint8_t> bytes_of(const std::string& text) {
  return {text.begin(), text.end()};
}

// The next SIP message `peer` receives that satisfies `wanted`, skipping up to 20 others;
// nullopt when nothing arrives within `wait`.
inline std::optional<sip::Message> next_sip(const UdpPeer& peer,
                                            const std::function<bool(const sip::Message&)>& wanted,
                                            std::chrono::milliseconds wait) {
  for (int i = 0; i < 20; ++i) {
    auto datagram = peer.receive(wait);
    if (!datagram) {
      return std::nullopt;
    }
    auto parsed = sip::Message::parse(std::string_view(
        reinterpret_cast<const char*>(datagram->bytes.data()), datagram->bytes.size()));
    if (parsed && wanted(*parsed)) {
      return std::move(*parsed);
    }
  }
  return std::nullopt;
}

inline bool is_final_response(const sip::Message& m) {
  return m.is_response() && m.status_code() >= 200;
}

// The Authorization (or Proxy-Authorization) value answering `challenge`'s `id` header
// fields for `user` with `password`, as a UA would send it for `method` `uri`.
inline std::string digest_answer(const sip::Message& challenge, sip::HeaderId id,
                                 const std::string& user, const std::string& password,
                                 const std::string& method, const std::string& uri) {
  std::vector<sip::DigestChallenge> offered;
  for (std::size_t i = 0; i < challenge.header_count(); ++i) {
    if (challenge.header(i).id == id) {
      offered.push_back(*sip::parse_digest_challenge(challenge.header(i).value));
    }
  }
  SeededRandom random(11);
  sip::DigestClient digest(user, password, random);
  digest.on_challenges(offered);
  const auto answers = digest.authorize(method, uri);
  return answers.empty() ? std::string() : sip::format_digest_credentials(answers[0]);
}

}  // namespace tipring::relay::testing
