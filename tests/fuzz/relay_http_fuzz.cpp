// libFuzzer target for the metrics endpoint's HTTP request parser: any bytes must give a
// request, "need more", or an error, never a crash; a parsed request's views lie inside the
// input and its head length is within it.
#include "relay_server/app/http_request.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parsed = tipring::relay::parse_http_request(input);
  if (parsed && parsed->has_value()) {
    const auto& request = **parsed;
    const auto inside = [&](std::string_view view) {
      return view.empty() ||
             (view.data() >= input.data() && view.data() + view.size() <= input.data() + size);
    };
    if (request.head_length > size || !inside(request.method) || !inside(request.target) ||
        !inside(request.version)) {
      std::abort();
    }
    for (const auto& [name, value] : request.fields) {
      if (!inside(name) || !inside(value) || name.empty()) {
        std::abort();
      }
    }
  }
  return 0;
}
