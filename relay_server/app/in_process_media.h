// InProcessMediaLegs: the proxy's MediaLegs seam (relay_server/proxy/media_steering.h)
// served by the MediaRelay running in the same process — DESIGN.md's co-located case, where
// the proxy asks for legs by function call instead of over the ng protocol.
#pragma once

#include "relay_server/media/media_relay.h"
#include "relay_server/proxy/media_steering.h"

namespace tipring::relay {

class InProcessMediaLegs final : public MediaLegs {
public:
  explicit InProcessMediaLegs(MediaRelay& relay) : relay_(relay) {}

  Result<MediaChannel> offer(std::string_view call_id, std::string_view from_tag,
                             std::string_view to_tag, const MediaSide& offerer) override;
  Result<MediaChannel> answer(std::string_view call_id, std::string_view from_tag,
                              std::string_view to_tag, const MediaSide& answerer) override;
  void release(std::string_view call_id, std::string_view from_tag) override;

private:
  MediaRelay& relay_;
};

// The relay's view of a party, or an error naming the address that did not parse.
Result<MediaParty> to_media_party(const MediaSide& side);

}  // namespace tipring::relay
