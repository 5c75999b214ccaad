// FlowRoute: the proxy's Record-Route URI (RFC 3261 §16.6 step 4) carrying the flows of the
// dialog's two ends — where the caller's INVITE came from and the callee's registered flow
// — so that in-dialog requests are delivered over the NAT bindings those flows keep open
// (the flow-token idea of RFC 5626 §5.3) without keeping dialog state. The flows are
// MAC'ed with the proxy's secret together with the caller's From tag, so a forged Route
// cannot aim the proxy at an arbitrary address, and the tag tells the direction.
#pragma once

#include "protocol/sip/transaction.h"
#include "protocol/sip/uri.h"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tipring::relay {

// A client's flow: its source address and the proxy socket that faces it.
struct FlowAddress {
  sip::Peer peer;
  std::size_t socket = 0;

  friend bool operator==(const FlowAddress&, const FlowAddress&) = default;
};

struct DialogFlows {
  FlowAddress caller;                 // where the dialog-creating request came from
  std::optional<FlowAddress> callee;  // the callee's registered flow, if it is ours
};

// Which way an in-dialog request travels, read from its From/To tags.
enum class DialogDirection : std::uint8_t { to_callee, to_caller };

struct RoutedFlow {
  DialogDirection direction = DialogDirection::to_callee;
  std::optional<FlowAddress> next;  // the flow to deliver over, if the Route names one
};

// Adds the flow parameters to the Record-Route URI `uri` (which already names this proxy).
void add_flow_params(sip::Uri& uri, const DialogFlows& flows, std::string_view caller_tag,
                     std::span<const std::uint8_t> secret);

// Reads them back from a Route URI of ours for a request with `from_tag`/`to_tag`; nullopt
// when there are none or the MAC matches neither tag (forged, or from before a restart).
std::optional<RoutedFlow> read_flow_params(const sip::Uri& uri, std::string_view from_tag,
                                           std::string_view to_tag,
                                           std::span<const std::uint8_t> secret);

// "socket/port/host" — the text form used in the URI parameters.
std::string format_flow(const FlowAddress& flow);
std::optional<FlowAddress> parse_flow(std::string_view text);

}  // namespace tipring::relay
