// NgControl: rtpengine's "ng" control protocol over a MediaRelay, as Kamailio's and
// OpenSIPS's rtpengine modules speak it: `COOKIE SP bencode-dict` in, the same cookie and a
// reply dict out. One table of {wire name, handler}; a repeated cookie replays the cached
// reply byte for byte instead of executing again; anything unsupported is an error result.
#pragma once

#include "protocol/bencode/value.h"
#include "protocol/core/error.h"
#include "protocol/core/time.h"

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tipring::relay {

class MediaRelay;

class NgControl {
public:
  explicit NgControl(MediaRelay& relay);

  // One datagram in, the reply datagram out; empty when the datagram has no cookie to
  // answer to (a reply cannot be addressed).
  std::string handle(std::string_view datagram, TimePoint now);

  [[nodiscard]] std::uint64_t replayed_replies() const { return replayed_; }

private:
  using Handler = Result<bencode::Dict> (NgControl::*)(const bencode::Dict&);
  struct Command {
    std::string_view name;
    Handler handler;
  };
  static const std::array<Command, 6> kCommands;

  Result<bencode::Dict> ping(const bencode::Dict& request);
  Result<bencode::Dict> offer(const bencode::Dict& request);
  Result<bencode::Dict> answer(const bencode::Dict& request);
  Result<bencode::Dict> remove(const bencode::Dict& request);
  Result<bencode::Dict> query(const bencode::Dict& request);
  Result<bencode::Dict> list(const bencode::Dict& request);
  Result<bencode::Dict> offer_or_answer(const bencode::Dict& request, bool is_answer);

  void remember(const std::string& cookie, const std::string& reply, TimePoint now);

  MediaRelay& relay_;
  struct CachedReply {
    std::string reply;
    TimePoint expires;
  };
  std::unordered_map<std::string, CachedReply> replies_;
  std::deque<std::string> reply_order_;  // oldest first, for expiry and the size bound
  std::uint64_t replayed_ = 0;
};

}  // namespace tipring::relay
