#include "relay_server/proxy/flow_route.h"

#include "protocol/core/hex.h"
#include "protocol/core/sha256.h"

#include <charconv>

namespace tipring::relay {
namespace {

constexpr std::string_view kCallerParam = "tr-cf";
constexpr std::string_view kCalleeParam = "tr-ef";
constexpr std::string_view kMacParam = "tr-m";
constexpr std::size_t kMacBytes = 12;

std::string mac_of(std::string_view caller_tag, std::string_view caller, std::string_view callee,
                   std::span<const std::uint8_t> secret) {
  std::string text(caller_tag);
  text.push_back('\x1f');
  text.append(caller);
  text.push_back('\x1f');
  text.append(callee);
  const auto digest = hmac_sha256(
      secret, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  return to_hex(std::span(digest.data(), kMacBytes));
}

template <typename T>
std::optional<T> parse_number(std::string_view text) {
  T value{};
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || text.empty()) {
    return std::nullopt;
  }
  return value;
}

std::string_view param_value(const sip::Uri& uri, std::string_view name) {
  const auto* param = uri.param(name);
  return param == nullptr ? std::string_view{} : std::string_view(param->value);
}

}  // namespace

std::string format_flow(const FlowAddress& flow) {
  return std::to_string(flow.socket) + "/" + std::to_string(flow.peer.port) + "/" + flow.peer.host;
}

std::optional<FlowAddress> parse_flow(std::string_view text) {
  const auto first = text.find('/');
  const auto second = first == std::string_view::npos ? first : text.find('/', first + 1);
  if (second == std::string_view::npos || second + 1 >= text.size()) {
    return std::nullopt;
  }
  auto socket = parse_number<std::size_t>(text.substr(0, first));
  auto port = parse_number<std::uint16_t>(text.substr(first + 1, second - first - 1));
  if (!socket || !port) {
    return std::nullopt;
  }
  return FlowAddress{{std::string(text.substr(second + 1)), *port, sip::Transport::udp}, *socket};
}

void add_flow_params(sip::Uri& uri, const DialogFlows& flows, std::string_view caller_tag,
                     std::span<const std::uint8_t> secret) {
  const auto caller = format_flow(flows.caller);
  const auto callee = flows.callee ? format_flow(*flows.callee) : std::string();
  sip::set_param(uri.params, kCallerParam, caller);
  if (flows.callee) {
    sip::set_param(uri.params, kCalleeParam, callee);
  }
  sip::set_param(uri.params, kMacParam, mac_of(caller_tag, caller, callee, secret));
}

std::optional<RoutedFlow> read_flow_params(const sip::Uri& uri, std::string_view from_tag,
                                           std::string_view to_tag,
                                           std::span<const std::uint8_t> secret) {
  const auto caller = param_value(uri, kCallerParam);
  const auto callee = param_value(uri, kCalleeParam);
  const auto mac = param_value(uri, kMacParam);
  if (caller.empty() || mac.empty()) {
    return std::nullopt;
  }
  RoutedFlow routed;
  if (mac == mac_of(from_tag, caller, callee, secret)) {
    routed.direction = DialogDirection::to_callee;
    if (!callee.empty()) {
      routed.next = parse_flow(callee);
    }
  } else if (!to_tag.empty() && mac == mac_of(to_tag, caller, callee, secret)) {
    routed.direction = DialogDirection::to_caller;
    routed.next = parse_flow(caller);
  } else {
    return std::nullopt;
  }
  return routed;
}

}  // namespace tipring::relay
