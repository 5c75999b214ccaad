#include "protocol/sdp/media_format.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace tipring::sdp {
namespace {

constexpr std::string_view kRuleRtpmap = "RFC 8866 §6.6: a=rtpmap";

struct StaticType {
  std::string_view payload_type;
  std::string_view name;
  std::uint32_t clock_rate;
};

constexpr std::array<StaticType, 5> kStaticTypes{{
    {"0", "PCMU", 8000},
    {"3", "GSM", 8000},
    {"8", "PCMA", 8000},
    {"9", "G722", 8000},
    {"18", "G729", 8000},
}};

template <class T>
bool parse_number(std::string_view s, T& out) {
  if (s.empty()) {
    return false;
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') {
    s.remove_prefix(1);
  }
  while (!s.empty() && s.back() == ' ') {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

Result<RtpMap> parse_rtpmap(std::string_view text) {
  const std::size_t slash = text.find('/');
  if (slash == 0 || slash == std::string_view::npos) {
    return fail(kRuleRtpmap, "expected '<encoding>/<clock rate>[/<channels>]', got '" +
                                 std::string(text.substr(0, 80)) + "'");
  }
  RtpMap map;
  map.encoding_name = std::string(text.substr(0, slash));
  std::string_view rest = text.substr(slash + 1);
  const std::size_t second = rest.find('/');
  if (!parse_number(rest.substr(0, second), map.clock_rate) || map.clock_rate == 0) {
    return fail(kRuleRtpmap, "bad clock rate in '" + std::string(text.substr(0, 80)) + "'");
  }
  if (second != std::string_view::npos &&
      (!parse_number(rest.substr(second + 1), map.channels) || map.channels == 0)) {
    return fail(kRuleRtpmap, "bad channel count in '" + std::string(text.substr(0, 80)) + "'");
  }
  return map;
}

std::string format_rtpmap(const RtpMap& map) {
  std::string out = map.encoding_name + "/" + std::to_string(map.clock_rate);
  if (map.channels != 1) {
    out += "/" + std::to_string(map.channels);
  }
  return out;
}

std::optional<RtpMap> static_rtpmap(std::string_view payload_type) {
  for (const auto& t : kStaticTypes) {
    if (t.payload_type == payload_type) {
      return RtpMap{std::string(t.name), t.clock_rate, 1};
    }
  }
  return std::nullopt;
}

std::optional<RtpMap> rtpmap_for(const MediaDescription& media, std::string_view format) {
  if (auto text = media.attributes.for_format("rtpmap", format)) {
    if (auto map = parse_rtpmap(*text)) {
      return *map;
    }
    return std::nullopt;
  }
  return static_rtpmap(format);
}

bool same_encoding(const RtpMap& a, const RtpMap& b) {
  return a.clock_rate == b.clock_rate && a.channels == b.channels &&
         std::equal(a.encoding_name.begin(), a.encoding_name.end(), b.encoding_name.begin(),
                    b.encoding_name.end(), [](char x, char y) { return lower(x) == lower(y); });
}

std::vector<FormatParameter> parse_format_parameters(std::string_view fmtp) {
  std::vector<FormatParameter> params;
  std::size_t start = 0;
  while (start <= fmtp.size()) {
    const std::size_t semi = fmtp.find(';', start);
    std::string_view part = trim(fmtp.substr(start, semi - start));
    if (!part.empty()) {
      const std::size_t eq = part.find('=');
      if (eq == std::string_view::npos) {
        params.push_back(FormatParameter{{}, std::string(part)});
      } else {
        params.push_back(FormatParameter{std::string(trim(part.substr(0, eq))),
                                         std::string(trim(part.substr(eq + 1)))});
      }
    }
    if (semi == std::string_view::npos) {
      break;
    }
    start = semi + 1;
  }
  return params;
}

std::string format_format_parameters(const std::vector<FormatParameter>& params) {
  std::string out;
  for (const auto& p : params) {
    if (!out.empty()) {
      out.push_back(';');
    }
    out += p.name.empty() ? p.value : p.name + "=" + p.value;
  }
  return out;
}

std::optional<std::string_view> find_parameter(const std::vector<FormatParameter>& params,
                                               std::string_view name) {
  for (const auto& p : params) {
    if (p.name == name) {
      return std::string_view(p.value);
    }
  }
  return std::nullopt;
}

}  // namespace tipring::sdp
