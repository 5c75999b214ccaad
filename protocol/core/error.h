// Error and Result: how every parser and state machine in protocol/ reports failure.
// A rejection carries the rule it broke (an RFC section or grammar rule) and a detail,
// so a 400 reason phrase, a log line and a test can all say exactly what was wrong.
#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace tipring {

struct Error {
  // The rule that failed, e.g. "RFC 3261 §25.1 Request-Line". Static text.
  std::string_view rule;
  // What was found, e.g. "SIP-Version 'SIP/3.0' is not SIP/2.0".
  std::string detail;

  // "<rule>: <detail>", suitable for a reason phrase or a log line.
  [[nodiscard]] std::string describe() const;
};

template <class T>
using Result = tl::expected<T, Error>;

// Shorthand for returning a failure: `return fail("RFC 3261 §7.3", "empty header name");`
inline tl::unexpected<Error> fail(std::string_view rule, std::string detail) {
  return tl::unexpected<Error>(Error{rule, std::move(detail)});
}

}  // namespace tipring
