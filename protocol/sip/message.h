// Message: a SIP request or response (RFC 3261 §7) that owns its bytes. Header fields are
// spans into that buffer with a HeaderId resolved at parse time; the hot fields (top Via,
// From/To tags, Call-ID, CSeq, Max-Forwards, Content-Length) are picked out while parsing,
// everything else is parsed into typed values on demand. Parsing follows RFC 3261 §7, §18.3
// and §25 and accepts the RFC 4475 §3.1.1 torture messages; serialization reproduces the
// header fields as received, so parse(serialize(m)) == m.
#pragma once

#include "protocol/core/error.h"
#include "protocol/sip/auth_header.h"
#include "protocol/sip/header_id.h"
#include "protocol/sip/header_values.h"
#include "protocol/sip/method.h"
#include "protocol/sip/name_addr.h"
#include "protocol/sip/uri.h"
#include "protocol/sip/via.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tipring::sip {

// How the bytes arrived (RFC 3261 §18.3). Datagram: a missing Content-Length means the body
// runs to the end of the datagram, and octets beyond Content-Length are discarded. Stream:
// Content-Length is mandatory and must match exactly (use StreamFramer to cut messages).
enum class Framing : std::uint8_t { Datagram, Stream };

// Rules a caller may want to tell apart when choosing a response to a bad request.
namespace rules {
// Unknown SIP-Version: answer 505 (§8.2.2... §21.5.6) rather than 400.
inline constexpr std::string_view kSipVersion = "RFC 3261 §7.1 SIP-Version";
// A mandatory header field is missing (§8.1.1): answer 400.
inline constexpr std::string_view kMandatoryHeaders = "RFC 3261 §8.1.1 mandatory header fields";
// A single-valued header field appears more than once (§7.3.1): answer 400.
inline constexpr std::string_view kSingleValued = "RFC 3261 §7.3.1 single-valued header field";
}  // namespace rules

// A header field as seen by callers: a view into the message, valid until it is mutated.
struct HeaderField {
  HeaderId id = HeaderId::Other;
  std::string_view name;   // as written (possibly compact, any case)
  std::string_view value;  // without leading/trailing LWS; folded lines kept as written
};

class Message {
public:
  // Parses one complete message from `bytes` (copied into the message).
  static Result<Message> parse(std::string_view bytes, Framing framing = Framing::Datagram);
  // Same, taking ownership of the buffer (no copy).
  static Result<Message> parse(std::string&& bytes, Framing framing = Framing::Datagram);

  // An empty request or response to fill with add_header()/set_body().
  static Message request(std::string_view method, const Uri& request_uri);
  static Message request(Method method, const Uri& request_uri) {
    return request(method_name(method), request_uri);
  }
  // `reason` defaults to the standard phrase for the code (reason_phrase()).
  static Message response(int status_code, std::string_view reason = {});

  // --- start line ---
  [[nodiscard]] bool is_request() const { return status_code_ == 0; }
  [[nodiscard]] bool is_response() const { return status_code_ != 0; }
  [[nodiscard]] Method method() const { return method_; }
  [[nodiscard]] std::string_view method_text() const { return view(method_text_); }
  [[nodiscard]] std::string_view request_uri_text() const { return view(request_uri_); }
  [[nodiscard]] Result<Uri> request_uri() const { return Uri::parse(request_uri_text()); }
  [[nodiscard]] int status_code() const { return status_code_; }
  [[nodiscard]] std::string_view reason_phrase() const { return view(reason_); }

  // --- header fields, in order ---
  [[nodiscard]] std::size_t header_count() const { return headers_.size(); }
  [[nodiscard]] HeaderField header(std::size_t index) const;
  // The first header field value with this id / name, if any.
  [[nodiscard]] std::optional<std::string_view> find(HeaderId id) const;
  [[nodiscard]] std::optional<std::string_view> find(std::string_view name) const;
  [[nodiscard]] std::size_t count(HeaderId id) const;

  // --- hot fields, picked out while parsing (no allocation) ---
  [[nodiscard]] std::string_view call_id() const { return view(call_id_); }
  [[nodiscard]] std::uint32_t cseq_number() const { return cseq_number_; }
  [[nodiscard]] Method cseq_method() const { return cseq_method_; }
  [[nodiscard]] std::string_view cseq_method_text() const { return view(cseq_method_text_); }
  [[nodiscard]] CSeq cseq() const;
  // The branch of the top Via (§8.1.1.7), its transport and sent-by.
  [[nodiscard]] std::string_view branch() const { return view(branch_); }
  [[nodiscard]] std::string_view via_transport() const { return view(via_transport_); }
  [[nodiscard]] std::string_view via_host() const { return view(via_host_); }
  [[nodiscard]] std::optional<std::uint16_t> via_port() const { return via_port_; }
  [[nodiscard]] std::string_view from_tag() const { return view(from_tag_); }
  [[nodiscard]] std::string_view to_tag() const { return view(to_tag_); }
  [[nodiscard]] std::optional<std::uint32_t> max_forwards() const { return max_forwards_; }
  [[nodiscard]] std::optional<std::uint32_t> content_length() const { return content_length_; }

