// PortPool: the relay's UDP port range, handed out in random order (a shuffled free list,
// as rtpengine does, so a port cannot be guessed from the last one) and quarantined for a
// while after release so late packets of an old call never reach a new one.
#pragma once

#include "protocol/core/random.h"
#include "protocol/core/time.h"

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

namespace tipring::relay {

class PortPool {
public:
  PortPool(std::uint16_t port_min, std::uint16_t port_max, Duration quarantine,
           RandomSource& random);

  // A free port, or with `pair` an even port whose successor is free too (RTP + RTCP).
  // Ports whose quarantine ended by `now` are free again first.
  std::optional<std::uint16_t> take(bool pair, TimePoint now);
  // The port rests in quarantine until now + quarantine.
  void give_back(std::uint16_t port, TimePoint now);

  [[nodiscard]] std::size_t free_count() const { return free_count_; }
  [[nodiscard]] std::size_t quarantined_count() const { return quarantine_.size(); }

private:
  enum class State : std::uint8_t { free, in_use, quarantined };
  struct Resting {
    std::uint16_t port;
    TimePoint until;
  };

  void end_quarantines(TimePoint now);
  State& state(std::uint16_t port) { return states_[port - port_min_]; }
  void mark_in_use(std::uint16_t port);

  std::uint16_t port_min_;
  std::uint16_t port_max_;
  Duration quarantine_duration_;
  RandomSource& random_;
  std::vector<State> states_;
  // Shuffled; may hold stale entries (ports taken as the second of a pair): skipped on take.
  std::vector<std::uint16_t> free_;
  std::size_t free_count_ = 0;
  std::deque<Resting> quarantine_;
};

}  // namespace tipring::relay
