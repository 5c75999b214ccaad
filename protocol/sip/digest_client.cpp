#include "protocol/sip/digest_client.h"

#include "protocol/core/hex.h"

#include <array>
#include <utility>

namespace tipring::sip {

const DigestChallenge* choose_challenge(std::span<const DigestChallenge> offered,
                                        std::string_view realm) {
  const DigestChallenge* best = nullptr;
  for (const auto& challenge : offered) {
    if (challenge.realm != realm ||
        (is_session_variant(challenge.algorithm) && !challenge.qop_auth)) {
      continue;
    }
    if (best == nullptr || strength(challenge.algorithm) > strength(best->algorithm) ||
        (strength(challenge.algorithm) == strength(best->algorithm) && challenge.qop_auth &&
         !best->qop_auth)) {
      best = &challenge;
    }
  }
  return best;
}

DigestClient::DigestClient(std::string username, std::string password, RandomSource& random)
    : username_(std::move(username)), password_(std::move(password)), random_(random) {}

DigestClient::RealmState* DigestClient::find_realm(std::string_view realm) {
  for (auto& state : realms_) {
    if (state.challenge.realm == realm) {
      return &state;
    }
  }
  return nullptr;
}

void DigestClient::adopt(RealmState& state, const DigestChallenge& challenge) {
  state.challenge = challenge;
  state.nonce_count = 0;
  state.proven = false;
  // 128 bits: the cnonce protects the client against chosen-plaintext servers (RFC 7616 §5.10).
  std::array<std::uint8_t, 16> bytes{};
  for (std::size_t half = 0; half < 2; ++half) {
    const std::uint64_t bits = random_.next_u64();
    for (std::size_t i = 0; i < 8; ++i) {
      bytes[8 * half + i] = static_cast<std::uint8_t>(bits >> (8 * i));
    }
  }
  state.cnonce = to_hex(bytes);
  state.session_ha1.clear();
  if (is_session_variant(challenge.algorithm)) {
    const std::string base = ha1_hex(challenge.algorithm, username_, challenge.realm, password_);
    state.session_ha1 = session_ha1_hex(challenge.algorithm, base, challenge.nonce, state.cnonce);
  }
}

DigestClient::Verdict DigestClient::on_challenges(std::span<const DigestChallenge> offered) {
  bool any_usable = false;
  bool refused = false;
  std::vector<std::string_view> realms_seen;
  for (const auto& candidate : offered) {
    bool seen = false;
    for (auto realm : realms_seen) {
      seen = seen || realm == candidate.realm;
    }
    if (seen) {
      continue;
    }
    realms_seen.push_back(candidate.realm);
    const DigestChallenge* chosen = choose_challenge(offered, candidate.realm);
    if (chosen == nullptr) {
      continue;
    }
    any_usable = true;
    RealmState* state = find_realm(chosen->realm);
    if (state == nullptr) {
      realms_.push_back(RealmState{});
      adopt(realms_.back(), *chosen);
      continue;
    }
    // We answered this realm's nonce and the server neither accepted it nor called it stale:
    // the password is wrong. Retrying with the new nonce would only lock the account.
    if (state->nonce_count > 0 && !state->proven && !chosen->stale) {
      refused = true;
      continue;
    }
    adopt(*state, *chosen);
  }
  if (refused) {
    return Verdict::rejected;
  }
  return any_usable ? Verdict::retry : Verdict::unsupported;
}

std::vector<DigestCredentials> DigestClient::authorize(std::string_view method,
                                                       std::string_view request_uri) {
  std::vector<DigestCredentials> out;
  out.reserve(realms_.size());
  for (auto& state : realms_) {
    const DigestChallenge& challenge = state.challenge;
    DigestCredentials credentials;
    credentials.username = username_;
    credentials.realm = challenge.realm;
    credentials.nonce = challenge.nonce;
    credentials.uri = std::string(request_uri);
    credentials.opaque = challenge.opaque;
    credentials.algorithm = challenge.algorithm;
    credentials.qop_auth = challenge.qop_auth;
    ++state.nonce_count;
    DigestRequestFields fields{method, request_uri, challenge.nonce, challenge.qop_auth, {}, 0};
    if (challenge.qop_auth) {
      credentials.cnonce = state.cnonce;
      credentials.nonce_count = state.nonce_count;
      fields.cnonce = state.cnonce;
      fields.nonce_count = state.nonce_count;
    }
    const std::string effective_ha1 =
        is_session_variant(challenge.algorithm)
            ? state.session_ha1
            : ha1_hex(challenge.algorithm, username_, challenge.realm, password_);
    credentials.response = response_hex(challenge.algorithm, effective_ha1, fields);
    out.push_back(std::move(credentials));
  }
  return out;
}

void DigestClient::on_authenticated() {
  for (auto& state : realms_) {
    state.proven = state.nonce_count > 0;
  }
}

void DigestClient::set_password(std::string password) {
  password_ = std::move(password);
  realms_.clear();
}

}  // namespace tipring::sip
