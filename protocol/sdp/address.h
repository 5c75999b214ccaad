// Literal IP address checks for SDP connection and origin addresses (RFC 8866 §9 grammar:
// IP4-address, IP6-address), used by the parser and by the relay's rewriting helpers.
#pragma once

#include <string_view>

namespace tipring::sdp {

[[nodiscard]] bool is_ipv4_literal(std::string_view text);
[[nodiscard]] bool is_ipv6_literal(std::string_view text);
// "IP6" for an IPv6 literal, otherwise "IP4".
[[nodiscard]] std::string_view address_type_of(std::string_view address);

}  // namespace tipring::sdp
