// Test scaffolding for the proxy core: a ProxyCore over a real SQLite directory in a temp
// dir, a fake clock, and REGISTER/OPTIONS text written as a UA would send it.
#pragma once

#include "protocol/sip/digest_client.h"
#include "relay_server/proxy/proxy_core.h"
#include "relay_server/store/ha1.h"
#include "relay_server/store/sqlite_directory.h"
#include "tests/relay_server/temp_dir.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace tipring::relay::testing {

inline constexpr std::string_view kDomain = "tipring.test";

struct RegisterText {
  std::string user = "alice";
  std::string call_id = "reg-1@10.0.0.5";
  std::uint32_t cseq = 1;
  std::vector<std::string> contacts = {"<sip:alice@10.0.0.5:5060>"};
  std::optional<std::uint32_t> expires = 600;
  std::vector<std::string> extra_headers;
  std::string authorization;
};

inline std::string register_text(const RegisterText& r, const std::string& branch) {
  std::string text =
      "REGISTER sip:tipring.test SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK" +
      branch +
      ";rport\r\n"
      "Max-Forwards: 70\r\n"
      "From: <sip:" +
      r.user + "@tipring.test>;tag=f" + branch + "\r\nTo: <sip:" + r.user +
      "@tipring.test>\r\nCall-ID: " + r.call_id + "\r\nCSeq: " + std::to_string(r.cseq) +
      " REGISTER\r\n";
  for (const auto& contact : r.contacts) {
    text += "Contact: " + contact + "\r\n";
  }
  if (r.expires) {
    text += "Expires: " + std::to_string(*r.expires) + "\r\n";
  }
  for (const auto& header : r.extra_headers) {
    text += header + "\r\n";
  }
  if (!r.authorization.empty()) {
    text += "Authorization: " + r.authorization + "\r\n";
  }
  return text + "Content-Length: 0\r\n\r\n";
}

class ProxyCoreFixture : public ::testing::Test {
protected:
  ProxyCoreFixture() {
    directory_ = *SqliteDirectory::open(dir_.file("relay.db"));
    EXPECT_TRUE(directory_->put_user(make_user_record("alice", kDomain, "alice-secret")));
    EXPECT_TRUE(directory_->put_user(make_user_record("bob", kDomain, "bob-secret")));
  }

  ProxyCore& core() {
    if (!core_) {
      ProxyCoreConfig config;
      config.registrar.domain = std::string(kDomain);
      config.registrar.proxy_id = "proxy-a";
      config.registrar.min_expires_s = 60;
      config.registrar.max_expires_s = 3600;
      config.digest.realm = std::string(kDomain);
      config.socket_names = {"udp:127.0.0.1:5060", "udp:127.0.0.2:5060"};
      config.max_message_size = 4096;
      config.max_transactions = max_transactions_;
      if (configure_) {
        configure_(config);
      }
      core_ = std::make_unique<ProxyCore>(config, *directory_, random_, secret_, admission_);
    }
    return *core_;
  }

  // Feeds one datagram and returns everything the core wants to send.
  std::vector<Outgoing> send(std::string_view bytes, const sip::Peer& from = nat_peer(),
                             std::size_t socket = 0) {
    core().on_datagram(bytes, from, socket, clock_);
    std::vector<Outgoing> out;
    while (auto next = core().poll_outgoing()) {
      out.push_back(std::move(*next));
    }
    return out;
  }

  // The single response the core answered `bytes` with.
  sip::Message answer(std::string_view bytes, const sip::Peer& from = nat_peer(),
                      std::size_t socket = 0) {
    auto out = send(bytes, from, socket);
    EXPECT_EQ(out.size(), 1U) << bytes;
    if (out.empty()) {
      return sip::Message::response(999);
    }
    auto parsed = sip::Message::parse(out.front().bytes);
    EXPECT_TRUE(parsed) << out.front().bytes;
    return parsed ? std::move(*parsed) : sip::Message::response(999);
  }

  // REGISTER, answer the 401 with `password`, and return the final response.
  sip::Message register_with(RegisterText request, std::string_view password) {
    const auto challenge = answer(register_text(request, next_branch()));
    EXPECT_EQ(challenge.status_code(), 401);
    request.authorization = answer_challenge(challenge, request.user, password);
    ++request.cseq;
    return answer(register_text(request, next_branch()));
  }

  std::string answer_challenge(const sip::Message& challenge, std::string_view user,
                               std::string_view password) {
    std::vector<sip::DigestChallenge> offered;
    for (std::size_t i = 0; i < challenge.header_count(); ++i) {
      if (challenge.header(i).id == sip::HeaderId::WwwAuthenticate) {
        offered.push_back(*sip::parse_digest_challenge(challenge.header(i).value));
      }
    }
    client_ =
        std::make_unique<sip::DigestClient>(std::string(user), std::string(password), random_);
    client_->on_challenges(offered);
    auto credentials = client_->authorize("REGISTER", "sip:tipring.test");
    EXPECT_EQ(credentials.size(), 1U);
    return credentials.empty() ? std::string() : sip::format_digest_credentials(credentials[0]);
  }

  std::string next_branch() { return "b" + std::to_string(++branch_counter_); }

  // The client sits behind a NAT: the source differs from what its Via and Contact say.
  static sip::Peer nat_peer() { return {"192.0.2.10", 40123, sip::Transport::udp}; }

  std::vector<Binding> bindings(std::string_view aor = "sip:alice@tipring.test") {
    return *directory_->bindings_for(aor, clock_.wall);
  }

  TempDir dir_;
  std::unique_ptr<SqliteDirectory> directory_;
  SeededRandom random_{42};
  std::vector<std::uint8_t> secret_ = std::vector<std::uint8_t>(32, 0x5a);
  ProxyCore::Admission admission_;
  std::size_t max_transactions_ = 1000;
  std::function<void(ProxyCoreConfig&)> configure_;  // before the core is built
  Clock clock_{TimePoint{std::chrono::hours(1)}, UnixSeconds{std::chrono::seconds(1'800'000'000)}};
  std::unique_ptr<ProxyCore> core_;
  std::unique_ptr<sip::DigestClient> client_;
  int branch_counter_ = 0;
};

}  // namespace tipring::relay::testing
