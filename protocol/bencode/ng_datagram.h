// The rtpengine "ng" control datagram: `COOKIE SP BENCODED-DICT`. The cookie is an opaque
// token chosen by the controller; the reply repeats it, and a repeated cookie must get the
// cached reply rather than a second execution (the relay keys its reply cache on it).
#pragma once

#include "protocol/bencode/codec.h"
#include "protocol/bencode/value.h"
#include "protocol/core/error.h"

#include <string>
#include <string_view>

namespace tipring::bencode {

// Longest cookie accepted; Kamailio and OpenSIPS send a few dozen characters.
inline constexpr std::size_t kMaxNgCookieBytes = 256;

// A datagram split at its first space, without decoding the body.
struct NgFrame {
  std::string_view cookie;
  std::string_view body;
};

// The decoded form of a command or reply.
struct NgMessage {
  std::string cookie;
  Dict body;
};

// Splits `COOKIE SP BODY`: the cookie is 1..kMaxNgCookieBytes bytes of printable ASCII
// without spaces; the body is non-empty. Views point into `datagram`.
[[nodiscard]] Result<NgFrame> split_ng_datagram(std::string_view datagram);

// Splits, then decodes the body, which must be a dictionary.
[[nodiscard]] Result<NgMessage> decode_ng_datagram(std::string_view datagram,
                                                   const DecodeLimits& limits = {});

// `cookie SP bencode(body)`.
[[nodiscard]] std::string join_ng_datagram(std::string_view cookie, const Dict& body);

}  // namespace tipring::bencode
