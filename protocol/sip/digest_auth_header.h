// DigestChallenge and DigestCredentials to and from the message model's generic AuthHeader
// (RFC 3261 §25.1 challenge/credentials): Message::auth_headers() parses the auth-params,
// these add the Digest rules of RFC 7616 §3.3/§3.4 (required parameters, algorithm, qop, nc).
#pragma once

#include "protocol/core/error.h"
#include "protocol/sip/auth_header.h"
#include "protocol/sip/digest.h"

namespace tipring::sip {

// Reject a scheme other than Digest, a repeated parameter and a missing required one.
[[nodiscard]] Result<DigestChallenge> digest_challenge_from(const AuthHeader& header);
[[nodiscard]] AuthHeader to_auth_header(const DigestChallenge& challenge);
[[nodiscard]] Result<DigestCredentials> digest_credentials_from(const AuthHeader& header);
[[nodiscard]] AuthHeader to_auth_header(const DigestCredentials& credentials);

}  // namespace tipring::sip
