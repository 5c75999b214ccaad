// Registrar: the REGISTER handling of tipring-relay (RFC 3261 §10.3) with digest
// authentication against the Directory's stored H(A1)s (§22, RFC 7616), the client's flow
// (received/rport and the local socket, RFC 3581) kept with each binding, and the RFC 5626
// instance-id/reg-id and Flow-Timer. Sans-IO: it turns one REGISTER into one response.
#pragma once

#include "protocol/core/time.h"
#include "protocol/sip/digest_server.h"
#include "protocol/sip/message.h"
#include "protocol/sip/transaction.h"
#include "relay_server/proxy/request_authenticator.h"
#include "relay_server/store/directory.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace tipring::relay {

struct RegistrarConfig {
  std::string domain;  // the host part of the AORs this registrar is responsible for
  std::uint32_t default_expires_s = 3600;
  std::uint32_t min_expires_s = 60;
  std::uint32_t max_expires_s = 7200;
  // RFC 5626 §4.4.1: how often an outbound client should send keepalives on its flow.
  std::uint32_t flow_timer_s = 25;
  std::string proxy_id;  // stored as the owner of the flows it accepts
};

// The time a request is handled at: monotonic for nonces, wall clock for bindings, which
// outlive the process.
struct Clock {
  TimePoint now;
  UnixSeconds wall;
};

enum class RegisterOutcome : std::uint8_t {
  updated,      // 200: bindings added, refreshed, removed or listed
  challenged,   // 401 without credentials, or with a stale/replayed nonce
  auth_failed,  // 401 after wrong credentials (same wire answer as for an unknown user)
  rejected,     // 4xx other than 401 (bad request, 403, 423)
  store_error,  // 500 with Retry-After: the directory failed
};

struct RegisterResult {
  sip::Message response;
  RegisterOutcome outcome = RegisterOutcome::rejected;
};

// Where a REGISTER came from: its source address and the proxy socket it arrived on.
struct RequestSource {
  sip::Peer peer;
  std::string local_socket;
};

class Registrar {
public:
  Registrar(RegistrarConfig config, RequestAuthenticator& authenticator, Directory& directory,
            RandomSource& random);

  RegisterResult handle(const sip::Message& request, const RequestSource& source,
                        const Clock& clock);

  [[nodiscard]] const RegistrarConfig& config() const { return config_; }

private:
  // The verified user name, or the 401 to send.
  std::variant<std::string, RegisterResult> authenticate(const sip::Message& request,
                                                         const Clock& clock);
  RegisterResult update_bindings(const sip::Message& request, const std::string& aor,
                                 const RequestSource& source, const Clock& clock);
  sip::Message answer(const sip::Message& request, int status, std::string_view reason = {});

  RegistrarConfig config_;
  RequestAuthenticator& authenticator_;
  Directory& directory_;
  RandomSource& random_;
};

}  // namespace tipring::relay
