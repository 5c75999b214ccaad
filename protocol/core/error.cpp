#include "protocol/core/error.h"

namespace tipring {

std::string Error::describe() const {
  std::string out;
  out.reserve(rule.size() + 2 + detail.size());
  out.append(rule);
  if (!detail.empty()) {
    out.append(": ");
    out.append(detail);
  }
  return out;
}

}  // namespace tipring
