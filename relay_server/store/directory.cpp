#include "relay_server/store/directory.h"

#include <algorithm>

namespace tipring::relay {

std::string Binding::identity() const {
  if (!instance_id.empty() && reg_id != 0) {
    return instance_id + ";reg-id=" + std::to_string(reg_id);
  }
  return contact_uri;
}

void sort_by_preference(std::vector<Binding>& bindings) {
  std::sort(bindings.begin(), bindings.end(), [](const Binding& a, const Binding& b) {
    if (a.q_thousandths != b.q_thousandths) {
      return a.q_thousandths > b.q_thousandths;
    }
    if (a.expires_at != b.expires_at) {
      return a.expires_at > b.expires_at;
    }
    return a.identity() < b.identity();
  });
}

}  // namespace tipring::relay
