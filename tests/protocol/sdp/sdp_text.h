// Test helper: SDP written one line per string, joined with CRLF as on the wire.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace tipring::sdp::test {

inline std::string lines(std::initializer_list<std::string_view> ls,
                         std::string_view eol = "\r\n") {
  std::string out;
  for (auto l : ls) {
    out.append(l);
    out.append(eol);
  }
  return out;
}

}  // namespace tipring::sdp::test
