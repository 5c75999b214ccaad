#include "audio/codec/audio_codec.h"

#include "audio/codec/g711_codec.h"
#include "audio/codec/opus_codec.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace tipring::audio {
namespace {

bool iequals_prefix(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

}  // namespace

int clock_rate_hz(CodecKind kind) {
  return kind == CodecKind::opus ? 48000 : 8000;
}

Result<CodecKind> codec_from_sdp_name(std::string_view rtpmap) {
  struct Entry {
    std::string_view name;
    CodecKind kind;
  };
  // RFC 7587 §7: Opus is always signalled as opus/48000/2, whatever is actually coded.
  static constexpr Entry kTable[] = {{"opus/48000/2", CodecKind::opus},
                                     {"PCMU/8000", CodecKind::pcmu},
                                     {"PCMA/8000", CodecKind::pcma}};
  for (const auto& entry : kTable) {
    if (rtpmap.size() == entry.name.size() && iequals_prefix(rtpmap, entry.name)) {
      return entry.kind;
    }
    // "PCMU/8000/1" names the channel count explicitly; accept it.
    if (entry.kind != CodecKind::opus && rtpmap.size() == entry.name.size() + 2 &&
        iequals_prefix(rtpmap, entry.name) && rtpmap.substr(entry.name.size()) == "/1") {
      return entry.kind;
    }
  }
  return fail("RFC 8866 §6.6 rtpmap", "unsupported encoding '" + std::string(rtpmap) + "'");
}

Result<std::unique_ptr<AudioEncoder>> make_encoder(const CodecSettings& settings) {
  if (settings.kind == CodecKind::opus) {
    auto encoder = OpusVoiceEncoder::create(settings);
    if (!encoder) {
      return tl::unexpected(encoder.error());
    }
    return std::unique_ptr<AudioEncoder>(std::move(*encoder));
  }
  if (settings.frame_ms < 10 || settings.frame_ms > 60 || settings.frame_ms % 10 != 0) {
    return fail("RFC 3551 §4.5.14",
                "G.711 frame of " + std::to_string(settings.frame_ms) + " ms not supported");
  }
  return std::unique_ptr<AudioEncoder>(
      std::make_unique<G711Encoder>(settings.kind, settings.frame_ms));
}

Result<std::unique_ptr<AudioDecoder>> make_decoder(CodecKind kind, bool peer_sends_fec) {
  if (kind == CodecKind::opus) {
    auto decoder = OpusVoiceDecoder::create(peer_sends_fec);
    if (!decoder) {
      return tl::unexpected(decoder.error());
    }
    return std::unique_ptr<AudioDecoder>(std::move(*decoder));
  }
  return std::unique_ptr<AudioDecoder>(std::make_unique<G711Decoder>(kind));
}

}  // namespace tipring::audio
