// Loads a hex report-descriptor fixture from tests/pots/hid/.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace tipring::pots::test {

inline std::vector<std::uint8_t> load_hex_fixture(const std::string& name) {
  std::ifstream in(std::string(POTS_HID_FIXTURES) + "/" + name);
  std::vector<std::uint8_t> bytes;
  std::string token;
  while (in >> token) {
    bytes.push_back(static_cast<std::uint8_t>(std::stoul(token, nullptr, 16)));
  }
  return bytes;
}

}  // namespace tipring::pots::test
