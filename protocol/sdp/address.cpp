#include "protocol/sdp/address.h"

#include <algorithm>
#include <cstddef>

namespace tipring::sdp {
namespace {

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

bool is_ipv4_literal(std::string_view text) {
  int parts = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = text.find('.', start);
    std::string_view part = text.substr(start, dot - start);
    if (part.empty() || part.size() > 3 ||
        !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return false;
    }
    int value = 0;
    for (char c : part) {
      value = value * 10 + (c - '0');
    }
    if (value > 255) {
      return false;
    }
    ++parts;
    if (dot == std::string_view::npos) {
      break;
    }
    start = dot + 1;
  }
  return parts == 4;
}

namespace {

// Counts colon-separated groups of 1-4 hex digits; -1 if any group is empty or malformed.
int hex_groups(std::string_view text) {
  if (text.empty()) {
    return 0;
  }
  int groups = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t colon = text.find(':', start);
    std::string_view group = text.substr(start, colon - start);
    if (group.empty() || group.size() > 4 || !std::all_of(group.begin(), group.end(), is_hex)) {
      return -1;
    }
    ++groups;
    if (colon == std::string_view::npos) {
      return groups;
    }
    start = colon + 1;
  }
}

}  // namespace

bool is_ipv6_literal(std::string_view text) {
  if (text.size() < 2 || text.size() > 45) {
    return false;
  }
  // An embedded IPv4 tail (::ffff:192.0.2.1) stands for the last two groups.
  std::string_view body = text;
  int tail_groups = 0;
  const std::size_t last_colon = text.rfind(':');
  if (last_colon == std::string_view::npos) {
    return false;
  }
  if (text.find('.', last_colon) != std::string_view::npos) {
    if (!is_ipv4_literal(text.substr(last_colon + 1))) {
      return false;
    }
    tail_groups = 2;
    body = text.substr(0, last_colon + 1);
    if (body.size() < 2 || body.substr(body.size() - 2) != "::") {
      body.remove_suffix(1);  // the colon before the IPv4 tail
    }
  }
  const std::size_t double_colon = body.find("::");
  if (double_colon == std::string_view::npos) {
    const int groups = hex_groups(body);
    return groups >= 0 && groups + tail_groups == 8;
  }
  if (body.find("::", double_colon + 1) != std::string_view::npos) {
    return false;
  }
  const int left = hex_groups(body.substr(0, double_colon));
  const int right = hex_groups(body.substr(double_colon + 2));
  return left >= 0 && right >= 0 && left + right + tail_groups <= 7;
}

std::string_view address_type_of(std::string_view address) {
  return address.find(':') != std::string_view::npos ? "IP6" : "IP4";
}

}  // namespace tipring::sdp
