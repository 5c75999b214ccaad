// The 400 for a request Message::parse rejected (RFC 3261 §8.2.2 / §21.4.1): if the bytes
// still look like a request with the header fields a response copies (Via, From, To,
// Call-ID, CSeq, §8.2.6.2), the reason phrase names the rule that failed; otherwise the
// caller stays silent, as for garbage.
#pragma once

#include "protocol/core/error.h"
#include "protocol/sip/message.h"

#include <optional>
#include <string_view>

namespace tipring::relay {

[[nodiscard]] std::optional<sip::Message> salvage_bad_request(std::string_view bytes,
                                                              const Error& error);

}  // namespace tipring::relay
