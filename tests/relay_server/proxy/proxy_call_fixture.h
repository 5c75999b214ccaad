// Two fake user agents around one ProxyCore: alice and bob register from their NAT'ed
// sources, then requests and responses are written as those UAs would send them and the
// core's output is read back per destination. Fake clock throughout.
#pragma once

#include "tests/relay_server/proxy/sip_test_peer.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace tipring::relay::testing {

struct FakeUa {
  std::string user;
  sip::Peer flow;                              // the NAT'ed source address the proxy sees
  std::size_t socket = 0;                      // the proxy socket it talks to
  std::string contact_host = "10.0.0.5:5060";  // private address in Via/Contact
};

inline FakeUa alice_ua() {
  return {"alice", {"192.0.2.10", 40123, sip::Transport::udp}, 0, "10.0.0.5:5060"};
}
inline FakeUa bob_ua() {
  return {"bob", {"198.51.100.20", 40200, sip::Transport::udp}, 1, "10.0.1.7:5062"};
}

struct RequestText {
  std::string method = "INVITE";
  std::string request_uri = "sip:bob@tipring.test";
  std::string from_user = "alice";
  std::string from_tag = "atag";
  std::string to_uri = "sip:bob@tipring.test";
  std::string to_tag;
  std::string call_id = "call-1@10.0.0.5";
  std::uint32_t cseq = 1;
  std::string via_host = "10.0.0.5:5060";
  std::string branch = "z9hG4bKinv1";
  std::optional<std::uint32_t> max_forwards = 70;
  std::vector<std::string> routes;
  std::vector<std::string> extra_headers;
  std::string contact = "<sip:alice@10.0.0.5:5060>";
  std::string body;
  std::string cseq_method;  // defaults to method
};

inline std::string request_text(const RequestText& r) {
  std::string text = r.method + " " + r.request_uri + " SIP/2.0\r\n";
  text += "Via: SIP/2.0/UDP " + r.via_host + ";branch=" + r.branch + ";rport\r\n";
  if (r.max_forwards) {
    text += "Max-Forwards: " + std::to_string(*r.max_forwards) + "\r\n";
  }
  for (const auto& route : r.routes) {
    text += "Route: " + route + "\r\n";
  }
  text += "From: <sip:" + r.from_user + "@tipring.test>;tag=" + r.from_tag + "\r\n";
  text += "To: <" + r.to_uri + ">" + (r.to_tag.empty() ? "" : ";tag=" + r.to_tag) + "\r\n";
  text += "Call-ID: " + r.call_id + "\r\n";
  text += "CSeq: " + std::to_string(r.cseq) + " " +
          (r.cseq_method.empty() ? r.method : r.cseq_method) + "\r\n";
  if (!r.contact.empty()) {
    text += "Contact: " + r.contact + "\r\n";
  }
  for (const auto& header : r.extra_headers) {
    text += header + "\r\n";
  }
  if (!r.body.empty()) {
    text += "Content-Type: application/sdp\r\n";
  }
  text += "Content-Length: " + std::to_string(r.body.size()) + "\r\n\r\n" + r.body;
  return text;
}

// A response a UA writes to `request` (as it received it): Via, From, To, Call-ID, CSeq.
inline std::string response_text(const sip::Message& request, int status, std::string_view to_tag,
                                 std::string_view contact = {}, std::string_view body = {}) {
  auto response = sip::make_response(request, status, {}, to_tag);
  for (std::size_t i = 0; i < request.header_count(); ++i) {
    if (request.header(i).id == sip::HeaderId::RecordRoute && status < 300 && status > 100) {
      response.add_header(sip::HeaderId::RecordRoute, request.header(i).value);
    }
  }
  if (!contact.empty()) {
    response.add_header(sip::HeaderId::Contact, contact);
  }
  if (!body.empty()) {
    response.set_body(body, "application/sdp");
  }
  return response.serialize();
}

class ProxyCallFixture : public ProxyCoreFixture {
protected:
  // Registers `ua` with `contact` over its flow and socket.
  void register_ua(const FakeUa& ua, const std::string& contact, const std::string& call_id) {
    RegisterText request;
    request.user = ua.user;
    request.call_id = call_id;
    request.contacts = {contact};
    const auto challenge = answer(register_text(request, next_branch()), ua.flow, ua.socket);
    ASSERT_EQ(challenge.status_code(), 401);
    request.authorization = answer_challenge(challenge, ua.user, ua.user + "-secret");
    request.cseq = 2;
    const auto ok = answer(register_text(request, next_branch()), ua.flow, ua.socket);
    ASSERT_EQ(ok.status_code(), 200);
  }

