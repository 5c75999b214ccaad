// CallRecord: the call-history entry every call leaves behind (direction, peer, when it
// started, was answered and ended, and why it ended in words), and the call states a
// softphone shows. The end reason table turns SIP final responses (RFC 3261 §21) into the
// words a person reads in the call list.
#pragma once

#include "protocol/core/time.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tipring::client {

enum class CallDirection : std::uint8_t { outgoing, incoming };

enum class CallState : std::uint8_t {
  calling,      // outgoing: INVITE sent, the peer has not started ringing yet
  ringing,      // outgoing: the peer is ringing (180)
  early_media,  // outgoing: the peer sends media before answering (183 with SDP)
  incoming,     // incoming: we are ringing (180 sent), waiting for answer() or reject()
  active,       // answered; media flows (possibly held)
  ended,
};

std::string_view to_string(CallDirection direction);
std::string_view to_string(CallState state);

struct CallRecord {
  CallDirection direction = CallDirection::outgoing;
  std::string peer;               // the other party's SIP URI, "sip:bob@example.org"
  std::string peer_display_name;  // as the peer's From/To named itself, may be empty
  TimePoint started_at;
  std::optional<TimePoint> answered_at;
  std::optional<TimePoint> ended_at;
  // Why the call ended, for a person: "hung up", "remote hung up", "busy", "declined",
  // "cancelled", "no answer", "transferred", ... Empty while the call lasts.
  std::string end_reason;
  int end_status = 0;  // the SIP status that ended it (486, 603, ...), 0 for a BYE or local end

  [[nodiscard]] bool answered() const { return answered_at.has_value(); }
  // Answered calls that ended by a BYE from either side count as successful.
  [[nodiscard]] bool ended_normally() const;
  [[nodiscard]] Duration talk_time() const;
};

// The words for a final response that ended an outgoing call attempt.
std::string reason_for_call_failure(int status_code, std::string_view reason_phrase);

// End reasons the user agent itself decides on; one table so the CLI, GUI and tests agree.
namespace end_reason {
inline constexpr std::string_view kHungUp = "hung up";
inline constexpr std::string_view kRemoteHungUp = "remote hung up";
inline constexpr std::string_view kCancelled = "cancelled";
inline constexpr std::string_view kCancelledByCaller = "cancelled by caller";
inline constexpr std::string_view kRejectedBusy = "rejected (busy)";
inline constexpr std::string_view kRejectedDeclined = "rejected (declined)";
inline constexpr std::string_view kTransferred = "transferred";
inline constexpr std::string_view kReplaced = "replaced";
inline constexpr std::string_view kNoResponse = "no response from the server";
inline constexpr std::string_view kNoAck = "the peer never confirmed the answer (no ACK)";
inline constexpr std::string_view kIncompatibleMedia = "incompatible media";
inline constexpr std::string_view kDialogLost = "the peer no longer knows the call";
inline constexpr std::string_view kShutdown = "the phone shut down";
}  // namespace end_reason

}  // namespace tipring::client
