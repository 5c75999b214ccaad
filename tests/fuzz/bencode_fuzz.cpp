// Fuzzes the bencode decoder and the ng datagram framing: anything accepted must encode
// canonically and decode again to an equal value.
#include "protocol/bencode/codec.h"
#include "protocol/bencode/ng_datagram.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tipring::bencode;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  if (auto value = decode(input)) {
    const std::string once = encode(*value);
    auto again = decode(once);
    if (!again || !(*again == *value) || encode(*again) != once) {
      std::abort();
    }
  }
  if (auto msg = decode_ng_datagram(input)) {
    const std::string joined = join_ng_datagram(msg->cookie, msg->body);
    auto again = decode_ng_datagram(joined);
    if (!again || again->cookie != msg->cookie || !(again->body == msg->body)) {
      std::abort();
    }
  }
  return 0;
}
