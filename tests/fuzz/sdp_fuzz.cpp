// Fuzzes the SDP parser, serializer, offer/answer and relay rewriting. Invariants: a parsed
// description serializes to text that parses to an equal description; an answer we build
// is valid SDP that apply_answer() accepts; rewriting keeps the description parseable.
#include "protocol/sdp/offer_answer.h"
#include "protocol/sdp/rewrite.h"
#include "protocol/sdp/session_description.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

using namespace tipring::sdp;

void require(bool condition) {
  if (!condition) {
    std::abort();
  }
}

void fuzz_answer(const SessionDescription& offer) {
  LocalCapabilities caps;
  caps.codecs = {opus_codec(), pcmu_codec(), pcma_codec()};
  auto answer = make_answer(offer, caps, MediaAddress{"198.18.0.2", 30000});
  if (!answer) {
    return;
  }
  auto reparsed = parse(serialize(answer->sdp));
  require(reparsed.has_value());
  require(apply_answer(offer, *reparsed).has_value());
}

void fuzz_rewrite(SessionDescription sdp) {
  auto endpoint = audio_endpoint(sdp);
  if (!endpoint) {
    return;
  }
  rewrite_media_endpoint(sdp, endpoint->media_index, MediaAddress{"2001:db8::7", 40000});
  rewrite_origin_address(sdp, "198.18.0.9");
  strip_ice(sdp);
  require(parse(serialize(sdp)).has_value());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto sdp = parse(input);
  if (!sdp) {
    return 0;
  }
  const std::string once = serialize(*sdp);
  auto again = parse(once);
  require(again.has_value() && *again == *sdp && serialize(*again) == once);
  fuzz_answer(*sdp);
  fuzz_rewrite(*sdp);
  return 0;
}
