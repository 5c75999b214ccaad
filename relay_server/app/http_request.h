// HttpRequest: the request line and header fields of an HTTP/1.1 request (RFC 9112 §3,
// §5), parsed from a bounded buffer for the metrics endpoint. Strict where being lenient
// invites smuggling (no obs-fold, no whitespace before ':', CRLF line ends); bodies are not
// read, since /metrics and /health take none.
#pragma once

#include "protocol/core/error.h"

#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace tipring::relay {

struct HttpLimits {
  std::size_t max_request_line = 1024;
  std::size_t max_header_bytes = 8192;  // request line and fields together
  std::size_t max_fields = 32;
};

struct HttpRequest {
  std::string_view method;
  std::string_view target;   // origin-form: "/metrics", possibly with "?query"
  std::string_view version;  // "HTTP/1.1" or "HTTP/1.0"
  std::vector<std::pair<std::string_view, std::string_view>> fields;
  std::size_t head_length = 0;  // bytes up to and including the empty line

  [[nodiscard]] std::string_view path() const { return target.substr(0, target.find('?')); }
  // The first field with this name (case-insensitive), if any.
  [[nodiscard]] std::optional<std::string_view> field(std::string_view name) const;
};

// The rules a rejection names; the server maps them to a status code.
inline constexpr std::string_view kHttpRequestLineTooLong = "RFC 9112 §3 request-line length";
inline constexpr std::string_view kHttpHeadTooLarge = "RFC 9112 §5 header section size";
inline constexpr std::string_view kHttpVersionUnsupported = "RFC 9112 §2.3 HTTP-version";

// Parses the head of the request at the start of `buffer`. nullopt: the head is incomplete
// and within limits, so read more. The views point into `buffer`.
Result<std::optional<HttpRequest>> parse_http_request(std::string_view buffer,
                                                      const HttpLimits& limits = {});

}  // namespace tipring::relay