  // --- typed values on demand ---
  [[nodiscard]] Result<Via> top_via() const;
  [[nodiscard]] Result<std::vector<Via>> vias() const;
  [[nodiscard]] Result<NameAddr> from() const;
  [[nodiscard]] Result<NameAddr> to() const;
  // All Contact header fields combined.
  [[nodiscard]] Result<ContactList> contacts() const;
  [[nodiscard]] Result<std::vector<NameAddr>> routes() const;
  [[nodiscard]] Result<std::vector<NameAddr>> record_routes() const;
  [[nodiscard]] Result<std::vector<NameAddr>> address_list(HeaderId id) const;
  // Expires in seconds, saturating at 2^32-1 (§20.19).
  [[nodiscard]] std::optional<std::uint32_t> expires_s() const;
  [[nodiscard]] std::optional<std::uint32_t> flow_timer_s() const;
  [[nodiscard]] Result<MediaType> content_type() const;
  // Every header field with this id (e.g. each WWW-Authenticate challenge).
  [[nodiscard]] Result<std::vector<AuthHeader>> auth_headers(HeaderId id) const;
  // Allow, Supported, Require, ... combined across header fields.
  [[nodiscard]] Result<std::vector<std::string>> tokens(HeaderId id) const;
  [[nodiscard]] bool has_token(HeaderId id, std::string_view token) const;

  [[nodiscard]] std::string_view body() const { return view(body_); }

  // --- building and mutating (views returned earlier become invalid) ---
  void add_header(HeaderId id, std::string_view value);
  void add_header(std::string_view name, std::string_view value);
  // Inserts before the first header field with this id, or first of all if there is none:
  // a proxy prepending Via (§16.6 step 8) or Record-Route (§16.6 step 4).
  void prepend_header(HeaderId id, std::string_view value);
  // Replaces every header field with this id by one (appended if there was none).
  void set_header(HeaderId id, std::string_view value);
  std::size_t remove_headers(HeaderId id);
  // Removes the first value of a list header (e.g. the top Route, §16.4); drops the header
  // field when it held only that value. Returns false if there was none.
  bool remove_first_value(HeaderId id);
  // §16.6 step 3: decrements Max-Forwards, or adds Max-Forwards: 70 if absent. Fails if it
  // is already 0 (the proxy answers 483, §16.3 step 2).
  Result<std::uint32_t> decrement_max_forwards();
  // Replaces the body, setting Content-Length and (if non-empty) Content-Type; an empty
  // content type removes Content-Type.
  void set_body(std::string_view body, std::string_view content_type = {});
  void set_request_uri(const Uri& uri);
  void set_status(int status_code, std::string_view reason = {});
  // Adds a tag to the To header field if it has none (§8.2.6.2).
  void set_to_tag(std::string_view tag);

  // --- serialization ---
  [[nodiscard]] std::string serialize() const;
  void serialize_to(std::string& out) const;

  // Same start line, same header fields in order (ids, names for extension headers, values
  // compared with LWS runs collapsed) and the same body.
  friend bool operator==(const Message& a, const Message& b);

private:
  struct Span {
    std::uint32_t offset = 0;
    std::uint32_t length = 0;
  };
  struct StoredHeader {
    HeaderId id = HeaderId::Other;
    Span name;
    Span value;
  };
  friend class MessageParser;

  [[nodiscard]] std::string_view view(Span s) const {
    return {buffer_.data() + s.offset, s.length};
  }
  Span append(std::string_view text);
  // Inline: the parser calls it for every header field and hot value.
  [[nodiscard]] Span span_of(std::string_view inside_buffer) const {
    return {static_cast<std::uint32_t>(inside_buffer.data() - buffer_.data()),
            static_cast<std::uint32_t>(inside_buffer.size())};
  }
  // Re-derives the hot fields of header `id` after a mutation of those header fields
  // (lenient: malformed values are skipped); the others cannot have changed.
  void reindex(HeaderId id);
  void insert_header(std::size_t index, HeaderId id, std::string_view name, std::string_view value);

  std::string buffer_;
  std::vector<StoredHeader> headers_;
  int status_code_ = 0;  // 0 for a request
  Method method_ = Method::Unknown;
  Span method_text_;
  Span request_uri_;
  Span reason_;
  Span body_;
  Span call_id_;
  Span cseq_method_text_;
  std::uint32_t cseq_number_ = 0;
  Method cseq_method_ = Method::Unknown;
  Span branch_;
  Span via_transport_;
  Span via_host_;
  std::optional<std::uint16_t> via_port_;
  Span from_tag_;
  Span to_tag_;
  std::optional<std::uint32_t> max_forwards_;
  std::optional<std::uint32_t> content_length_;
};

// A response to `request` with Via, From, To, Call-ID and CSeq copied (§8.2.6.2), a To tag
// added if `to_tag` is non-empty and the To has none, and Content-Length: 0.
Message make_response(const Message& request, int status_code, std::string_view reason = {},
                      std::string_view to_tag = {});

}  // namespace tipring::sip
