#include "client/ua/request_builder.h"

namespace tipring::client {
namespace {

std::string_view transport_name(sip::Transport t) {
  switch (t) {
    case sip::Transport::tcp:
      return "TCP";
    case sip::Transport::tls:
      return "TLS";
    case sip::Transport::udp:
      break;
  }
  return "UDP";
}

// A display name as a quoted-string (§25.1), escaping '"' and '\'.
std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

std::string_view transport_param(sip::Transport transport) {
  switch (transport) {
    case sip::Transport::tcp:
      return "tcp";
    case sip::Transport::tls:
      return "tls";
    case sip::Transport::udp:
      break;
  }
  return "udp";
}

std::string host_for_uri(std::string_view host) {
  if (host.find(':') != std::string_view::npos && !host.starts_with('[')) {
    return "[" + std::string(host) + "]";
  }
  return std::string(host);
}

std::string format_name_addr(std::string_view display_name, const sip::Uri& uri,
                             std::string_view tag) {
  std::string out;
  if (!display_name.empty()) {
    out = quote(display_name) + " ";
  }
  out += "<" + uri.to_string() + ">";
  if (!tag.empty()) {
    out.append(";tag=").append(tag);
  }
  return out;
}

RequestBuilder::RequestBuilder(sip::Method method, const sip::Uri& request_uri,
                               RandomSource& random)
    : message_(sip::Message::request(method, request_uri)), method_(method), random_(random) {}

RequestBuilder& RequestBuilder::via(std::string_view host, std::uint16_t port,
                                    sip::Transport transport) {
  std::string value = "SIP/2.0/";
  value.append(transport_name(transport)).append(" ").append(host_for_uri(host));
  value.append(":").append(std::to_string(port));
  value.append(";branch=").append(sip::kBranchMagicCookie).append(random_.token(16));
  value.append(";rport");
  message_.add_header(sip::HeaderId::Via, value);
  message_.add_header(sip::HeaderId::MaxForwards, "70");
  return *this;
}

RequestBuilder& RequestBuilder::from(std::string_view display_name, const sip::Uri& uri,
                                     std::string_view tag) {
  message_.add_header(sip::HeaderId::From, format_name_addr(display_name, uri, tag));
  return *this;
}

RequestBuilder& RequestBuilder::to(std::string_view display_name, const sip::Uri& uri,
                                   std::string_view tag) {
  message_.add_header(sip::HeaderId::To, format_name_addr(display_name, uri, tag));
  return *this;
}

RequestBuilder& RequestBuilder::call_id(std::string_view call_id) {
  message_.add_header(sip::HeaderId::CallId, call_id);
  return *this;
}

RequestBuilder& RequestBuilder::cseq(std::uint32_t number) {
  message_.add_header(sip::HeaderId::CSeq,
                      std::to_string(number) + " " + std::string(sip::method_name(method_)));
  return *this;
}

RequestBuilder& RequestBuilder::header(sip::HeaderId id, std::string_view value) {
  message_.add_header(id, value);
  return *this;
}

RequestBuilder& RequestBuilder::body(std::string_view body, std::string_view content_type) {
  message_.set_body(body, content_type);
  has_body_ = true;
  return *this;
}

sip::Message RequestBuilder::take() {
  if (!has_body_) {
    message_.add_header(sip::HeaderId::ContentLength, "0");
  }
  return std::move(message_);
}

}  // namespace tipring::client
