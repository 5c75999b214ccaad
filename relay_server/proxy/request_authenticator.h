// RequestAuthenticator: digest verification of a request against the Directory's stored
// H(A1)s (RFC 3261 §22, RFC 7616), shared by the registrar (Authorization/401, §22.2) and
// the proxy (Proxy-Authorization/407, §22.3). Unknown users are checked against a decoy
// H(A1), so they fail exactly like a wrong password (no enumeration of accounts).
#pragma once

#include "protocol/core/random.h"
#include "protocol/core/time.h"
#include "protocol/sip/digest_server.h"
#include "protocol/sip/message.h"
#include "relay_server/store/directory.h"

#include <cstdint>
#include <string>

namespace tipring::relay {

enum class AuthVerdict : std::uint8_t {
  authenticated,   // `user` holds the verified user name
  no_credentials,  // challenge
  stale,           // stale or replayed nonce: challenge with stale=true
  failed,          // wrong password, unknown user, wrong realm: challenge (same answer)
  store_error,     // the directory failed: 500
};

struct AuthOutcome {
  AuthVerdict verdict = AuthVerdict::no_credentials;
  std::string user;
};

class RequestAuthenticator {
public:
  RequestAuthenticator(sip::DigestServer& digest, Directory& directory, RandomSource& random);

  // Reads the credentials for our realm from header `credentials` (Authorization or
  // Proxy-Authorization) and verifies them.
  AuthOutcome check(const sip::Message& request, sip::HeaderId credentials, TimePoint now);
  // The 401 (WWW-Authenticate) or 407 (Proxy-Authenticate) answering `request`.
  sip::Message challenge(const sip::Message& request, int status, bool stale, TimePoint now);

  [[nodiscard]] const std::string& realm() const { return digest_.config().realm; }

private:
  sip::DigestServer& digest_;
  Directory& directory_;
  RandomSource& random_;
  std::string decoy_secret_;
};

}  // namespace tipring::relay
