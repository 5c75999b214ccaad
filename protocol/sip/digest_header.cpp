// Header-value forms of DigestChallenge and DigestCredentials. The auth-param grammar here is
// the minimum digest needs (RFC 3261 §25.1 challenge/credentials, RFC 7616 §3.3/§3.4); it
// goes away when the SIP message model's generic auth header takes over the parsing.
#include "protocol/sip/digest.h"

#include <charconv>
#include <utility>
#include <vector>

namespace tipring::sip {
namespace {

constexpr std::string_view kRule = "RFC 7616 §3.3 / RFC 3261 §25.1 auth-param";

struct AuthParam {
  std::string name;
  std::string value;  // unquoted, escapes removed
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
    return true;
  }
  return std::string_view("-.!%*_+`'~").find(c) != std::string_view::npos;
}

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

class Cursor {
public:
  explicit Cursor(std::string_view text) : text_(text) {}
  void skip_space() {
    while (pos_ < text_.size() && is_space(text_[pos_])) {
      ++pos_;
    }
  }
  [[nodiscard]] bool done() const { return pos_ >= text_.size(); }
  [[nodiscard]] char peek() const { return text_[pos_]; }
  void advance() { ++pos_; }
  std::string_view token() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && is_token_char(text_[pos_])) {
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }
  // After the opening quote: reads to the closing quote, resolving quoted-pairs.
  Result<std::string> quoted_rest() {
    std::string out;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') {
        return out;
      }
      if (c == '\\') {
        if (pos_ >= text_.size()) {
          break;
        }
        out.push_back(text_[pos_++]);
      } else {
        out.push_back(c);
      }
    }
    return fail(kRule, "unterminated quoted-string");
  }

private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// "Digest" LWS auth-param *(COMMA auth-param)
Result<std::vector<AuthParam>> parse_digest_params(std::string_view header_value) {
  Cursor cursor(header_value);
  cursor.skip_space();
  const std::string_view scheme = cursor.token();
  if (!iequals(scheme, "Digest")) {
    return fail(kRule, "scheme '" + std::string(scheme) + "' is not Digest");
  }
  std::vector<AuthParam> params;
  while (true) {
    cursor.skip_space();
    if (cursor.done()) {
      break;
    }
    const std::string_view name = cursor.token();
    if (name.empty()) {
      return fail(kRule, "expected a parameter name");
    }
    cursor.skip_space();
    if (cursor.done() || cursor.peek() != '=') {
      return fail(kRule, "parameter '" + std::string(name) + "' has no '='");
    }
    cursor.advance();
    cursor.skip_space();
    AuthParam param{std::string(name), {}};
    if (!cursor.done() && cursor.peek() == '"') {
      cursor.advance();
      auto value = cursor.quoted_rest();
      if (!value) {
        return tl::unexpected(value.error());
      }
      param.value = std::move(*value);
    } else {
      const std::string_view value = cursor.token();
      if (value.empty()) {
        return fail(kRule, "parameter '" + param.name + "' has an empty value");
      }
      param.value = std::string(value);
    }
    for (const auto& seen : params) {
      if (iequals(seen.name, param.name)) {
        return fail("RFC 7616 §3.3", "parameter '" + param.name + "' appears twice");
      }
    }
    params.push_back(std::move(param));
    cursor.skip_space();
    if (cursor.done()) {
      break;
    }
    if (cursor.peek() != ',') {
      return fail(kRule, "expected ',' after parameter '" + params.back().name + "'");
    }
    cursor.advance();
  }
  return params;
}

const std::string* find(const std::vector<AuthParam>& params, std::string_view name) {
  for (const auto& param : params) {
    if (iequals(param.name, name)) {
      return &param.value;
    }
  }
  return nullptr;
}

Result<std::string> required(const std::vector<AuthParam>& params, std::string_view name,
                             std::string_view rule) {
  const std::string* value = find(params, name);
  if (value == nullptr) {
    return fail(rule, "missing " + std::string(name));
  }
  return *value;
}

