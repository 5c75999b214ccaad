#include "relay_server/media/ng_sdp.h"

#include <charconv>
#include <vector>

namespace tipring::relay {

namespace {

std::vector<std::string_view> lines_of(std::string_view sdp) {
  std::vector<std::string_view> lines;
  while (!sdp.empty()) {
    const auto end = sdp.find('\n');
    std::string_view line = sdp.substr(0, end);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (!line.empty()) {
      lines.push_back(line);
    }
    sdp = end == std::string_view::npos ? std::string_view{} : sdp.substr(end + 1);
  }
  return lines;
}

std::vector<std::string_view> words_of(std::string_view s) {
  std::vector<std::string_view> words;
  while (!s.empty()) {
    const auto start = s.find_first_not_of(' ');
    if (start == std::string_view::npos) {
      break;
    }
    s.remove_prefix(start);
    const auto end = s.find(' ');
    words.push_back(s.substr(0, end));
    s = end == std::string_view::npos ? std::string_view{} : s.substr(end);
  }
  return words;
}

bool parse_port(std::string_view text, std::uint16_t& port) {
  // "49170" or "49170/2" (RFC 8866 §5.14 port/number-of-ports).
  text = text.substr(0, text.find('/'));
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value > 65535) {
    return false;
  }
  port = static_cast<std::uint16_t>(value);
  return true;
}

// c=IN IP4 203.0.113.1 -> the address.
std::optional<IpAddress> connection_address(std::string_view value) {
  const auto words = words_of(value);
  if (words.size() < 3 || words[0] != "IN") {
    return std::nullopt;
  }
  return IpAddress::parse(words[2].substr(0, words[2].find('/')));
}

bool is_ice_attribute(std::string_view line) {
  for (std::string_view name :
       {"a=candidate:", "a=ice-ufrag:", "a=ice-pwd:", "a=ice-options:", "a=ice-lite",
        "a=ice-mismatch", "a=remote-candidates:", "a=end-of-candidates", "a=ice-pacing:"}) {
    if (line.starts_with(name)) {
      return true;
    }
  }
  return false;
}

std::string address_type(std::string_view address) {
  return address.find(':') == std::string_view::npos ? "IP4" : "IP6";
}

}  // namespace

Result<SdpAudio> read_sdp_audio(std::string_view sdp) {
  const auto lines = lines_of(sdp);
  if (lines.empty() || lines[0] != "v=0") {
    return fail("RFC 8866 §5.1", "an SDP body starts with v=0");
  }
  std::optional<IpAddress> session_address;
  std::optional<IpAddress> media_address;
  SdpAudio audio;
  bool in_audio = false;
  bool found = false;
  bool session_held = false;
  bool media_direction_seen = false;
  for (std::string_view line : lines) {
    if (line.starts_with("m=")) {
      if (found && in_audio) {
        break;  // only the first audio stream
      }
      const auto words = words_of(line.substr(2));
      in_audio = !words.empty() && words[0] == "audio";
      if (in_audio) {
        if (words.size() < 4 || !parse_port(words[1], audio.address.port)) {
          return fail("RFC 8866 §5.14", "malformed m=audio line");
        }
        audio.transport = std::string(words[2]);
        found = true;
      }
      continue;
    }
    const bool session_level = !found && !in_audio;
    if (!session_level && !in_audio) {
      continue;
    }
    if (line.starts_with("c=")) {
      auto address = connection_address(line.substr(2));
      if (!address) {
        return fail("RFC 8866 §5.7", "malformed c= line");
      }
      (session_level ? session_address : media_address) = address;
    } else if (line == "a=sendonly" || line == "a=inactive") {
      (session_level ? session_held : audio.held) = true;
      media_direction_seen = media_direction_seen || !session_level;
    } else if (line == "a=sendrecv" || line == "a=recvonly") {
      media_direction_seen = media_direction_seen || !session_level;
    } else if (in_audio && line == "a=rtcp-mux") {
      audio.rtcp_mux = true;
    } else if (in_audio && line.starts_with("a=rtcp:")) {
      const auto words = words_of(line.substr(7));
      if (words.empty() || !parse_port(words[0], audio.rtcp_port)) {
        return fail("RFC 3605 §2.1", "malformed a=rtcp line");
      }
    }
  }
  if (!found) {
    return fail("RFC 8866 §5.14", "no m=audio stream");
  }
  const auto address = media_address ? media_address : session_address;
  if (!address) {
    return fail("RFC 8866 §5.7", "no c= line for the audio stream");
  }
  audio.address.ip = *address;
  audio.held = audio.held || (!media_direction_seen && session_held) || address->is_unspecified();
  return audio;
}

std::string rewrite_sdp(std::string_view sdp, const SdpRewrite& r) {
  const std::string type = address_type(r.address);
  std::string out;
  out.reserve(sdp.size() + 64);
  bool in_audio = false;
  bool audio_done = false;
  auto emit = [&](std::string_view line) { out.append(line).append("\r\n"); };
  auto close_audio = [&] {
    if (in_audio) {
      emit("a=rtcp:" + std::to_string(r.rtcp_port));
      if (r.rtcp_mux) {
        emit("a=rtcp-mux");
      }
      in_audio = false;
      audio_done = true;
    }
  };
  for (std::string_view line : lines_of(sdp)) {
    if (line.starts_with("m=")) {
      close_audio();
      auto words = words_of(line.substr(2));
      std::string rewritten = "m=";
      const bool audio = !audio_done && !words.empty() && words[0] == "audio";
      for (std::size_t i = 0; i < words.size(); ++i) {
        rewritten.append(i == 0 ? "" : " ");
        if (i == 1) {
          rewritten.append(audio ? std::to_string(r.rtp_port) : "0");
        } else {
          rewritten.append(words[i]);
        }
      }
      emit(rewritten);
      in_audio = audio;
      continue;
    }
    if (line.starts_with("c=")) {
      emit("c=IN " + type + " " + r.address);
    } else if (line.starts_with("o=") && r.replace_origin) {
      auto words = words_of(line.substr(2));
      std::string rewritten = "o=";
      for (std::size_t i = 0; i < words.size(); ++i) {
        rewritten.append(i == 0 ? "" : " ");
        rewritten.append(i == 4   ? std::string_view(type)
                         : i == 5 ? std::string_view(r.address)
                                  : words[i]);
      }
      emit(rewritten);
    } else if (line == "a=rtcp-mux" || line.starts_with("a=rtcp:") || is_ice_attribute(line)) {
      continue;
    } else {
      emit(line);
    }
  }
  close_audio();
  return out;
}

}  // namespace tipring::relay
