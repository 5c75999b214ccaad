// Method: the SIP request methods this stack knows by name (RFC 3261 §7.1 and the
// extension RFCs a softphone meets). Methods are case-sensitive tokens (§7.1), so "invite"
// is an unknown extension method, not INVITE.
#pragma once

#include <cstdint>
#include <string_view>

namespace tipring::sip {

enum class Method : std::uint8_t {
  Unknown,  // an extension method; the message keeps its text
  Invite,
  Ack,
  Bye,
  Cancel,
  Options,
  Register,
  Prack,      // RFC 3262
  Subscribe,  // RFC 6665
  Notify,     // RFC 6665
  Publish,    // RFC 3903
  Info,       // RFC 6086
  Refer,      // RFC 3515
  Message,    // RFC 3428
  Update,     // RFC 3311
};

// Exact, case-sensitive match of a method token; Method::Unknown for anything else.
Method method_from_token(std::string_view token);
// The method's token, or empty for Method::Unknown.
std::string_view method_name(Method method);

}  // namespace tipring::sip
