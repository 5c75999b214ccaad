// A datagram pipe between user agents in one test, on a fake clock: what one sends to an
// address is delivered to the user agent bound there, in order, until all are quiet. Time
// moves only when the test says so, jumping from deadline to deadline.
#pragma once

#include "client/ua/user_agent.h"

#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace tipring::client::testing {

struct Endpoint {
  UserAgent* ua = nullptr;
  sip::Peer address;
  std::vector<UaEvent> events;
};

class UaPipe {
public:
  void attach(UserAgent& ua) {
    endpoints_.push_back(
        Endpoint{&ua, {ua.config().local.host, ua.config().local.port, sip::Transport::udp}, {}});
  }

  // Delivers everything until no user agent has anything left to send.
  void run() {
    for (int round = 0; round < 1000; ++round) {
      bool moved = false;
      for (auto& from : endpoints_) {
        while (auto d = from.ua->poll_datagram()) {
          moved = true;
          sent.push_back(first_line(d->bytes));
          if (drop && drop(d->bytes)) {
            continue;
          }
          if (Endpoint* to = find(d->peer)) {
            to->ua->on_datagram(d->bytes, from.address, now);
          } else {
            unrouted.push_back(d->bytes);
          }
        }
      }
      collect_events();
      if (!moved) {
        return;
      }
    }
    ADD_FAILURE() << "the user agents kept talking for 1000 rounds";
  }

  // Moves the clock to `until`, firing every deadline on the way.
  void advance(Duration by) {
    const TimePoint until = now + by;
    for (int step = 0; step < 100000; ++step) {
      TimePoint next = TimePoint::max();
      for (auto& e : endpoints_) {
        next = std::min(next, e.ua->next_deadline());
      }
      if (next > until) {
        break;
      }
      now = std::max(now, next);
      for (auto& e : endpoints_) {
        if (e.ua->next_deadline() <= now) {
          e.ua->on_timer(now);
        }
      }
      run();
    }
    now = until;
    run();
  }

  Endpoint& endpoint(const UserAgent& ua) {
    for (auto& e : endpoints_) {
      if (e.ua == &ua) {
        return e;
      }
    }
    throw std::logic_error("not attached");
  }

  // The events of `ua` of this kind so far.
  std::vector<UaEvent> events(const UserAgent& ua, UaEvent::Kind kind) {
    std::vector<UaEvent> out;
    for (const auto& e : endpoint(ua).events) {
      if (e.kind == kind) {
        out.push_back(e);
      }
    }
    return out;
  }

  // How many datagrams whose first line starts with `prefix` were sent.
  [[nodiscard]] int count_sent(std::string_view prefix) const {
    int n = 0;
    for (const auto& line : sent) {
      n += line.starts_with(prefix) ? 1 : 0;
    }
    return n;
  }

  static std::string first_line(const std::string& bytes) {
    return bytes.substr(0, bytes.find("\r\n"));
  }

  TimePoint now{std::chrono::seconds(1000)};
  std::vector<std::string> sent;      // first lines, in order
  std::vector<std::string> unrouted;  // datagrams to addresses nobody is bound to
  std::function<bool(const std::string&)> drop;

private:
  Endpoint* find(const sip::Peer& peer) {
    for (auto& e : endpoints_) {
      if (e.address.host == peer.host && e.address.port == peer.port) {
        return &e;
      }
    }
    return nullptr;
  }
  void collect_events() {
    for (auto& e : endpoints_) {
      while (auto event = e.ua->poll_event()) {
        e.events.push_back(std::move(*event));
      }
    }
  }

  std::vector<Endpoint> endpoints_;
};

// A user agent for `user` on 127.0.0.<n>:5060, talking directly to its peers.
inline UserAgentConfig peer_config(const std::string& user, int n) {
  UserAgentConfig c;
  const std::string host = "127.0.0." + std::to_string(n);
  c.aor = sip::Uri::sip(user, host, 5060);
  c.display_name = user;
  c.local = LocalFlow{host, 5060, sip::Transport::udp};
  c.media.codecs = {sdp::opus_codec(), sdp::pcmu_codec(), sdp::pcma_codec()};
  c.keepalive_interval = Duration{0};
  return c;
}

inline sdp::MediaAddress media_of(int n) {
  return {"127.0.0." + std::to_string(n), static_cast<std::uint16_t>(40000 + n * 2)};
}

}  // namespace tipring::client::testing
