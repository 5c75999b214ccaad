// Param: one name[=value] parameter of a URI (RFC 3261 §19.1.1), a header field
// (generic-param, §25.1) or an authentication header (auth-param, §25.1 / RFC 7616).
// Kept in order in a vector so that serialization reproduces what was received.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tipring::sip {

struct Param {
  std::string name;
  // Header and auth params: the value with quotes and quoted-pairs removed.
  // URI params: the value as written, escapes included.
  std::string value;
  bool has_value = false;
  // Serialize the value as a quoted-string (header and auth params only).
  bool quoted = false;

  friend bool operator==(const Param&, const Param&) = default;
};

using Params = std::vector<Param>;

// The first parameter named `name` (parameter names are case-insensitive, §7.3.1), or null.
const Param* find_param(const Params& params, std::string_view name);
// Sets `name` to `value` (replacing the first one of that name, or appending).
void set_param(Params& params, std::string_view name, std::string_view value, bool quoted = false);
// Sets a parameter without a value, e.g. `lr` or `rport`.
void set_flag_param(Params& params, std::string_view name);
// Removes every parameter named `name`; returns whether one was there.
bool remove_param(Params& params, std::string_view name);

// ";name=value;flag" for header params (quoting values marked `quoted`).
void append_params(std::string& out, const Params& params);

}  // namespace tipring::sip
