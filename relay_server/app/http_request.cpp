#include "relay_server/app/http_request.h"

#include <string>

namespace tipring::relay {
namespace {

constexpr std::string_view kRequestLine = "RFC 9112 §3 request-line";
constexpr std::string_view kFieldLine = "RFC 9112 §5 field-line";

// RFC 9110 §5.6.2 tchar.
bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
    return true;
  }
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view text) {
  if (text.empty()) {
    return false;
  }
  for (char c : text) {
    if (!is_tchar(c)) {
      return false;
    }
  }
  return true;
}

// Visible ASCII, as origin-form allows (RFC 3986 characters are a subset).
bool is_target(std::string_view text) {
  if (text.empty() || text.front() != '/') {
    return false;
  }
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) {
      return false;
    }
  }
  return true;
}

// field-value: VCHAR, obs-text, SP and HTAB; no other control characters.
bool is_field_value(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) {
      return false;
    }
  }
  return true;
}

std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

Result<void> parse_request_line(std::string_view line, HttpRequest& out) {
  const auto first = line.find(' ');
  const auto second = first == std::string_view::npos ? first : line.find(' ', first + 1);
  if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos) {
    return fail(kRequestLine, "expected 'method SP target SP version'");
  }
  out.method = line.substr(0, first);
  out.target = line.substr(first + 1, second - first - 1);
  out.version = line.substr(second + 1);
  if (!is_token(out.method)) {
    return fail(kRequestLine, "method is not a token");
  }
  if (!is_target(out.target)) {
    return fail(kRequestLine, "request-target is not in origin-form");
  }
  if (out.version != "HTTP/1.1" && out.version != "HTTP/1.0") {
    if (out.version.starts_with("HTTP/")) {
      return fail(kHttpVersionUnsupported, "only HTTP/1.0 and HTTP/1.1");
    }
    return fail(kRequestLine, "malformed HTTP-version");
  }
  return {};
}

Result<void> parse_field_line(std::string_view line, HttpRequest& out) {
  if (line.front() == ' ' || line.front() == '\t') {
    return fail(kFieldLine, "obsolete line folding");
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    return fail(kFieldLine, "no ':'");
  }
  const auto name = line.substr(0, colon);
  if (!is_token(name)) {
    return fail(kFieldLine, "field-name is not a token (whitespace before ':'?)");
  }
  const auto value = trim_ows(line.substr(colon + 1));
  if (!is_field_value(value)) {
    return fail(kFieldLine, "control character in field-value");
  }
  out.fields.emplace_back(name, value);
  return {};
}

}  // namespace

std::optional<std::string_view> HttpRequest::field(std::string_view name) const {
  for (const auto& [field_name, value] : fields) {
    if (iequals(field_name, name)) {
      return value;
    }
  }
  return std::nullopt;
}

Result<std::optional<HttpRequest>> parse_http_request(std::string_view buffer,
                                                      const HttpLimits& limits) {
  HttpRequest request;
  std::size_t position = 0;
  bool first_line = true;
  while (true) {
    const auto end = buffer.find("\r\n", position);
    const std::size_t line_limit =
        first_line ? limits.max_request_line : limits.max_header_bytes - position;
    if (end == std::string_view::npos) {
      // Incomplete: fine while within limits (+1 for a CR that may be followed by LF).
      if (buffer.size() - position > line_limit + 1 || buffer.size() > limits.max_header_bytes) {
        return fail(first_line ? kHttpRequestLineTooLong : kHttpHeadTooLarge,
                    "more than " + std::to_string(line_limit) + " bytes");
      }
      return std::optional<HttpRequest>();
    }
    const auto line = buffer.substr(position, end - position);
    if (first_line ? line.size() > limits.max_request_line : end + 2 > limits.max_header_bytes) {
      return fail(first_line ? kHttpRequestLineTooLong : kHttpHeadTooLarge,
                  "more than " + std::to_string(line_limit) + " bytes");
    }
    if (line.find('\n') != std::string_view::npos || line.find('\r') != std::string_view::npos) {
      return fail(first_line ? kRequestLine : kFieldLine, "bare CR or LF");
    }
    position = end + 2;
    if (first_line) {
      if (auto r = parse_request_line(line, request); !r) {
        return tl::unexpected(r.error());
      }
      first_line = false;
      continue;
    }
    if (line.empty()) {
      request.head_length = position;
      return std::optional<HttpRequest>(std::move(request));
    }
    if (request.fields.size() >= limits.max_fields) {
      return fail(kHttpHeadTooLarge, "more than " + std::to_string(limits.max_fields) + " fields");
    }
    if (auto r = parse_field_line(line, request); !r) {
      return tl::unexpected(r.error());
    }
  }
}

}  // namespace tipring::relay
