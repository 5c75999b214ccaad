#include "protocol/sip/message.h"

#include "protocol/sip/reason_phrase.h"
#include "protocol/sip/syntax.h"

#include <charconv>

namespace tipring::sip {
namespace {

constexpr std::string_view kSipVersion = "SIP/2.0";

Error absent(HeaderId id) {
  return Error{"RFC 3261 §20 header field", syntax::cat("no ", header_name(id), " header")};
}

// Equal, treating any run of LWS (SP, HTAB, folded CRLF) as one SP.
bool equal_collapsing_lws(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    bool ws_a = syntax::is_lws(a[i]);
    bool ws_b = syntax::is_lws(b[j]);
    if (ws_a && ws_b) {
      while (i < a.size() && syntax::is_lws(a[i])) {
        ++i;
      }
      while (j < b.size() && syntax::is_lws(b[j])) {
        ++j;
      }
      continue;
    }
    if (a[i] != b[j]) {
      return false;
    }
    ++i;
    ++j;
  }
  return i == a.size() && j == b.size();
}

void append_number(std::string& out, std::uint64_t n) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  (void)ec;
  out.append(digits, static_cast<std::size_t>(end - digits));
}

}  // namespace

Message::Span Message::append(std::string_view text) {
  // `text` may point into buffer_ itself; copy it out before the buffer can move.
  std::string copy(text);
  Span s{static_cast<std::uint32_t>(buffer_.size()), static_cast<std::uint32_t>(copy.size())};
  buffer_.append(copy);
  return s;
}

Message Message::request(std::string_view method, const Uri& request_uri) {
  Message m;
  m.method_text_ = m.append(method);
  m.method_ = method_from_token(method);
  m.request_uri_ = m.append(request_uri.to_string());
  return m;
}

Message Message::response(int status_code, std::string_view reason) {
  Message m;
  m.set_status(status_code, reason);
  return m;
}

HeaderField Message::header(std::size_t index) const {
  const StoredHeader& h = headers_.at(index);
  return {h.id, view(h.name), view(h.value)};
}

std::optional<std::string_view> Message::find(HeaderId id) const {
  for (const StoredHeader& h : headers_) {
    if (h.id == id) {
      return view(h.value);
    }
  }
  return std::nullopt;
}

std::optional<std::string_view> Message::find(std::string_view name) const {
  HeaderId id = header_id(name);
  if (id != HeaderId::Other) {
    return find(id);
  }
  for (const StoredHeader& h : headers_) {
    if (h.id == HeaderId::Other && syntax::iequals(view(h.name), name)) {
      return view(h.value);
    }
  }
  return std::nullopt;
}

std::size_t Message::count(HeaderId id) const {
  std::size_t n = 0;
  for (const StoredHeader& h : headers_) {
    n += h.id == id ? 1 : 0;
  }
  return n;
}

CSeq Message::cseq() const {
  return CSeq{cseq_number_, cseq_method_, std::string(cseq_method_text())};
}

Result<Via> Message::top_via() const {
  auto value = find(HeaderId::Via);
  if (!value) {
    return tl::unexpected(absent(HeaderId::Via));
  }
  auto list = parse_via_list(*value);
  if (!list) {
    return tl::unexpected(list.error());
  }
  return std::move(list->front());
}

Result<std::vector<Via>> Message::vias() const {
  std::vector<Via> out;
  for (const StoredHeader& h : headers_) {
    if (h.id != HeaderId::Via) {
      continue;
    }
    auto list = parse_via_list(view(h.value));
    if (!list) {
      return tl::unexpected(list.error());
    }
    for (Via& v : *list) {
      out.push_back(std::move(v));
    }
  }
  return out;
}

Result<NameAddr> Message::from() const {
  auto value = find(HeaderId::From);
  if (!value) {
    return tl::unexpected(absent(HeaderId::From));
  }
  return NameAddr::parse(*value);
}

Result<NameAddr> Message::to() const {
  auto value = find(HeaderId::To);
  if (!value) {
    return tl::unexpected(absent(HeaderId::To));
  }
  return NameAddr::parse(*value);
}

Result<ContactList> Message::contacts() const {
  ContactList out;
  for (const StoredHeader& h : headers_) {
    if (h.id != HeaderId::Contact) {
      continue;
    }
    auto list = parse_contacts(view(h.value));
    if (!list) {
      return tl::unexpected(list.error());
    }
    out.wildcard = out.wildcard || list->wildcard;
    for (Contact& c : list->contacts) {
      out.contacts.push_back(std::move(c));
    }
  }
  return out;
}

