#include "relay_server/proxy/bad_request.h"

#include "protocol/sip/header_id.h"

#include <array>
#include <string>

namespace tipring::relay {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

bool printable(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 && c != '\t') {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<sip::Message> salvage_bad_request(std::string_view bytes, const Error& error) {
  const auto first_end = bytes.find('\n');
  if (first_end == std::string_view::npos) {
    return std::nullopt;
  }
  const auto request_line = trim(bytes.substr(0, first_end));
  // A request line ends in SIP-Version; a response (or anything else) gets no answer.
  if (request_line.size() < 8 || request_line.starts_with("SIP/") ||
      !request_line.ends_with("SIP/2.0")) {
    return std::nullopt;
  }
  constexpr std::array kCopied = {sip::HeaderId::Via, sip::HeaderId::From, sip::HeaderId::To,
                                  sip::HeaderId::CallId, sip::HeaderId::CSeq};
  std::array<std::string_view, kCopied.size()> values{};
  std::string_view rest = bytes.substr(first_end + 1);
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    const auto line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    if (trim(line).empty()) {
      break;  // end of the header section
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      continue;
    }
    const auto id = sip::header_id(trim(line.substr(0, colon)));
    for (std::size_t i = 0; i < kCopied.size(); ++i) {
      if (kCopied[i] == id && values[i].empty()) {
        values[i] = trim(line.substr(colon + 1));
      }
    }
  }
  for (const auto value : values) {
    if (value.empty() || !printable(value)) {
      return std::nullopt;
    }
  }
  const std::string reason = std::string(error.rule.empty() ? "Bad Request" : error.rule);
  auto response = sip::Message::response(400, printable(reason) ? reason : "Bad Request");
  for (std::size_t i = 0; i < kCopied.size(); ++i) {
    response.add_header(kCopied[i], values[i]);
  }
  response.add_header(sip::HeaderId::ContentLength, "0");
  return response;
}

}  // namespace tipring::relay
