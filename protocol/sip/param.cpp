#include "protocol/sip/param.h"

#include "protocol/sip/syntax.h"

#include <algorithm>

namespace tipring::sip {

const Param* find_param(const Params& params, std::string_view name) {
  for (const Param& p : params) {
    if (syntax::iequals(p.name, name)) {
      return &p;
    }
  }
  return nullptr;
}

void set_param(Params& params, std::string_view name, std::string_view value, bool quoted) {
  for (Param& p : params) {
    if (syntax::iequals(p.name, name)) {
      p.value = std::string(value);
      p.has_value = true;
      p.quoted = quoted;
      return;
    }
  }
  params.push_back(Param{std::string(name), std::string(value), true, quoted});
}

void set_flag_param(Params& params, std::string_view name) {
  for (Param& p : params) {
    if (syntax::iequals(p.name, name)) {
      p.value.clear();
      p.has_value = false;
      p.quoted = false;
      return;
    }
  }
  params.push_back(Param{std::string(name), {}, false, false});
}

bool remove_param(Params& params, std::string_view name) {
  auto removed =
      std::erase_if(params, [name](const Param& p) { return syntax::iequals(p.name, name); });
  return removed > 0;
}

void append_params(std::string& out, const Params& params) {
  for (const Param& p : params) {
    out.push_back(';');
    out.append(p.name);
    if (p.has_value) {
      out.push_back('=');
      if (p.quoted) {
        out.append(syntax::quote(p.value));
      } else {
        out.append(p.value);
      }
    }
  }
}

}  // namespace tipring::sip
