// Bencode encoding and strict decoding (BEP 3, as rtpengine's ng protocol uses it).
// Encoding is canonical (dictionary keys in byte order). Decoding rejects everything BEP 3
// forbids, bounds depth and size so a hostile datagram cannot exhaust the stack or memory.
#pragma once

#include "protocol/bencode/value.h"
#include "protocol/core/error.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace tipring::bencode {

struct DecodeLimits {
  // Nesting of lists/dictionaries; ng messages nest two or three levels.
  std::size_t max_depth = 32;
  // Whole input; an ng datagram fits in one UDP payload.
  std::size_t max_input_bytes = 65535;
  // Total number of values (every integer, string, list and dictionary counts once).
  std::size_t max_values = 16384;
};

// Appends the encoding of `value` to `out`.
void encode_to(const Value& value, std::string& out);
[[nodiscard]] std::string encode(const Value& value);
// Encodes a dictionary without wrapping it in a Value first.
void encode_to(const Dict& dict, std::string& out);

// Decodes exactly one value spanning all of `input`. Rejects leading zeros and negative
// zero in integers and lengths, unterminated values, duplicate dictionary keys, trailing
// bytes and anything over `limits`. Unsorted dictionary keys are accepted (Kamailio's
// rtpengine module sends its keys in insertion order) and stored sorted.
[[nodiscard]] Result<Value> decode(std::string_view input, const DecodeLimits& limits = {});

}  // namespace tipring::bencode
