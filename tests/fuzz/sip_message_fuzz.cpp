// libFuzzer target for the SIP message parser (RFC 3261 §7, §25): any input must either be
// rejected with a rule or parse into a message whose serialization re-parses to an equal
// message, and whose validated header fields yield their typed values.
#include "protocol/sip/auth_header.h"
#include "protocol/sip/message.h"
#include "protocol/sip/stream_framer.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

using namespace tipring::sip;

void require(bool condition) {
  if (!condition) {
    std::abort();
  }
}

void check_round_trip(const Message& m) {
  std::string text = m.serialize();
  auto again = Message::parse(text);
  require(again.has_value());
  require(*again == m);
  require(again->serialize() == text);
}

// Header fields the parser validated must give their typed values.
void check_typed_values(const Message& m) {
  require(m.from().has_value());
  require(m.to().has_value());
  require(m.from()->tag() == m.from_tag());
  require(m.to()->tag() == m.to_tag());
  auto vias = m.vias();
  require(vias.has_value() && !vias->empty());
  require(vias->front().branch() == m.branch());
  require(m.contacts().has_value());
  require(m.routes().has_value());
  require(m.record_routes().has_value());
  require(m.tokens(HeaderId::Allow).has_value());
  require(m.tokens(HeaderId::Supported).has_value());
  require(m.auth_headers(HeaderId::Authorization).has_value());
  require(m.auth_headers(HeaderId::WwwAuthenticate).has_value());
  if (m.find(HeaderId::ContentType)) {
    require(m.content_type().has_value());
  }
  if (m.is_request()) {
    require(m.request_uri().has_value());
  }
  require(m.cseq().method_text == m.cseq_method_text());
}

void check_mutations(Message m) {
  m.prepend_header(HeaderId::Via, "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKfuzz");
  require(m.branch() == "z9hG4bKfuzz");
  while (m.remove_first_value(HeaderId::Route)) {
  }
  require(m.count(HeaderId::Route) == 0);
  (void)m.decrement_max_forwards();
  m.set_body("x", "text/plain");
  require(m.content_length() == 1U);
  check_round_trip(m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto m = Message::parse(bytes);
  if (m) {
    check_round_trip(*m);
    check_typed_values(*m);
    check_mutations(*m);
  } else {
    require(!m.error().rule.empty());
  }
  // The same bytes as a TCP stream, in two pieces.
  StreamFramer framer;
  framer.push(bytes.substr(0, size / 2));
  framer.push(bytes.substr(size / 2));
  for (int i = 0; i < 64; ++i) {
    auto item = framer.next();
    if (!item || !*item) {
      break;
    }
    if ((*item)->kind == StreamItemKind::Message) {
      check_round_trip((*item)->message);
    }
  }
  // The value grammars on their own.
  (void)Uri::parse(bytes);
  (void)NameAddr::parse(bytes);
  (void)parse_via_list(bytes);
  (void)parse_contacts(bytes);
  if (auto auth = AuthHeader::parse(bytes)) {
    auto again = AuthHeader::parse(auth->to_string());
    require(again.has_value() && *again == *auth);
  }
  return 0;
}
