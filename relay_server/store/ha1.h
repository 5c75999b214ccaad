// HA1 digests for stored users: H(username ":" realm ":" password) of RFC 7616 §3.4.2,
// with H = MD5 or SHA-256 (RFC 8760). The directory keeps only these, so a leaked store
// does not reveal passwords (and only works for its own realm).
#pragma once

#include "relay_server/store/directory.h"

#include <string>
#include <string_view>

namespace tipring::relay {

enum class DigestAlgorithm { md5, sha256 };

// Lower-case hex, 32 digits for MD5 and 64 for SHA-256.
std::string ha1_hex(DigestAlgorithm algorithm, std::string_view user, std::string_view realm,
                    std::string_view password);

// Both digests for a new or changed password.
UserRecord make_user_record(std::string_view user, std::string_view realm,
                            std::string_view password);

}  // namespace tipring::relay
