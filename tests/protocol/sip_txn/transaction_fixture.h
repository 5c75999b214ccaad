// A fake network and clock around a TransactionLayer: tests jump straight to the next
// deadline (as quinn's Pair::step() does), so a 32 s Timer B runs in microseconds of CPU
// and its exact deadline can be asserted.
#pragma once

#include "protocol/sip/transaction_layer.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace tipring::sip::testing {

using std::chrono::milliseconds;
using std::chrono::seconds;

inline const Peer kUdpPeer{"192.0.2.10", 5060, Transport::udp};
inline const Peer kTcpPeer{"192.0.2.10", 5060, Transport::tcp};

inline Message parse_or_fail(const std::string& text) {
  auto message = Message::parse(text);
  EXPECT_TRUE(message) << (message ? "" : message.error().describe()) << "\n" << text;
  return message ? std::move(*message) : Message{};
}

inline Message request(std::string_view method, std::string_view branch, std::uint32_t cseq = 1,
                       std::string_view sent_by = "192.0.2.1:5060",
                       std::string_view call_id = "call-1@192.0.2.1") {
  std::string text = std::string(method) + " sip:bob@example.com SIP/2.0\r\n";
  text += "Via: SIP/2.0/UDP " + std::string(sent_by) + ";branch=" + std::string(branch) + "\r\n";
  text += "Max-Forwards: 70\r\n";
  text += "Route: <sip:proxy.example.com;lr>\r\n";
  text += "From: Alice <sip:alice@example.com>;tag=from-1\r\n";
  text += "To: Bob <sip:bob@example.com>\r\n";
  text += "Call-ID: " + std::string(call_id) + "\r\n";
  text += "CSeq: " + std::to_string(cseq) + " " + std::string(method) + "\r\n";
  text += "Contact: <sip:alice@192.0.2.1:5060>\r\n";
  text += "Content-Length: 0\r\n\r\n";
  return parse_or_fail(text);
}

// A response as the far end would send it, To tag added for codes above 100.
inline Message response(const Message& to_request, int code, std::string_view tag = "to-1") {
  return make_response(to_request, code, {}, code > 100 ? tag : std::string_view{});
}

struct Sent {
  TimePoint at;
  Message message;
  Peer peer;
};

class FakeNetwork {
public:
  explicit FakeNetwork(TransactionLayerConfig config = {}) : layer(random, config) {}

  // Collects everything the layer wants sent or reported at time `now`.
  void drain() {
    while (auto datagram = layer.poll_datagram()) {
      sent.push_back(Sent{now, parse_or_fail(datagram->bytes), datagram->peer});
    }
    while (auto event = layer.poll_event()) {
      events.push_back(std::move(*event));
    }
  }

  // Jumps to the next deadline and fires it; false if nothing is scheduled.
  bool step() {
    const TimePoint deadline = layer.next_deadline();
    if (deadline == TimePoint::max()) {
      return false;
    }
    now = deadline;
    layer.on_timer(now);
    drain();
    return true;
  }

  // Steps until time `until` (inclusive) without going past it.
  void run_until(TimePoint until) {
    while (layer.next_deadline() <= until) {
      step();
    }
    now = until;
  }

  void deliver(const Message& message, const Peer& from = kUdpPeer) {
    auto accepted = layer.on_message(message, from, now);
    EXPECT_TRUE(accepted) << (accepted ? "" : accepted.error().describe());
    drain();
  }

  [[nodiscard]] std::vector<TransactionEventKind> event_kinds() const {
    std::vector<TransactionEventKind> kinds;
    for (const auto& e : events) {
      kinds.push_back(e.kind);
    }
    return kinds;
  }

  // Times (µs since start) at which messages were sent.
  [[nodiscard]] std::vector<std::int64_t> send_times_us() const {
    std::vector<std::int64_t> times;
    for (const auto& s : sent) {
      times.push_back(s.at.since_epoch.count());
    }
    return times;
  }

  void clear() {
    sent.clear();
    events.clear();
  }

  SeededRandom random{42};
  TransactionLayer layer;
  TimePoint now{};
  std::vector<Sent> sent;
  std::vector<TransactionEvent> events;
};

}  // namespace tipring::sip::testing
