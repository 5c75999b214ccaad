#include "client/ua/call_record.h"

#include <array>

namespace tipring::client {
namespace {

struct FailureRow {
  int code;
  std::string_view text;
};
// Final responses a caller meets, in the words the call list shows.
constexpr std::array kFailures{
    FailureRow{401, "wrong password"},
    FailureRow{403, "forbidden"},
    FailureRow{404, "unknown number"},
    FailureRow{407, "wrong password (proxy)"},
    FailureRow{408, "no answer"},
    FailureRow{410, "number no longer in service"},
    FailureRow{480, "unavailable"},
    FailureRow{484, "incomplete number"},
    FailureRow{486, "busy"},
    FailureRow{487, "cancelled"},
    FailureRow{488, "incompatible media"},
    FailureRow{500, "server error"},
    FailureRow{503, "service unavailable"},
    FailureRow{600, "busy"},
    FailureRow{603, "declined"},
    FailureRow{604, "unknown number"},
    FailureRow{606, "incompatible media"},
};

}  // namespace

std::string_view to_string(CallDirection direction) {
  return direction == CallDirection::outgoing ? "outgoing" : "incoming";
}

std::string_view to_string(CallState state) {
  switch (state) {
    case CallState::calling:
      return "calling";
    case CallState::ringing:
      return "ringing";
    case CallState::early_media:
      return "early-media";
    case CallState::incoming:
      return "incoming";
    case CallState::active:
      return "active";
    case CallState::ended:
      return "ended";
  }
  return "unknown";
}

bool CallRecord::ended_normally() const {
  return answered() &&
         (end_reason == end_reason::kHungUp || end_reason == end_reason::kRemoteHungUp ||
          end_reason == end_reason::kTransferred);
}

Duration CallRecord::talk_time() const {
  if (!answered_at || !ended_at) {
    return Duration{0};
  }
  return *ended_at - *answered_at;
}

std::string reason_for_call_failure(int status_code, std::string_view reason_phrase) {
  for (const FailureRow& row : kFailures) {
    if (row.code == status_code) {
      return std::string(row.text);
    }
  }
  std::string out = "failed: " + std::to_string(status_code);
  if (!reason_phrase.empty()) {
    out.append(" ").append(reason_phrase);
  }
  return out;
}

}  // namespace tipring::client
