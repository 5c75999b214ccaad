#include "relay_server/proxy/request_authenticator.h"

#include "protocol/sip/digest.h"

#include <optional>

namespace tipring::relay {

RequestAuthenticator::RequestAuthenticator(sip::DigestServer& digest, Directory& directory,
                                           RandomSource& random)
    : digest_(digest), directory_(directory), random_(random), decoy_secret_(random.token(24)) {}

AuthOutcome RequestAuthenticator::check(const sip::Message& request, sip::HeaderId credentials,
                                        TimePoint now) {
  std::optional<sip::DigestCredentials> offered;
  for (std::size_t i = 0; i < request.header_count(); ++i) {
    const auto field = request.header(i);
    if (field.id != credentials) {
      continue;
    }
    auto parsed = sip::parse_digest_credentials(field.value);
    if (parsed && parsed->realm == realm()) {
      offered = std::move(*parsed);
      break;
    }
  }
  if (!offered) {
    return {AuthVerdict::no_credentials, {}};
  }
  auto user = directory_.find_user(offered->username, realm());
  if (!user) {
    return {AuthVerdict::store_error, {}};
  }
  const sip::StoredHa1 stored =
      *user ? sip::StoredHa1{(*user)->ha1_md5, (*user)->ha1_sha256}
            : sip::StoredHa1{sip::ha1_hex(sip::DigestAlgorithm::md5, offered->username, realm(),
                                          decoy_secret_),
                             sip::ha1_hex(sip::DigestAlgorithm::sha256, offered->username, realm(),
                                          decoy_secret_)};
  switch (digest_.verify(*offered, request.method_text(), stored, now)) {
    case sip::DigestVerdict::accepted:
      if (*user) {
        return {AuthVerdict::authenticated, offered->username};
      }
      break;
    case sip::DigestVerdict::stale_nonce:
    case sip::DigestVerdict::replayed:
      return {AuthVerdict::stale, {}};
    case sip::DigestVerdict::wrong_response:
    case sip::DigestVerdict::wrong_realm:
    case sip::DigestVerdict::unsupported:
      break;
  }
  return {AuthVerdict::failed, {}};
}

sip::Message RequestAuthenticator::challenge(const sip::Message& request, int status, bool stale,
                                             TimePoint now) {
  auto response = sip::make_response(request, status, {}, random_.token(10));
  const auto header =
      status == 407 ? sip::HeaderId::ProxyAuthenticate : sip::HeaderId::WwwAuthenticate;
  for (const auto& offered : digest_.challenges(now, stale)) {
    response.add_header(header, sip::format_digest_challenge(offered));
  }
  return response;
}

}  // namespace tipring::relay
