// RelayMetrics: the series tipring-relay exports on /metrics, registered once at start-up
// so the signalling code bumps a counter it already holds instead of looking names up.
#pragma once

#include "relay_server/app/metrics.h"

#include <map>

namespace tipring::relay {

class RelayMetrics {
public:
  explicit RelayMetrics(MetricsRegistry& registry);

  // SIP responses sent, by status code; a new code registers its series on first use.
  Counter& responses(int status_code);

  MetricsRegistry& registry;
  Gauge& registrations;
  Gauge& active_dialogs;
  Gauge& transactions;
  Counter& auth_failures;
  Counter& rate_limited_register;
  Counter& rate_limited_invite;
  Counter& datagrams_received;
  Counter& datagrams_oversized;
  Counter& datagrams_unhandled;
  Counter& reloads_applied;
  Counter& reloads_failed;
  Counter& store_errors;
  Counter& store_commit_failures;
  Gauge& start_time_seconds;

private:
  std::map<int, Counter*> responses_;
};

}  // namespace tipring::relay