Result<std::vector<NameAddr>> Message::address_list(HeaderId id) const {
  std::vector<NameAddr> out;
  for (const StoredHeader& h : headers_) {
    if (h.id != id) {
      continue;
    }
    auto list = parse_name_addr_list(view(h.value));
    if (!list) {
      return tl::unexpected(list.error());
    }
    for (NameAddr& na : *list) {
      out.push_back(std::move(na));
    }
  }
  return out;
}

Result<std::vector<NameAddr>> Message::routes() const {
  return address_list(HeaderId::Route);
}

Result<std::vector<NameAddr>> Message::record_routes() const {
  return address_list(HeaderId::RecordRoute);
}

std::optional<std::uint32_t> Message::expires_s() const {
  auto value = find(HeaderId::Expires);
  return value ? parse_saturating_number(*value) : std::nullopt;
}

std::optional<std::uint32_t> Message::flow_timer_s() const {
  auto value = find(HeaderId::FlowTimer);
  return value ? parse_saturating_number(*value) : std::nullopt;
}

Result<MediaType> Message::content_type() const {
  auto value = find(HeaderId::ContentType);
  if (!value) {
    return tl::unexpected(absent(HeaderId::ContentType));
  }
  return MediaType::parse(*value);
}

Result<std::vector<AuthHeader>> Message::auth_headers(HeaderId id) const {
  std::vector<AuthHeader> out;
  for (const StoredHeader& h : headers_) {
    if (h.id != id) {
      continue;
    }
    auto a = AuthHeader::parse(view(h.value));
    if (!a) {
      return tl::unexpected(a.error());
    }
    out.push_back(std::move(*a));
  }
  return out;
}

Result<std::vector<std::string>> Message::tokens(HeaderId id) const {
  std::vector<std::string> out;
  for (const StoredHeader& h : headers_) {
    if (h.id != id) {
      continue;
    }
    auto list = parse_token_list(view(h.value));
    if (!list) {
      return tl::unexpected(list.error());
    }
    for (std::string& t : *list) {
      out.push_back(std::move(t));
    }
  }
  return out;
}

bool Message::has_token(HeaderId id, std::string_view token) const {
  auto list = tokens(id);
  if (!list) {
    return false;
  }
  for (const std::string& t : *list) {
    if (t == token) {
      return true;
    }
  }
  return false;
}

void Message::insert_header(std::size_t index, HeaderId id, std::string_view name,
                            std::string_view value) {
  StoredHeader h;
  h.id = id;
  h.name = append(name);
  h.value = append(syntax::trim_lws(value));
  headers_.insert(headers_.begin() + static_cast<std::ptrdiff_t>(index), h);
  reindex(id);
}

void Message::add_header(HeaderId id, std::string_view value) {
  insert_header(headers_.size(), id, header_name(id), value);
}

void Message::add_header(std::string_view name, std::string_view value) {
  insert_header(headers_.size(), header_id(name), name, value);
}

void Message::prepend_header(HeaderId id, std::string_view value) {
  std::size_t index = 0;
  for (std::size_t i = 0; i < headers_.size(); ++i) {
    if (headers_[i].id == id) {
      index = i;
      break;
    }
  }
  insert_header(index, id, header_name(id), value);
}

void Message::set_header(HeaderId id, std::string_view value) {
  std::size_t index = headers_.size();
  for (std::size_t i = 0; i < headers_.size(); ++i) {
    if (headers_[i].id == id) {
      index = i;
      break;
    }
  }
  std::string copy(value);  // `value` may be a view into a header about to be removed
  remove_headers(id);
  insert_header(std::min(index, headers_.size()), id, header_name(id), copy);
}

std::size_t Message::remove_headers(HeaderId id) {
  auto removed = std::erase_if(headers_, [id](const StoredHeader& h) { return h.id == id; });
  reindex(id);
  return removed;
}