  void register_both() {
    register_ua(alice_ua(), "<sip:alice@10.0.0.5:5060>", "reg-alice");
    register_ua(bob_ua(), "<sip:bob@10.0.1.7:5062>", "reg-bob");
  }

  // Digest credentials answering the 407 `challenge` for `method` `uri`.
  std::string proxy_credentials(const sip::Message& challenge, std::string_view user,
                                std::string_view password, std::string_view method,
                                std::string_view uri) {
    std::vector<sip::DigestChallenge> offered;
    for (std::size_t i = 0; i < challenge.header_count(); ++i) {
      if (challenge.header(i).id == sip::HeaderId::ProxyAuthenticate) {
        offered.push_back(*sip::parse_digest_challenge(challenge.header(i).value));
      }
    }
    invite_client_ =
        std::make_unique<sip::DigestClient>(std::string(user), std::string(password), random_);
    invite_client_->on_challenges(offered);
    auto credentials = invite_client_->authorize(method, uri);
    EXPECT_FALSE(credentials.empty());
    return credentials.empty() ? std::string() : sip::format_digest_credentials(credentials[0]);
  }

  // Sends `r` from alice, answers the 407 and returns what the core sent for the
  // authenticated request.
  std::vector<Outgoing> send_authenticated(RequestText r, const FakeUa& from = alice_ua(),
                                           std::string_view password = "alice-secret") {
    const auto first = send(request_text(r), from.flow, from.socket);
    auto found = first_final(first, from.flow);
    EXPECT_TRUE(found);
    const auto challenge = found ? *found : sip::Message::response(999);
    EXPECT_EQ(challenge.status_code(), 407);
    EXPECT_EQ(core().counters().responses_sent.count(407), 1U);
    // The ACK for the 407 goes to the server transaction.
    RequestText ack = r;
    ack.method = "ACK";
    ack.to_tag = std::string(challenge.to_tag());
    ack.body.clear();
    EXPECT_TRUE(send(request_text(ack), from.flow, from.socket).empty());
    r.extra_headers.push_back("Proxy-Authorization: " + proxy_credentials(challenge, r.from_user,
                                                                          password, r.method,
                                                                          r.request_uri));
    r.cseq += 1;
    r.branch += "x";
    return send(request_text(r), from.flow, from.socket);
  }

  // The datagrams of `out` sent to `peer`, parsed.
  static std::vector<sip::Message> sent_to(const std::vector<Outgoing>& out,
                                           const sip::Peer& peer) {
    std::vector<sip::Message> messages;
    for (const auto& datagram : out) {
      if (datagram.peer == peer) {
        if (auto parsed = sip::Message::parse(datagram.bytes)) {
          messages.push_back(std::move(*parsed));
        }
      }
    }
    return messages;
  }

  static std::optional<sip::Message> first_request(const std::vector<Outgoing>& out,
                                                   const sip::Peer& peer, sip::Method method) {
    for (auto& message : sent_to(out, peer)) {
      if (message.is_request() && message.method() == method) {
        return message;
      }
    }
    return std::nullopt;
  }

  // The first final (>= 200) response sent to `peer`.
  static std::optional<sip::Message> first_final(const std::vector<Outgoing>& out,
                                                 const sip::Peer& peer) {
    for (auto& message : sent_to(out, peer)) {
      if (message.is_response() && message.status_code() >= 200) {
        return message;
      }
    }
    return std::nullopt;
  }

  static std::optional<sip::Message> first_response(const std::vector<Outgoing>& out,
                                                    const sip::Peer& peer, int status) {
    for (auto& message : sent_to(out, peer)) {
      if (message.is_response() && message.status_code() == status) {
        return message;
      }
    }
    return std::nullopt;
  }

  // Advances the fake clock to the core's next deadline (at most `limit` ahead) and runs it.
  std::vector<Outgoing> advance(Duration by) {
    clock_.now += by;
    clock_.wall += std::chrono::duration_cast<std::chrono::seconds>(by);
    core().on_timer(clock_);
    std::vector<Outgoing> out;
    while (auto next = core().poll_outgoing()) {
      out.push_back(std::move(*next));
    }
    return out;
  }

  std::unique_ptr<sip::DigestClient> invite_client_;
};

}  // namespace tipring::relay::testing
