#include "protocol/bencode/ng_datagram.h"

namespace tipring::bencode {
namespace {

constexpr std::string_view kRuleFrame = "ng protocol: COOKIE SP BENCODED-DICT";

bool is_cookie_char(char c) {
  return c > ' ' && c < 0x7f;
}

}  // namespace

Result<NgFrame> split_ng_datagram(std::string_view datagram) {
  const std::size_t space = datagram.find(' ');
  if (space == std::string_view::npos) {
    return fail(kRuleFrame, "no space after the cookie");
  }
  if (space == 0) {
    return fail(kRuleFrame, "empty cookie");
  }
  if (space > kMaxNgCookieBytes) {
    return fail(kRuleFrame, "cookie longer than " + std::to_string(kMaxNgCookieBytes) + " bytes");
  }
  std::string_view cookie = datagram.substr(0, space);
  for (char c : cookie) {
    if (!is_cookie_char(c)) {
      return fail(kRuleFrame, "cookie contains a control or non-ASCII byte");
    }
  }
  std::string_view body = datagram.substr(space + 1);
  if (body.empty()) {
    return fail(kRuleFrame, "empty body");
  }
  return NgFrame{cookie, body};
}

Result<NgMessage> decode_ng_datagram(std::string_view datagram, const DecodeLimits& limits) {
  auto frame = split_ng_datagram(datagram);
  if (!frame) {
    return tl::unexpected(frame.error());
  }
  auto body = decode(frame->body, limits);
  if (!body) {
    return tl::unexpected(body.error());
  }
  Dict* dict = body->dict();
  if (dict == nullptr) {
    return fail(kRuleFrame, "body is not a dictionary");
  }
  return NgMessage{std::string(frame->cookie), std::move(*dict)};
}

std::string join_ng_datagram(std::string_view cookie, const Dict& body) {
  std::string out;
  out.reserve(cookie.size() + 1 + 64);
  out.append(cookie);
  out.push_back(' ');
  encode_to(body, out);
  return out;
}

}  // namespace tipring::bencode
