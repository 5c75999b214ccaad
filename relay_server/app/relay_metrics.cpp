#include "relay_server/app/relay_metrics.h"

#include <string>

namespace tipring::relay {

RelayMetrics::RelayMetrics(MetricsRegistry& r)
    : registry(r),
      registrations(
          r.gauge("tipring_relay_registrations", "Live registration bindings in the directory")),
      active_dialogs(r.gauge("tipring_relay_active_dialogs", "Dialogs the proxy is routing")),
      transactions(r.gauge("tipring_relay_sip_transactions", "Open SIP transactions")),
      auth_failures(r.counter("tipring_relay_auth_failures_total",
                              "Requests whose digest authentication failed")),
      rate_limited_register(r.counter("tipring_relay_rate_limited_total",
                                      "Requests refused by the per-source rate limit",
                                      {{"method", "REGISTER"}})),
      rate_limited_invite(r.counter("tipring_relay_rate_limited_total",
                                    "Requests refused by the per-source rate limit",
                                    {{"method", "INVITE"}})),
      datagrams_received(r.counter("tipring_relay_sip_datagrams_received_total",
                                   "UDP datagrams received on the SIP sockets")),
      datagrams_oversized(r.counter("tipring_relay_sip_datagrams_oversized_total",
                                    "SIP datagrams dropped for exceeding limits.max_message_size")),
      datagrams_unhandled(r.counter("tipring_relay_sip_datagrams_unhandled_total",
                                    "SIP datagrams dropped because no SIP proxy is attached")),
      reloads_applied(r.counter("tipring_relay_config_reloads_total",
                                "SIGHUP reloads of the configuration", {{"result", "applied"}})),
      reloads_failed(r.counter("tipring_relay_config_reloads_total",
                               "SIGHUP reloads of the configuration", {{"result", "rejected"}})),
      store_errors(
          r.counter("tipring_relay_store_errors_total", "Directory operations that failed")),
      store_commit_failures(r.counter("tipring_relay_store_commit_failures_total",
                                      "Group commits of the registrar's writes that failed (their "
                                      "REGISTERs were answered 500)")),
      start_time_seconds(
          r.gauge("tipring_relay_start_time_seconds", "Unix time at which this process started")) {}

Counter& RelayMetrics::responses(int status_code) {
  auto& slot = responses_[status_code];
  if (slot == nullptr) {
    slot = &registry.counter("tipring_relay_sip_responses_total", "SIP responses sent",
                             {{"code", std::to_string(status_code)}});
  }
  return *slot;
}

}  // namespace tipring::relay
