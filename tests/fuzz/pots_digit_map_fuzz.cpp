// RFC 3435 digit maps: parse, then match the tail of the input as dialled digits.
#include "pots/dial_plan/digit_map.h"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto split = text.find('\n');
  auto map = tipring::pots::DigitMap::parse(text.substr(0, split));
  if (map && split != std::string_view::npos) {
    (void)map->match(text.substr(split + 1, 64));
  }
  return 0;
}
