// DTMF caller ID (ETSI EN 300 659-1 annex / ES 200 778 practice in DK, NL, SE, BR, IN):
// the number sent as keys before the first ring, `A<number>C` (some networks start with
// 'D'), and `B<code>C` when there is no number: "00" unavailable, "10" private.
#pragma once

#include "pots/caller_id/caller_id_message.h"

#include <string>
#include <string_view>

namespace tipring::pots {

std::string encode_dtmf_caller_id(const CallerId& id);
Result<CallerId> decode_dtmf_caller_id(std::string_view keys);

}  // namespace tipring::pots
