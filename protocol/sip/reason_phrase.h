// The standard reason phrases of SIP status codes (RFC 3261 §21 and the extension RFCs a
// softphone and proxy meet), as one table.
#pragma once

#include <string_view>

namespace tipring::sip {

// The phrase for `status_code`, or a class phrase ("Client Error" for an unknown 4xx).
std::string_view reason_phrase(int status_code);

}  // namespace tipring::sip
