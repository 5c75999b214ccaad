// Opens the Directory backend the [store] settings name: the SQLite file, or the Redis
// server with its key prefix.
#pragma once

#include "protocol/core/error.h"
#include "relay_server/app/relay_config.h"
#include "relay_server/store/directory.h"

#include <memory>
#include <string>

namespace tipring::relay {

Result<std::unique_ptr<Directory>> open_directory(const StoreSettings& settings);

// store.proxy_id, or the host name when it is empty.
std::string effective_proxy_id(const StoreSettings& settings);

// Wall-clock now in the directory's unit.
UnixSeconds unix_now();

}  // namespace tipring::relay
