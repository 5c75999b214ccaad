// MediaRelay::write_metrics: the relay's counters in the Prometheus text exposition format.
#include "relay_server/media/forwarding_worker.h"
#include "relay_server/media/media_relay.h"
#include "relay_server/media/port_pool.h"
#include "relay_server/media/session.h"

#include <string>

namespace tipring::relay {

namespace {

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void sample(std::string& out, std::string_view name, std::string_view labels, std::uint64_t value) {
  out.append(name);
  if (!labels.empty()) {
    out.append("{").append(labels).append("}");
  }
  out.append(" ").append(std::to_string(value)).append("\n");
}

void metric(std::string& out, std::string_view name, std::string_view type, std::string_view help,
            std::uint64_t value) {
  header(out, name, type, help);
  sample(out, name, {}, value);
}

constexpr DropReason kDropReasons[] = {DropReason::not_learned, DropReason::stranger,
                                       DropReason::malformed,   DropReason::no_session,
                                       DropReason::unpublished, DropReason::no_destination};
constexpr ReleaseReason kReleaseReasons[] = {ReleaseReason::deleted, ReleaseReason::idle_timeout,
                                             ReleaseReason::held_timeout, ReleaseReason::shutdown};

}  // namespace

void MediaRelay::write_metrics(std::string& out) const {
  std::lock_guard lock(mutex_);
  TrafficTotals total;
  for (const auto& worker : workers_) {
    total.add(worker->traffic());
  }
  // Streams by how many directions carry media: a one-way stream is the cheapest alarm
  // for one-way audio.
  std::uint64_t two_way = 0;
  std::uint64_t one_way = 0;
  std::uint64_t zero_way = 0;
  std::vector<std::uint64_t> sessions_per_worker(workers_.size(), 0);
  for (const auto& [call_id, session] : sessions_) {
    const bool a = session->legs[0].traffic.packets_forwarded.read() > 0;
    const bool b = session->legs[1].traffic.packets_forwarded.read() > 0;
    (a && b ? two_way : (a || b ? one_way : zero_way))++;
    ++sessions_per_worker[session->worker];
  }

  metric(out, "tipring_relay_media_sessions", "gauge", "Relayed sessions now active.",
         sessions_.size());
  header(out, "tipring_relay_media_data_path", "gauge",
         "How datagrams reach the forwarding workers (media.data_path): 1 for the one in use.");
  const std::string path_label =
      std::string("path=\"").append(media_data_path_name(config_.data_path)).append("\"");
  sample(out, "tipring_relay_media_data_path", path_label, 1);
  metric(out, "tipring_relay_media_legs", "gauge", "Relay legs (one port each) now active.",
         2 * sessions_.size());
  header(out, "tipring_relay_media_streams", "gauge",
         "Active sessions by directions that have carried media.");
  sample(out, "tipring_relay_media_streams", "flow=\"two_way\"", two_way);
  sample(out, "tipring_relay_media_streams", "flow=\"one_way\"", one_way);
  sample(out, "tipring_relay_media_streams", "flow=\"zero_way\"", zero_way);
  metric(out, "tipring_relay_media_sessions_created_total", "counter", "Sessions created.",
         sessions_created_);
  header(out, "tipring_relay_media_sessions_released_total", "counter",
         "Sessions released, by reason.");
  for (ReleaseReason r : kReleaseReasons) {
    sample(out, "tipring_relay_media_sessions_released_total",
           "reason=\"" + std::string(release_reason_name(r)) + "\"",
           released_by_reason_[static_cast<std::size_t>(r)]);
  }
  if (ports_) {
    metric(out, "tipring_relay_media_ports_free", "gauge", "Relay ports free to allocate.",
           ports_->free_count());
    metric(out, "tipring_relay_media_ports_quarantined", "gauge",
           "Released relay ports resting before reuse.", ports_->quarantined_count());
  }
  metric(out, "tipring_relay_media_packets_received_total", "counter",
         "Datagrams read from relay ports.", total.packets_received);
  metric(out, "tipring_relay_media_bytes_received_total", "counter", "Bytes read from relay ports.",
         total.bytes_received);
  metric(out, "tipring_relay_media_packets_forwarded_total", "counter",
         "Datagrams forwarded to the other leg's client.", total.packets_forwarded);
  metric(out, "tipring_relay_media_bytes_forwarded_total", "counter",
         "Bytes forwarded to the other leg's client.", total.bytes_forwarded);
  metric(out, "tipring_relay_media_send_failures_total", "counter",
         "Forwarded datagrams the kernel refused.", total.send_failures);
  header(out, "tipring_relay_media_drops_total", "counter", "Datagrams dropped, by reason.");
  for (DropReason r : kDropReasons) {
    sample(out, "tipring_relay_media_drops_total",
           "reason=\"" + std::string(drop_reason_name(r)) + "\"", total.dropped(r));
  }
  metric(out, "tipring_relay_media_learning_events_total", "counter",
         "Legs that learned (or re-learned) their client's address.", total.learned);
  metric(out, "tipring_relay_media_handover_events_total", "counter",
         "Locked legs handed over to a new port of the same IP.", total.handovers);

  header(out, "tipring_relay_media_worker_packets_total", "counter",
         "Datagrams read by each forwarding worker.");
  for (const auto& worker : workers_) {
    sample(out, "tipring_relay_media_worker_packets_total",
           "worker=\"" + std::to_string(worker->index()) + "\"", worker->load().packets.read());
  }
  header(out, "tipring_relay_media_worker_wakeups_total", "counter",
         "Poller wake-ups of each forwarding worker.");
  for (const auto& worker : workers_) {
    sample(out, "tipring_relay_media_worker_wakeups_total",
           "worker=\"" + std::to_string(worker->index()) + "\"", worker->load().wakeups.read());
  }
  header(out, "tipring_relay_media_worker_batches_total", "counter",
         "Receive batches (recvmmsg calls returning data) of each forwarding worker.");
  for (const auto& worker : workers_) {
    sample(out, "tipring_relay_media_worker_batches_total",
           "worker=\"" + std::to_string(worker->index()) + "\"", worker->load().batches.read());
  }
  header(out, "tipring_relay_media_worker_busy_microseconds_total", "counter",
         "Time each forwarding worker spent relaying (wake-up with datagrams to done).");
  for (const auto& worker : workers_) {
    sample(out, "tipring_relay_media_worker_busy_microseconds_total",
           "worker=\"" + std::to_string(worker->index()) + "\"", worker->load().busy_us.read());
  }
  header(out, "tipring_relay_media_worker_sessions", "gauge",
         "Sessions owned by each forwarding worker.");
  for (const auto& worker : workers_) {
    sample(out, "tipring_relay_media_worker_sessions",
           "worker=\"" + std::to_string(worker->index()) + "\"",
           sessions_per_worker[worker->index()]);
  }
}

}  // namespace tipring::relay