bool Message::remove_first_value(HeaderId id) {
  for (std::size_t i = 0; i < headers_.size(); ++i) {
    if (headers_[i].id != id) {
      continue;
    }
    std::string_view value = view(headers_[i].value);
    std::string_view remainder;
    bool first = true;
    syntax::for_each_element(value, [&](std::string_view element) {
      if (first) {
        first = false;
        return true;
      }
      remainder = std::string_view(
          element.data(), static_cast<std::size_t>(value.data() + value.size() - element.data()));
      return false;
    });
    if (remainder.empty()) {
      headers_.erase(headers_.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      headers_[i].value = append(syntax::trim_lws(remainder));
    }
    reindex(id);
    return true;
  }
  return false;
}

Result<std::uint32_t> Message::decrement_max_forwards() {
  if (!max_forwards_) {
    set_header(HeaderId::MaxForwards, "70");
    return 70U;
  }
  if (*max_forwards_ == 0) {
    return fail("RFC 3261 §16.3 Max-Forwards", "Max-Forwards is 0: answer 483 Too Many Hops");
  }
  std::uint32_t next = *max_forwards_ - 1;
  set_header(HeaderId::MaxForwards, std::to_string(next));
  return next;
}

void Message::set_body(std::string_view body, std::string_view content_type) {
  body_ = append(body);
  set_header(HeaderId::ContentLength, std::to_string(body.size()));
  if (content_type.empty()) {
    remove_headers(HeaderId::ContentType);
  } else {
    set_header(HeaderId::ContentType, content_type);
  }
}

void Message::set_request_uri(const Uri& uri) {
  request_uri_ = append(uri.to_string());
}

void Message::set_status(int status_code, std::string_view reason) {
  status_code_ = status_code;
  reason_ = append(reason.empty() ? sip::reason_phrase(status_code) : reason);
}

void Message::set_to_tag(std::string_view tag) {
  auto value = find(HeaderId::To);
  if (!value || !to_tag().empty()) {
    return;
  }
  std::string updated(*value);
  updated.append(";tag=");
  updated.append(tag);
  set_header(HeaderId::To, updated);
}

void Message::serialize_to(std::string& out) const {
  std::size_t size = 64 + body_.length;
  for (const StoredHeader& h : headers_) {
    size += h.name.length + h.value.length + 4;
  }
  out.reserve(out.size() + size + method_text_.length + request_uri_.length + reason_.length);
  if (is_request()) {
    out.append(method_text());
    out.push_back(' ');
    out.append(request_uri_text());
    out.push_back(' ');
    out.append(kSipVersion);
  } else {
    out.append(kSipVersion);
    out.push_back(' ');
    append_number(out, static_cast<std::uint64_t>(status_code_));
    out.push_back(' ');
    out.append(reason_phrase());
  }
  out.append("\r\n");
  for (const StoredHeader& h : headers_) {
    out.append(view(h.name));
    out.append(": ");
    out.append(view(h.value));
    out.append("\r\n");
  }
  out.append("\r\n");
  out.append(body());
}

std::string Message::serialize() const {
  std::string out;
  serialize_to(out);
  return out;
}

bool operator==(const Message& a, const Message& b) {
  if (a.status_code_ != b.status_code_ || a.headers_.size() != b.headers_.size() ||
      a.body() != b.body()) {
    return false;
  }
  if (a.is_request()
          ? (a.method_text() != b.method_text() || a.request_uri_text() != b.request_uri_text())
          : a.reason_phrase() != b.reason_phrase()) {
    return false;
  }
  for (std::size_t i = 0; i < a.headers_.size(); ++i) {
    HeaderField ha = a.header(i);
    HeaderField hb = b.header(i);
    if (ha.id != hb.id || (ha.id == HeaderId::Other && !syntax::iequals(ha.name, hb.name)) ||
        !equal_collapsing_lws(ha.value, hb.value)) {
      return false;
    }
  }
  return true;
}

Message make_response(const Message& request, int status_code, std::string_view reason,
                      std::string_view to_tag) {
  Message r = Message::response(status_code, reason);
  for (std::size_t i = 0; i < request.header_count(); ++i) {
    HeaderField h = request.header(i);
    switch (h.id) {
      case HeaderId::Via:
      case HeaderId::From:
      case HeaderId::To:
      case HeaderId::CallId:
      case HeaderId::CSeq:
        r.add_header(h.id, h.value);
        break;
      default:
        break;
    }
  }
  if (!to_tag.empty()) {
    r.set_to_tag(to_tag);
  }
  r.add_header(HeaderId::ContentLength, "0");
  return r;
}

}  // namespace tipring::sip
