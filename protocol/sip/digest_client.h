// DigestClient: the user agent's side of digest authentication (RFC 3261 §22.2–§22.3,
// RFC 7616 §3.4, RFC 8760): picks the strongest challenge per realm, answers with qop=auth,
// a cnonce from the injected RandomSource and a nonce-count that grows per nonce, and tells
// a stale nonce (retry silently) from a rejected password (ask the user).
// Keep one instance for 401/WWW-Authenticate and one for 407/Proxy-Authenticate.
#pragma once

#include "protocol/core/random.h"
#include "protocol/sip/digest.h"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tipring::sip {

class DigestClient {
public:
  // What the caller does after a 401/407.
  enum class Verdict : std::uint8_t {
    retry,        // credentials are ready: resend the request with authorize()'s output
    rejected,     // the password was refused (a fresh, non-stale challenge after our answer):
                  // stop and ask the user; set_password() re-arms the client
    unsupported,  // no offered challenge uses an algorithm/qop we implement: fail the request
  };

  DigestClient(std::string username, std::string password, RandomSource& random);

  // Records the challenges of one 401 or 407 response (all its WWW-/Proxy-Authenticate
  // values, in order) and says whether to retry.
  Verdict on_challenges(std::span<const DigestChallenge> offered);

  // Credentials for every realm with a current nonce, for a request with this method and
  // Request-URI; each call counts one use of each nonce (nc). Empty before any challenge.
  [[nodiscard]] std::vector<DigestCredentials> authorize(std::string_view method,
                                                         std::string_view request_uri);

  // The request carrying authorize()'s credentials got a final non-401/407 response: the
  // current nonces are proven good, so a later non-stale challenge means the server forgot
  // them (restart, expiry) rather than that the password is wrong.
  void on_authenticated();

  // A new password from the user: forgets the nonces it was refused with.
  void set_password(std::string password);

  // Drops all nonces, e.g. when the account's registrar changes.
  void reset() { realms_.clear(); }

private:
  struct RealmState {
    DigestChallenge challenge;
    std::string cnonce;
    std::string session_ha1;        // -sess only: computed once per (nonce, cnonce)
    std::uint32_t nonce_count = 0;  // uses of challenge.nonce so far
    bool proven = false;            // a request authorized with this nonce succeeded
  };

  RealmState* find_realm(std::string_view realm);
  void adopt(RealmState& state, const DigestChallenge& challenge);

  std::string username_;
  std::string password_;
  RandomSource& random_;
  std::vector<RealmState> realms_;
};

// Chooses, among the challenges of one realm, the one to answer: the strongest algorithm
// whose qop we can satisfy (-sess needs qop, which carries the cnonce); among equals, the first
// offered (RFC 8760 §2.4 lists them in the server's order of preference). Returns nullptr when none
// is usable.
[[nodiscard]] const DigestChallenge* choose_challenge(std::span<const DigestChallenge> offered,
                                                      std::string_view realm);

}  // namespace tipring::sip
