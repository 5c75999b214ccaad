// The answer to a request the directory could not serve — a failed read, a failed write, or
// a batch whose COMMIT failed: 500 (RFC 3261 §21.5.1) with Retry-After (§20.33), so a UA
// waits a moment and retries rather than believing a failed REGISTER was stored.
#pragma once

#include "protocol/sip/message.h"

#include <cstdint>
#include <string_view>

namespace tipring::relay {

// Short because the causes are short-lived (a lock held past the busy timeout, an I/O
// hiccup, space freed by an operator) and a registration must be back before the UA's
// flow or refresh timer loses calls; not 0 or 1 so that a whole batch of UAs refused at
// once does not come straight back at a store that is still failing.
inline constexpr std::uint32_t kDirectoryRetryAfterS = 5;

sip::Message directory_unavailable(const sip::Message& request, std::string_view to_tag);

}  // namespace tipring::relay
