#include "client/ua/dialog_bodies.h"

#include "protocol/sip/reason_phrase.h"

#include <cctype>
#include <charconv>

namespace tipring::client {
namespace {

constexpr std::string_view kDtmfRule = "application/dtmf-relay body";
constexpr std::string_view kSipfragRule = "RFC 3420 message/sipfrag status line";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Some senders put the RFC 4733 event number (10 for '*', 11 for '#') instead of the digit.
std::optional<char> digit_from_signal(std::string_view text) {
  if (text.size() == 1) {
    const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    if (is_dtmf_digit(c)) {
      return c;
    }
  }
  if (text == "10") {
    return '*';
  }
  if (text == "11") {
    return '#';
  }
  return std::nullopt;
}

}  // namespace

bool is_dtmf_digit(char c) {
  return (c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D');
}

std::string format_dtmf_relay(const DtmfInfo& info) {
  return "Signal=" + std::string(1, info.digit) +
         "\r\nDuration=" + std::to_string(info.duration.count()) + "\r\n";
}

Result<DtmfInfo> parse_dtmf_info(std::string_view content_type, std::string_view body) {
  DtmfInfo info;
  const std::string_view type = trim(content_type.substr(0, content_type.find(';')));
  if (iequals(type, "application/dtmf")) {
    auto digit = digit_from_signal(trim(body.substr(0, body.find('\n'))));
    if (!digit) {
      return fail("RFC 6086 application/dtmf body", "not a DTMF digit");
    }
    info.digit = *digit;
    return info;
  }
  if (!iequals(type, kDtmfRelayType)) {
    return fail(kDtmfRule, "content type '" + std::string(content_type) + "' is not DTMF");
  }
  bool have_signal = false;
  while (!body.empty()) {
    const std::size_t end = body.find('\n');
    const std::string_view line = trim(body.substr(0, end));
    body = end == std::string_view::npos ? std::string_view{} : body.substr(end + 1);
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      continue;
    }
    const std::string_view name = trim(line.substr(0, eq));
    const std::string_view value = trim(line.substr(eq + 1));
    if (iequals(name, "Signal")) {
      auto digit = digit_from_signal(value);
      if (!digit) {
        return fail(kDtmfRule, "Signal '" + std::string(value) + "' is not a DTMF digit");
      }
      info.digit = *digit;
      have_signal = true;
    } else if (iequals(name, "Duration")) {
      unsigned ms = 0;
      const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
      if (ec == std::errc{} && ptr == value.data() + value.size() && ms <= 60000) {
        info.duration = std::chrono::milliseconds(ms);
      }
    }
  }
  if (!have_signal) {
    return fail(kDtmfRule, "no Signal line");
  }
  return info;
}

std::string format_sipfrag(int status_code) {
  return "SIP/2.0 " + std::to_string(status_code) + " " +
         std::string(sip::reason_phrase(status_code)) + "\r\n";
}

Result<int> parse_sipfrag_status(std::string_view body) {
  constexpr std::string_view kVersion = "SIP/2.0 ";
  if (!body.starts_with(kVersion) || body.size() < kVersion.size() + 3) {
    return fail(kSipfragRule, "does not start with 'SIP/2.0 <code>'");
  }
  int code = 0;
  const char* first = body.data() + kVersion.size();
  const auto [ptr, ec] = std::from_chars(first, first + 3, code);
  if (ec != std::errc{} || ptr != first + 3 || code < 100 || code > 699) {
    return fail(kSipfragRule, "status code is not three digits from 100 to 699");
  }
  return code;
}

}  // namespace tipring::client
