#include "relay_server/store/ha1.h"

#include "protocol/core/hex.h"
#include "protocol/core/md5.h"
#include "protocol/core/sha256.h"

namespace tipring::relay {

std::string ha1_hex(DigestAlgorithm algorithm, std::string_view user, std::string_view realm,
                    std::string_view password) {
  std::string joined;
  joined.reserve(user.size() + realm.size() + password.size() + 2);
  joined.append(user).append(":").append(realm).append(":").append(password);
  std::string digest =
      algorithm == DigestAlgorithm::md5 ? to_hex(Md5::of(joined)) : to_hex(Sha256::of(joined));
  // The buffer held the password: overwrite it before it goes back to the allocator.
  volatile char* bytes = joined.data();
  for (std::size_t i = 0; i < joined.size(); ++i) {
    bytes[i] = 0;
  }
  return digest;
}

UserRecord make_user_record(std::string_view user, std::string_view realm,
                            std::string_view password) {
  return UserRecord{std::string(user), std::string(realm),
                    ha1_hex(DigestAlgorithm::md5, user, realm, password),
                    ha1_hex(DigestAlgorithm::sha256, user, realm, password)};
}

}  // namespace tipring::relay
