// Digest header values through the message model's AuthHeader: the auth-param grammar
// lives there; this file adds the Digest rules of RFC 7616 §3.3/§3.4 and replaces the
// minimal stand-in grammar of digest_header.cpp once the message model is built.
#include "protocol/sip/digest_auth_header.h"

#include <charconv>
#include <utility>

namespace tipring::sip {
namespace {

char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) {
      return false;
    }
  }
  return true;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Digest scheme, and no parameter twice (RFC 7616 §3.3: each appears at most once).
Result<void> check_digest(const AuthHeader& header, std::string_view rule) {
  if (!iequals(header.scheme, "Digest")) {
    return fail(rule, "scheme '" + header.scheme + "' is not Digest");
  }
  for (std::size_t i = 0; i < header.params.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (iequals(header.params[i].name, header.params[j].name)) {
        return fail(rule, "parameter '" + header.params[i].name + "' appears twice");
      }
    }
  }
  return {};
}

Result<std::string> required(const AuthHeader& header, std::string_view name,
                             std::string_view rule) {
  const AuthParam* param = header.find(name);
  if (param == nullptr) {
    return fail(rule, "missing " + std::string(name));
  }
  return param->value;
}

std::optional<std::string> optional_value(const AuthHeader& header, std::string_view name) {
  const AuthParam* param = header.find(name);
  return param == nullptr ? std::nullopt : std::optional<std::string>(param->value);
}

Result<std::optional<DigestAlgorithm>> algorithm_of(const AuthHeader& header,
                                                    std::string_view rule) {
  const AuthParam* name = header.find("algorithm");
  if (name == nullptr) {
    return std::optional<DigestAlgorithm>{};
  }
  auto algorithm = parse_digest_algorithm(name->value);
  if (!algorithm) {
    return fail(rule, "unsupported algorithm '" + name->value + "'");
  }
  return algorithm;
}

// qop-options is a quoted, comma-separated list: "auth,auth-int".
bool offers_auth(std::string_view qop_options) {
  while (!qop_options.empty()) {
    const std::size_t comma = qop_options.find(',');
    std::string_view item = qop_options.substr(0, comma);
    while (!item.empty() && is_space(item.front())) {
      item.remove_prefix(1);
    }
    while (!item.empty() && is_space(item.back())) {
      item.remove_suffix(1);
    }
    if (iequals(item, "auth")) {
      return true;
    }
    if (comma == std::string_view::npos) {
      break;
    }
    qop_options.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

Result<DigestChallenge> digest_challenge_from(const AuthHeader& header) {
  constexpr std::string_view kRule = "RFC 7616 §3.3 challenge";
  if (auto ok = check_digest(header, kRule); !ok) {
    return tl::unexpected(ok.error());
  }
  auto realm = required(header, "realm", kRule);
  auto nonce = required(header, "nonce", kRule);
  if (!realm || !nonce) {
    return tl::unexpected(!realm ? realm.error() : nonce.error());
  }
  auto algorithm = algorithm_of(header, kRule);
  if (!algorithm) {
    return tl::unexpected(algorithm.error());
  }
  DigestChallenge challenge;
  challenge.realm = std::move(*realm);
  challenge.nonce = std::move(*nonce);
  challenge.opaque = optional_value(header, "opaque");
  challenge.algorithm = algorithm->value_or(DigestAlgorithm::md5);
  challenge.qop_auth = offers_auth(header.value("qop"));
  challenge.stale = iequals(header.value("stale"), "true");
  return challenge;
}

AuthHeader to_auth_header(const DigestChallenge& challenge) {
  AuthHeader header;
  header.scheme = "Digest";
  header.set("realm", challenge.realm, true);
  header.set("nonce", challenge.nonce, true);
  if (challenge.opaque) {
    header.set("opaque", *challenge.opaque, true);
  }
  header.set("algorithm", to_string(challenge.algorithm), false);
  if (challenge.qop_auth) {
    header.set("qop", "auth", true);
  }
  if (challenge.stale) {
    header.set("stale", "TRUE", false);
  }
  return header;
}

Result<DigestCredentials> digest_credentials_from(const AuthHeader& header) {
  constexpr std::string_view kRule = "RFC 7616 §3.4 credentials";
  if (auto ok = check_digest(header, kRule); !ok) {
    return tl::unexpected(ok.error());
  }
  DigestCredentials credentials;
  std::pair<std::string_view, std::string*> fields[] = {
      {"username", &credentials.username}, {"realm", &credentials.realm},
      {"nonce", &credentials.nonce},       {"uri", &credentials.uri},
      {"response", &credentials.response},
  };
  for (auto& [name, target] : fields) {
    auto value = required(header, name, kRule);
    if (!value) {
      return tl::unexpected(value.error());
    }
    *target = std::move(*value);
  }
  auto algorithm = algorithm_of(header, kRule);
  if (!algorithm) {
    return tl::unexpected(algorithm.error());
  }
  credentials.algorithm = *algorithm;
  credentials.opaque = optional_value(header, "opaque");
  const AuthParam* qop = header.find("qop");
  if (qop == nullptr) {
    return credentials;
  }
  if (!iequals(qop->value, "auth")) {
    return fail(kRule, "qop '" + qop->value + "' is not auth");
  }
  credentials.qop_auth = true;
  auto cnonce = required(header, "cnonce", kRule);
  auto nc = required(header, "nc", kRule);
  if (!cnonce || !nc) {
    return tl::unexpected(!cnonce ? cnonce.error() : nc.error());
  }
  std::uint32_t nonce_count = 0;
  const char* end = nc->data() + nc->size();
  const auto parsed = std::from_chars(nc->data(), end, nonce_count, 16);
  if (nc->size() != 8 || parsed.ec != std::errc() || parsed.ptr != end) {
    return fail(kRule, "nc '" + *nc + "' is not 8 hex digits");
  }
  credentials.cnonce = std::move(*cnonce);
  credentials.nonce_count = nonce_count;
  return credentials;
}

AuthHeader to_auth_header(const DigestCredentials& credentials) {
  AuthHeader header;
  header.scheme = "Digest";
  header.set("username", credentials.username, true);
  header.set("realm", credentials.realm, true);
  header.set("nonce", credentials.nonce, true);
  header.set("uri", credentials.uri, true);
  header.set("response", credentials.response, true);
  if (credentials.algorithm) {
    header.set("algorithm", to_string(*credentials.algorithm), false);
  }
  if (credentials.opaque) {
    header.set("opaque", *credentials.opaque, true);
  }
  if (credentials.qop_auth) {
    header.set("qop", "auth", false);
    header.set("cnonce", credentials.cnonce.value_or(""), true);
    header.set("nc", format_nonce_count(credentials.nonce_count.value_or(0)), false);
  }
  return header;
}

Result<DigestChallenge> parse_digest_challenge(std::string_view header_value) {
  auto header = AuthHeader::parse(header_value);
  if (!header) {
    return tl::unexpected(header.error());
  }
  return digest_challenge_from(*header);
}

std::string format_digest_challenge(const DigestChallenge& challenge) {
  return to_auth_header(challenge).to_string();
}

Result<DigestCredentials> parse_digest_credentials(std::string_view header_value) {
  auto header = AuthHeader::parse(header_value);
  if (!header) {
    return tl::unexpected(header.error());
  }
  return digest_credentials_from(*header);
}

std::string format_digest_credentials(const DigestCredentials& credentials) {
  return to_auth_header(credentials).to_string();
}

}  // namespace tipring::sip
