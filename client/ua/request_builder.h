// RequestBuilder: the header fields every request a user agent starts outside a dialog
// carries (RFC 3261 §8.1.1), in the order peers expect, with a fresh RFC 3261 branch and
// rport requested on the Via (RFC 3581) so replies find their way back through NAT.
#pragma once

#include "protocol/core/random.h"
#include "protocol/sip/message.h"
#include "protocol/sip/transaction.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace tipring::client {

// An IP literal as it goes into a URI or Via: IPv6 in brackets.
std::string host_for_uri(std::string_view host);
// The transport as a URI's transport parameter: "udp", "tcp" or "tls".
std::string_view transport_param(sip::Transport transport);

class RequestBuilder {
public:
  RequestBuilder(sip::Method method, const sip::Uri& request_uri, RandomSource& random);

  // Via: SIP/2.0/<transport> host:port;branch=z9hG4bK…;rport, and Max-Forwards: 70.
  RequestBuilder& via(std::string_view host, std::uint16_t port, sip::Transport transport);
  RequestBuilder& from(std::string_view display_name, const sip::Uri& uri, std::string_view tag);
  RequestBuilder& to(std::string_view display_name, const sip::Uri& uri, std::string_view tag);
  RequestBuilder& call_id(std::string_view call_id);
  RequestBuilder& cseq(std::uint32_t number);
  RequestBuilder& header(sip::HeaderId id, std::string_view value);
  RequestBuilder& body(std::string_view body, std::string_view content_type);

  // The request; Content-Length: 0 is added when no body was set.
  sip::Message take();

private:
  sip::Message message_;
  sip::Method method_;
  RandomSource& random_;
  bool has_body_ = false;
};

// "Alice" <sip:alice@example.org>;tag=x
std::string format_name_addr(std::string_view display_name, const sip::Uri& uri,
                             std::string_view tag);

}  // namespace tipring::client
