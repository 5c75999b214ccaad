#include "relay_server/app/directory_backend.h"

#include "relay_server/store/redis_directory.h"
#include "relay_server/store/sqlite_directory.h"

#include <array>

#include <unistd.h>

namespace tipring::relay {

Result<std::unique_ptr<Directory>> open_directory(const StoreSettings& settings) {
  if (settings.backend == StoreBackend::redis) {
    auto redis = RedisDirectory::open(settings.redis_address.ip_string(),
                                      settings.redis_address.port(), settings.redis_prefix);
    if (!redis) {
      return tl::unexpected(redis.error());
    }
    return std::unique_ptr<Directory>(std::move(*redis));
  }
  auto sqlite = SqliteDirectory::open(settings.sqlite_path);
  if (!sqlite) {
    return tl::unexpected(sqlite.error());
  }
  return std::unique_ptr<Directory>(std::move(*sqlite));
}

std::string effective_proxy_id(const StoreSettings& settings) {
  if (!settings.proxy_id.empty()) {
    return settings.proxy_id;
  }
  std::array<char, 256> name{};
  if (::gethostname(name.data(), name.size() - 1) != 0 || name[0] == '\0') {
    return "tipring-relay";
  }
  return name.data();
}

UnixSeconds unix_now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace tipring::relay
