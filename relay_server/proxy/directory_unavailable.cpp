#include "relay_server/proxy/directory_unavailable.h"

#include <string>

namespace tipring::relay {

sip::Message directory_unavailable(const sip::Message& request, std::string_view to_tag) {
  auto response = sip::make_response(request, 500, "Directory Unavailable", to_tag);
  response.add_header(sip::HeaderId::RetryAfter, std::to_string(kDirectoryRetryAfterS));
  return response;
}

}  // namespace tipring::relay
