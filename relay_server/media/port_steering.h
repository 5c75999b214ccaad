// PortSteering: an eBPF sk_lookup program (BPF_PROG_TYPE_SK_LOOKUP, Linux >= 5.9) attached
// to the calling thread's network namespace. It hands each UDP datagram for local:port, with
// port in [port_min, port_max] and currently steered, to the receiving socket of that port's
// worker, so the relay needs no socket per leg; the worker learns the port from the
// datagram's original destination (IP_RECVORIGDSTADDR). See docs/architecture.md.
#pragma once

#include "protocol/core/error.h"
#include "relay_server/media/endpoint.h"

#include <cstdint>
#include <memory>
#include <span>

namespace tipring::relay {

class PortSteering {
public:
  // `local` is the relay's IPv4 media address (is_v4() required). `worker_sockets` are bound
  // (e.g. to local:0), unconnected AF_INET UDP sockets, one per worker, put into a BPF
  // SOCKMAP at their index; they stay owned by the caller (closing one removes it from the
  // map: its ports then fall back to the normal lookup). The caller sets IP_RECVORIGDSTADDR
  // on them to learn each datagram's port; a datagram for a worker socket's own bound port
  // reaches it too (its original destination is that port), which the worker should drop.
  // Sockets in a SO_REUSEPORT group would be load-balanced within the group: do not use one.
  // Fails with an Error naming what is missing (kernel support, CAP_BPF/CAP_NET_ADMIN, a
  // socket of the wrong kind) and, when the verifier refuses the program, the end of its
  // log. Several programs may be attached to one namespace (one per relay): the first to
  // assign a socket wins, so each relay must steer only the ports it allocated. Not per
  // packet: at start-up.
  static Result<std::unique_ptr<PortSteering>> attach(const IpAddress& local,
                                                      std::uint16_t port_min,
                                                      std::uint16_t port_max,
                                                      std::span<const int> worker_sockets);
  // Detaches: closes the link (the program leaves the namespace at once), program and maps.
  ~PortSteering();
  PortSteering(const PortSteering&) = delete;
  PortSteering& operator=(const PortSteering&) = delete;

  // Control plane only (a bpf(2) map update, never per packet; safe from any thread, each
  // update is atomic for the datagrams in flight): datagrams for `port` now go to worker
  // `worker`'s socket, replacing any earlier choice. Fails for a port outside the range or a
  // worker index without a socket.
  Result<void> steer(std::uint16_t port, unsigned worker);
  // Datagrams for `port` are no longer taken: the normal socket lookup applies again (with
  // no socket on the port, the sender gets ICMP port unreachable). A no-op outside the range.
  void unsteer(std::uint16_t port);

  [[nodiscard]] std::uint16_t port_min() const { return port_min_; }
  [[nodiscard]] std::uint16_t port_max() const { return port_max_; }
  [[nodiscard]] unsigned worker_count() const { return worker_count_; }

private:
  PortSteering() = default;

  int ports_map_fd_ = -1;    // ARRAY: key port - port_min, value worker + 1 (0: not steered)
  int sockets_map_fd_ = -1;  // SOCKMAP: key worker, value the worker's socket
  int program_fd_ = -1;
  int link_fd_ = -1;  // the attachment to the network namespace
  std::uint16_t port_min_ = 0;
  std::uint16_t port_max_ = 0;
  unsigned worker_count_ = 0;
};

}  // namespace tipring::relay
