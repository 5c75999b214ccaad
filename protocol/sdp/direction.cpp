#include "protocol/sdp/direction.h"

#include <array>

namespace tipring::sdp {
namespace {

constexpr std::array<std::string_view, 4> kNames{"sendrecv", "sendonly", "recvonly", "inactive"};

std::optional<Direction> direction_in(const Attributes& attrs) {
  for (const auto& a : attrs.items) {
    if (!a.value) {
      if (auto d = direction_from_attribute(a.name)) {
        return d;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::string_view attribute_name(Direction d) {
  return kNames[static_cast<std::size_t>(d)];
}

std::optional<Direction> direction_from_attribute(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) {
      return static_cast<Direction>(i);
    }
  }
  return std::nullopt;
}

Direction declared_direction(const SessionDescription& sdp, std::size_t media_index) {
  Direction d = Direction::sendrecv;
  if (auto own = direction_in(sdp.media[media_index].attributes)) {
    d = *own;
  } else if (auto session = direction_in(sdp.attributes)) {
    d = *session;
  }
  const Connection* c = sdp.connection_for(media_index);
  if (c != nullptr && c->address == "0.0.0.0") {
    d = make_direction(sends(d), false);
  }
  return d;
}

void set_direction(MediaDescription& media, Direction d) {
  for (auto name : kNames) {
    media.attributes.remove(name);
  }
  media.attributes.add(std::string(attribute_name(d)));
}

}  // namespace tipring::sdp
