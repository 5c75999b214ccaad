// Media direction attributes (RFC 8866 §6.7; RFC 3264 §5.1, §6.1) and the arithmetic of
// hold (RFC 6337 §5): who may send and who may receive, seen from either side.
#pragma once

#include "protocol/sdp/session_description.h"

#include <optional>
#include <string_view>

namespace tipring::sdp {

enum class Direction { sendrecv, sendonly, recvonly, inactive };

[[nodiscard]] std::string_view attribute_name(Direction d);
[[nodiscard]] std::optional<Direction> direction_from_attribute(std::string_view name);

[[nodiscard]] constexpr bool sends(Direction d) {
  return d == Direction::sendrecv || d == Direction::sendonly;
}
[[nodiscard]] constexpr bool receives(Direction d) {
  return d == Direction::sendrecv || d == Direction::recvonly;
}
[[nodiscard]] constexpr Direction make_direction(bool send, bool receive) {
  if (send) {
    return receive ? Direction::sendrecv : Direction::sendonly;
  }
  return receive ? Direction::recvonly : Direction::inactive;
}
// The same stream seen from the other end: sendonly there is recvonly here.
[[nodiscard]] constexpr Direction reversed(Direction d) {
  return make_direction(receives(d), sends(d));
}

// The direction a media section declares: its own attribute, else the session's, else
// sendrecv (§6.7). A c= of 0.0.0.0 (RFC 2543 hold, RFC 6337 §5.3) means "do not send to
// me", so receiving is removed.
[[nodiscard]] Direction declared_direction(const SessionDescription& sdp, std::size_t media_index);

// Replaces any direction attribute of the media section with `d`.
void set_direction(MediaDescription& media, Direction d);

}  // namespace tipring::sdp