Result<std::optional<DigestAlgorithm>> algorithm_of(const std::vector<AuthParam>& params,
                                                    std::string_view rule) {
  const std::string* name = find(params, "algorithm");
  if (name == nullptr) {
    return std::optional<DigestAlgorithm>{};
  }
  auto algorithm = parse_digest_algorithm(*name);
  if (!algorithm) {
    return fail(rule, "unsupported algorithm '" + *name + "'");
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

void append_quoted(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append("=\"");
  for (char c : value) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  out.push_back('"');
}

void append_token(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.push_back('=');
  out.append(value);
}

}  // namespace

Result<DigestChallenge> parse_digest_challenge(std::string_view header_value) {
  constexpr std::string_view kChallengeRule = "RFC 7616 §3.3 challenge";
  auto params = parse_digest_params(header_value);
  if (!params) {
    return tl::unexpected(params.error());
  }
  DigestChallenge challenge;
  auto realm = required(*params, "realm", kChallengeRule);
  auto nonce = required(*params, "nonce", kChallengeRule);
  if (!realm || !nonce) {
    return tl::unexpected(!realm ? realm.error() : nonce.error());
  }
  challenge.realm = std::move(*realm);
  challenge.nonce = std::move(*nonce);
  if (const std::string* opaque = find(*params, "opaque")) {
    challenge.opaque = *opaque;
  }
  auto algorithm = algorithm_of(*params, kChallengeRule);
  if (!algorithm) {
    return tl::unexpected(algorithm.error());
  }
  challenge.algorithm = algorithm->value_or(DigestAlgorithm::md5);
  if (const std::string* qop = find(*params, "qop")) {
    challenge.qop_auth = offers_auth(*qop);
  }
  if (const std::string* stale = find(*params, "stale")) {
    challenge.stale = iequals(*stale, "true");
  }
  return challenge;
}

std::string format_digest_challenge(const DigestChallenge& challenge) {
  std::string out = "Digest ";
  append_quoted(out, "realm", challenge.realm);
  out.append(", ");
  append_quoted(out, "nonce", challenge.nonce);
  if (challenge.opaque) {
    out.append(", ");
    append_quoted(out, "opaque", *challenge.opaque);
  }
  out.append(", ");
  append_token(out, "algorithm", to_string(challenge.algorithm));
  if (challenge.qop_auth) {
    out.append(", ");
    append_quoted(out, "qop", "auth");
  }
  if (challenge.stale) {
    out.append(", stale=TRUE");
  }
  return out;
}

Result<DigestCredentials> parse_digest_credentials(std::string_view header_value) {
  constexpr std::string_view kCredentialsRule = "RFC 7616 §3.4 credentials";
  auto params = parse_digest_params(header_value);
  if (!params) {
    return tl::unexpected(params.error());
  }
  DigestCredentials credentials;
  std::pair<std::string_view, std::string*> fields[] = {
      {"username", &credentials.username}, {"realm", &credentials.realm},
      {"nonce", &credentials.nonce},       {"uri", &credentials.uri},
      {"response", &credentials.response},
  };
  for (auto& [name, target] : fields) {
    auto value = required(*params, name, kCredentialsRule);
    if (!value) {
      return tl::unexpected(value.error());
    }
    *target = std::move(*value);
  }
  if (const std::string* opaque = find(*params, "opaque")) {
    credentials.opaque = *opaque;
  }
  auto algorithm = algorithm_of(*params, kCredentialsRule);
  if (!algorithm) {
    return tl::unexpected(algorithm.error());
  }
  credentials.algorithm = *algorithm;
  const std::string* qop = find(*params, "qop");
  if (qop == nullptr) {
    return credentials;
  }
  if (!iequals(*qop, "auth")) {
    return fail(kCredentialsRule, "qop '" + *qop + "' is not auth");
  }
  credentials.qop_auth = true;
  auto cnonce = required(*params, "cnonce", kCredentialsRule);
  auto nc = required(*params, "nc", kCredentialsRule);
  if (!cnonce || !nc) {
    return tl::unexpected(!cnonce ? cnonce.error() : nc.error());
  }
  std::uint32_t nonce_count = 0;
  const char* end = nc->data() + nc->size();
  const auto parsed = std::from_chars(nc->data(), end, nonce_count, 16);
  if (nc->size() != 8 || parsed.ec != std::errc() || parsed.ptr != end) {
    return fail(kCredentialsRule, "nc '" + *nc + "' is not 8 hex digits");
  }
  credentials.cnonce = std::move(*cnonce);
  credentials.nonce_count = nonce_count;
  return credentials;
}

std::string format_digest_credentials(const DigestCredentials& credentials) {
  std::string out = "Digest ";
  append_quoted(out, "username", credentials.username);
  out.append(", ");
  append_quoted(out, "realm", credentials.realm);
  out.append(", ");
  append_quoted(out, "nonce", credentials.nonce);
  out.append(", ");
  append_quoted(out, "uri", credentials.uri);
  out.append(", ");
  append_quoted(out, "response", credentials.response);
  if (credentials.algorithm) {
    out.append(", ");
    append_token(out, "algorithm", to_string(*credentials.algorithm));
  }
  if (credentials.opaque) {
    out.append(", ");
    append_quoted(out, "opaque", *credentials.opaque);
  }
  if (credentials.qop_auth) {
    out.append(", qop=auth, ");
    append_quoted(out, "cnonce", credentials.cnonce.value_or(""));
    out.append(", ");
    append_token(out, "nc", format_nonce_count(credentials.nonce_count.value_or(0)));
  }
  return out;
}

}  // namespace tipring::sip
