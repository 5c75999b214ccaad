// Locating a SIP server (RFC 3263 §4) from DNS answers that the caller looked up: which SRV
// names to ask for the chosen transport (from NAPTR, or the §4.2 defaults), the order to try
// SRV targets in (RFC 2782: priority, then a weighted random draw), and the ports to use
// when there are no SRV records. Pure and synchronous: the DNS itself is the caller's.
#pragma once

#include "protocol/core/random.h"
#include "protocol/sip/transaction.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tipring::client {

struct NaptrRecord {
  std::uint16_t order = 0;
  std::uint16_t preference = 0;
  std::string flags;        // "s": the replacement is an SRV name
  std::string service;      // "SIP+D2U", "SIP+D2T", "SIPS+D2T"
  std::string replacement;  // the SRV name to query
};

struct SrvRecord {
  std::string target;
  std::uint16_t port = 0;
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
  friend bool operator==(const SrvRecord&, const SrvRecord&) = default;
};

// The NAPTR service tag for a transport (RFC 3263 §4.1): SIP+D2U, SIP+D2T or SIPS+D2T.
[[nodiscard]] std::string_view naptr_service(sip::Transport transport);

// The SRV names to query for `domain` over `transport`, in order: the replacements of the
// NAPTR records with flag "s" whose service is the transport's (by order, then preference),
// or, when none fits, the §4.2 default _sip._udp / _sip._tcp / _sips._tcp name.
[[nodiscard]] std::vector<std::string> srv_names(std::string_view domain, sip::Transport transport,
                                                 const std::vector<NaptrRecord>& naptr);

// RFC 2782: lowest priority first; within a priority, targets drawn one by one with
// probability proportional to weight (weight 0 gets a small chance, tried after the others
// mostly). A single "." target means the service is decidedly not offered: nothing.
[[nodiscard]] std::vector<SrvRecord> order_srv(std::vector<SrvRecord> records,
                                               RandomSource& random);

// §4.2 without SRV records: the host itself on 5061 for TLS, 5060 otherwise.
[[nodiscard]] std::uint16_t default_sip_port(sip::Transport transport);

}  // namespace tipring::client
