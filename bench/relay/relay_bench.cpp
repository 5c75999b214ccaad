// relay_bench: the media relay benchmark. The same load goes through tipring's MediaRelay
// (one worker), a bare recvmmsg/sendmmsg forwarder and rtpengine (userspace, one worker
// thread), in one run, with each relay on core 0 and the load generator on core 1; prints
// forwarded packets/s, loss, latency percentiles, memory per call, the CPU the relay's own
// threads used, and the ratios of packets per CPU-second ("per core") between them.
//
// Targets: direct (no relay), bare, tipring (a socket per leg), steered (tipring's steered
// data path: needs root, see MediaDataPath), rtpengine; "tipring@N" etc. busy-poll N µs.
//
//   relay_bench [--calls 1000] [--seconds 5] [--saturation-calls 100] [--window 8]
//               [--targets direct,bare,tipring,steered,rtpengine] [--relay-cpu 0]
//               [--generator-cpu 1]
//               [--repeat 1] [--relay-priority 0] [--generator-priority 0]
#include "bench/relay/bare_forwarder.h"
#include "bench/relay/load_generator.h"
#include "bench/relay/rtpengine_process.h"
#include "bench/relay/thread_cpu.h"
#include "relay_server/media/media_relay.h"
#include "relay_server/media/session.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

namespace tipring::bench {
namespace {

struct Options {
  std::vector<int> calls{1000};
  int seconds = 5;
  int saturation_calls = 100;
  int saturation_seconds = 3;
  int window = 8;
  std::vector<std::string> targets{"direct", "bare", "tipring", "steered", "rtpengine"};
  int relay_cpu = 0;
  int generator_cpu = 1;
  int repeat = 1;
  int relay_priority = 0;      // SCHED_FIFO priority of every relay's forwarding thread; 0: off
  int generator_priority = 0;  // SCHED_FIFO priority of the generator while it measures
  std::string rtpengine = "rtpengine";
};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');) {
    out.push_back(item);
  }
  return out;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const std::string value = argv[i + 1];
    if (key == "--calls") {
      o.calls.clear();
      for (const auto& c : split(value)) {
        o.calls.push_back(std::stoi(c));
      }
    } else if (key == "--seconds") {
      o.seconds = std::stoi(value);
    } else if (key == "--saturation-calls") {
      o.saturation_calls = std::stoi(value);
    } else if (key == "--saturation-seconds") {
      o.saturation_seconds = std::stoi(value);
    } else if (key == "--window") {
      o.window = std::stoi(value);
    } else if (key == "--targets") {
      o.targets = split(value);
    } else if (key == "--relay-cpu") {
      o.relay_cpu = std::stoi(value);
    } else if (key == "--generator-cpu") {
      o.generator_cpu = std::stoi(value);
    } else if (key == "--generator-priority") {
      o.generator_priority = std::stoi(value);
    } else if (key == "--relay-priority") {
      o.relay_priority = std::stoi(value);
    } else if (key == "--repeat") {
      o.repeat = std::max(1, std::stoi(value));
    } else if (key == "--rtpengine") {
      o.rtpengine = value;
    }
  }
  return o;
}

void pin_this_thread(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(static_cast<std::size_t>(cpu), &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

// How every relay's forwarding thread runs: pinned to one core and, with --relay-priority,
// SCHED_FIFO (rtpengine gets the same through its own --scheduling/--priority flags).
struct RelayThreadSetup {
  int cpu = 0;
  int fifo_priority = 0;
  void apply() const {
    pin_this_thread(cpu);
    if (fifo_priority > 0) {
      sched_param param{};
      param.sched_priority = fifo_priority;
      if (pthread_setschedparam(pthread_self(), SCHED_FIFO, &param) != 0) {
        std::fprintf(stderr, "relay_bench: SCHED_FIFO refused (not root?)\n");
      }
    }
  }
};

// One relay under test: wires the generator's call endpoints through it.
class Target {
public:
  virtual ~Target() = default;
  virtual bool start() = 0;
  // Points endpoints 2i and 2i+1 of `gen` at each other through the relay.
  virtual bool connect(LoadGenerator& gen, int call) = 0;
  virtual long rss_kib() const { return rss_kib_of(getpid()); }
  // Open sockets of the relay process (descriptors, for in-process relays: the generator's
  // own are opened before and do not change during set-up).
  [[nodiscard]] virtual long open_files() const { return open_files_of(getpid()); }
  // CPU nanoseconds used so far by the relay's own threads (not the generator's).
  [[nodiscard]] virtual std::int64_t cpu_ns() const = 0;
  [[nodiscard]] virtual std::size_t threads() const = 0;
  // tipring's forwarding-worker counters; zero for the others.
  struct WorkerStats {
    std::uint64_t busy_us = 0;
    std::uint64_t packets = 0;
    std::uint64_t wakeups = 0;
  };
  [[nodiscard]] virtual WorkerStats worker_stats() const { return {}; }
};

// An in-process relay's threads are every thread of this process but the generator's (the
// main thread): the forwarding worker(s) and any housekeeping thread the relay runs. Only
// one target exists at a time.
class InProcessTarget : public Target {
public:
  [[nodiscard]] std::int64_t cpu_ns() const override {
    return process_cpu_ns(getpid()) - task_cpu_ns(getpid(), generator_);
  }
  [[nodiscard]] std::size_t threads() const override { return process_threads(getpid()) - 1; }

private:
  pid_t generator_ = current_tid();
};

// Bytes of heap in use in this process (in-process relays only).
std::int64_t heap_in_use() {
  const struct mallinfo2 m = mallinfo2();
  return static_cast<std::int64_t>(m.uordblks + m.hblkhd);
}

class DirectTarget final : public Target {
public:
  bool start() override { return true; }
  bool connect(LoadGenerator& gen, int call) override {
    gen.send_to(2 * call, gen.local(2 * call + 1));
    gen.send_to(2 * call + 1, gen.local(2 * call));
    return true;
  }
  [[nodiscard]] std::int64_t cpu_ns() const override { return 0; }
  [[nodiscard]] std::size_t threads() const override { return 0; }
};

class BareTarget final : public InProcessTarget {
public:
  BareTarget(RelayThreadSetup setup, int busy_poll_us)
      : setup_(setup), busy_poll_us_(busy_poll_us) {}
  bool start() override { return true; }
  bool connect(LoadGenerator& gen, int call) override {
    const auto [a_port, b_port] = forwarder_.add_call();
    gen.send_to(2 * call, relay::Endpoint{relay::IpAddress::v4(0x7f000001), a_port});
    gen.send_to(2 * call + 1, relay::Endpoint{relay::IpAddress::v4(0x7f000001), b_port});
    return true;
  }
  void go() {
    const RelayThreadSetup setup = setup_;
    forwarder_.start([setup] { setup.apply(); }, busy_poll_us_);
  }

private:
  RelayThreadSetup setup_;
  int busy_poll_us_;
  BareForwarder forwarder_;
};

class TipringTarget final : public InProcessTarget {
public:
  TipringTarget(RelayThreadSetup setup, int busy_poll_us, relay::MediaDataPath path) {
    relay::MediaRelayConfig config;
    config.data_path = path;
    config.busy_poll = std::chrono::microseconds(busy_poll_us);
    config.bind_address = "127.0.0.1";
    config.port_min = 45000;
    config.port_max = 49999;
    config.workers = 1;
    config.on_worker_start = [setup] { setup.apply(); };
    relay_ = std::make_unique<relay::MediaRelay>(config);
  }
  bool start() override {
    auto started = relay_->start();
    if (!started) {
      std::printf("  tipring: %s\n", started.error().describe().c_str());
    }
    return started.has_value();
  }
  bool connect(LoadGenerator& gen, int call) override {
    const std::string id = "bench-" + std::to_string(call);
    relay::MediaParty a;
    a.advertised = gen.local(2 * call);
    a.signalling_source = a.advertised.ip;
    relay::MediaParty b;
    b.advertised = gen.local(2 * call + 1);
    b.signalling_source = b.advertised.ip;
    const auto to_b = relay_->offer(id, id + "-a", "", a);
    const auto to_a = relay_->answer(id, id + "-a", id + "-b", b);
    if (!to_a || !to_b) {
      return false;
    }
    gen.send_to(2 * call, relay::Endpoint{a.advertised.ip, to_a->rtp_port});
    gen.send_to(2 * call + 1, relay::Endpoint{a.advertised.ip, to_b->rtp_port});
    return true;
  }
  // Summed over workers, from the relay's own /metrics text.
  [[nodiscard]] WorkerStats worker_stats() const override {
    std::string text;
    relay_->write_metrics(text);
    WorkerStats stats;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      const auto value = [&] { return std::stoull(line.substr(line.rfind(' ') + 1)); };
      if (line.rfind("tipring_relay_media_worker_busy_microseconds_total{", 0) == 0) {
        stats.busy_us += value();
      } else if (line.rfind("tipring_relay_media_worker_packets_total{", 0) == 0) {
        stats.packets += value();
      } else if (line.rfind("tipring_relay_media_worker_wakeups_total{", 0) == 0) {
        stats.wakeups += value();
      }
    }
    return stats;
  }

private:
  std::unique_ptr<relay::MediaRelay> relay_;
};

class RtpengineTarget final : public Target {
public:
  RtpengineTarget(const std::string& binary, RelayThreadSetup setup)
      : process_(binary, setup.cpu, setup.fifo_priority, 22230, 50000, 59999) {}
  bool start() override {
    const bool ok = process_.start();
    std::printf("  rtpengine: %s (pid %d)\n", process_.command_line().c_str(), process_.pid());
    return ok;
  }
  bool connect(LoadGenerator& gen, int call) override {
    const auto ports =
        process_.create_call(call, gen.local(2 * call).port, gen.local(2 * call + 1).port);
    if (!ports) {
      return false;
    }
    gen.send_to(2 * call, relay::Endpoint{relay::IpAddress::v4(0x7f000001), ports->first});
    gen.send_to(2 * call + 1, relay::Endpoint{relay::IpAddress::v4(0x7f000001), ports->second});
    return true;
  }
  long rss_kib() const override { return process_.rss_kib(); }
  [[nodiscard]] long open_files() const override { return open_files_of(process_.pid()); }
  // Every rtpengine thread (its one worker, timers, control): all of it is relay work.
  [[nodiscard]] std::int64_t cpu_ns() const override { return process_cpu_ns(process_.pid()); }
  [[nodiscard]] std::size_t threads() const override { return process_threads(process_.pid()); }

private:
  RtpengineProcess process_;
};

// A target name is "kind" or "kind@N": N µs of busy polling for tipring or bare; without
// it both use MediaRelayConfig's default, so the two poll alike.
std::string kind_of(const std::string& name) {
  return name.substr(0, name.find('@'));
}
int busy_poll_of(const std::string& name) {
  const auto at = name.find('@');
  return at == std::string::npos ? static_cast<int>(relay::MediaRelayConfig{}.busy_poll.count())
                                 : std::stoi(name.substr(at + 1));
}

std::unique_ptr<Target> make_target(const std::string& name, const Options& o) {
  const std::string kind = kind_of(name);
  if (kind == "direct") {
    return std::make_unique<DirectTarget>();
  }
  if (kind == "bare") {
    return std::make_unique<BareTarget>(RelayThreadSetup{o.relay_cpu, o.relay_priority},
                                        busy_poll_of(name));
  }
  if (kind == "tipring" || kind == "steered") {
    return std::make_unique<TipringTarget>(
        RelayThreadSetup{o.relay_cpu, o.relay_priority}, busy_poll_of(name),
        kind == "steered" ? relay::MediaDataPath::steered : relay::MediaDataPath::sockets);
  }
  if (name == "rtpengine") {
    return std::make_unique<RtpengineTarget>(o.rtpengine,
                                             RelayThreadSetup{o.relay_cpu, o.relay_priority});
  }
  return nullptr;
}

// SCHED_FIFO for the generator thread while it measures, back to normal afterwards (so the
// relays it spawns, like rtpengine, never inherit it).
class GeneratorPriority {
public:
  explicit GeneratorPriority(int priority) : on_(priority > 0) {
    if (on_) {
      sched_param param{};
      param.sched_priority = priority;
      on_ = pthread_setschedparam(pthread_self(), SCHED_FIFO, &param) == 0;
    }
  }
  ~GeneratorPriority() {
    if (on_) {
      sched_param param{};
      pthread_setschedparam(pthread_self(), SCHED_OTHER, &param);
    }
  }
  GeneratorPriority(const GeneratorPriority&) = delete;
  GeneratorPriority& operator=(const GeneratorPriority&) = delete;

private:
  bool on_;
};

struct Memory {
  double rss_per_call = 0;    // resident-set growth while the calls were set up
  double heap_per_call = -1;  // heap growth (in-process relays only), -1 when unknown
  double slab_per_call = 0;   // kernel slab growth, machine-wide: sockets, epoll items (noisy)
  double files_per_call = 0;  // descriptors (sockets) opened per call
};

// Kernel slab bytes behind one epoll-watched UDP socket: the objects socket(2) and
// epoll_ctl(2) allocate, at their slab slot sizes on this kernel (/sys/kernel/slab). This is
// what slab_per_call measures machine-wide, without the noise of other processes.
long kernel_bytes_per_socket() {
  long total = 0;
  for (const char* cache :
       {"UDP", "sock_inode_cache", "filp", "dentry", "eventpoll_epi", "eventpoll_pwq"}) {
    std::ifstream in(std::string("/sys/kernel/slab/") + cache + "/slab_size");
    long size = 0;
    if (in >> size) {
      total += size;
    }
  }
  return total;
}

// The kernel's slab memory in KiB (/proc/meminfo "Slab:"), where socket objects live.
long slab_kib() {
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  while (std::getline(meminfo, line)) {
    if (line.rfind("Slab:", 0) == 0) {
      return std::stol(line.substr(5));
    }
  }
  return 0;
}

// Sets up `calls` calls through a fresh target and measures its memory per call.
std::unique_ptr<Target> prepare(const std::string& name, const Options& o, LoadGenerator& gen,
                                int calls, Memory& memory) {
  auto target = make_target(name, o);
  if (!target || !target->start()) {
    std::printf("  %s: failed to start\n", name.c_str());
    return nullptr;
  }
  const bool in_process =
      kind_of(name) == "tipring" || kind_of(name) == "steered" || kind_of(name) == "bare";
  const long rss_before = target->rss_kib();
  const long files_before = target->open_files();
  const long slab_before = slab_kib();
  const std::int64_t heap_before = heap_in_use();
  for (int c = 0; c < calls; ++c) {
    if (!target->connect(gen, c)) {
      std::printf("  %s: call %d could not be set up\n", name.c_str(), c);
      return nullptr;
    }
  }
  memory.rss_per_call = 1024.0 * static_cast<double>(target->rss_kib() - rss_before) / calls;
  memory.slab_per_call = 1024.0 * static_cast<double>(slab_kib() - slab_before) / calls;
  memory.files_per_call = static_cast<double>(target->open_files() - files_before) / calls;
  if (in_process) {
    memory.heap_per_call = static_cast<double>(heap_in_use() - heap_before) / calls;
  }
  if (auto* bare = dynamic_cast<BareTarget*>(target.get())) {
    bare->go();
  }
  gen.prime(4);
  return target;
}

double median(std::vector<double> values) {
  if (values.empty()) {
    return 0;
  }
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

void paced_runs(const Options& o, int calls, int run) {
  std::printf("\n## run %d: %d concurrent calls, paced (50 pps per endpoint)\n\n", run, calls);
  std::printf(
      "| target | sent | forwarded pps | loss %% | p50 us | p99 us | max us | relay CPU %% | "
      "generator CPU %% | send late p99/max us | ksoftirqd CPU %% | heap/call | RSS/call | "
      "kernel slab/call | sockets/call |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
      "---|\n");
  std::vector<std::string> worker_notes;
  for (const auto& name : o.targets) {
    LoadGenerator gen(calls);
    Memory memory;
    auto target = prepare(name, o, gen, calls, memory);
    if (!target) {
      continue;
    }
    std::vector<std::int64_t> softirq;  // ksoftirqd CPU at the same two instants
    std::vector<Target::WorkerStats> workers;
    const GeneratorPriority priority(o.generator_priority);
    const PacedResult r = gen.run_paced(std::chrono::seconds(o.seconds), 50, [&] {
      softirq.push_back(softirq_threads_cpu_ns());
      workers.push_back(target->worker_stats());
      return target->cpu_ns();
    });
    if (workers.back().packets > workers.front().packets) {
      const auto busy = static_cast<double>(workers.back().busy_us - workers.front().busy_us);
      const auto packets = static_cast<double>(workers.back().packets - workers.front().packets);
      const auto wakeups = static_cast<double>(workers.back().wakeups - workers.front().wakeups);
      worker_notes.push_back(
          name + ": worker busy " + std::to_string(std::lround(100.0 * busy / (r.seconds * 1e6))) +
          " % of the time, " + std::to_string(busy / packets).substr(0, 4) + " us per packet, " +
          std::to_string(packets / wakeups).substr(0, 4) + " packets per wake-up");
    }
    const std::string heap =
        memory.heap_per_call < 0 ? "—" : std::to_string(std::lround(memory.heap_per_call)) + " B";
    std::printf(
        "| %s | %llu | %.0f | %.3f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f / %.1f | %.1f | %s | "
        "%.0f B | %.0f B | %.2f |\n",
        name.c_str(), static_cast<unsigned long long>(r.sent), r.forwarded_pps(), r.loss_percent(),
        static_cast<double>(r.p50_ns) / 1000.0, static_cast<double>(r.p99_ns) / 1000.0,
        static_cast<double>(r.max_ns) / 1000.0, CpuUse::percent(r.cpu.relay_ns, r.seconds),
        CpuUse::percent(r.cpu.generator_ns, r.seconds),
        static_cast<double>(r.send_late_p99_ns) / 1000.0,
        static_cast<double>(r.send_late_max_ns) / 1000.0,
        CpuUse::percent(softirq.back() - softirq.front(), r.seconds), heap.c_str(),
        memory.rss_per_call, memory.slab_per_call, memory.files_per_call);
    std::fflush(stdout);
  }
  for (const auto& note : worker_notes) {
    std::printf("  %s\n", note.c_str());
  }
}

// One side-by-side saturation run of every target; returns per-core pps and raw pps by name.
std::map<std::string, std::pair<double, double>> saturation_run(const Options& o, int run) {
  std::map<std::string, std::pair<double, double>> out;
  std::printf(
      "\n## run %d: saturation, %d calls, closed loop, %d packets in flight per endpoint\n\n", run,
      o.saturation_calls, o.window);
  std::printf(
      "| target | relay threads | forwarded pps | relay CPU %% | pps per core | generator CPU %% "
      "| ksoftirqd CPU %% |\n|---|---|---|---|---|---|---|\n");
  for (const auto& name : o.targets) {
    if (name == "direct") {
      continue;
    }
    LoadGenerator gen(o.saturation_calls);
    Memory unused;
    auto target = prepare(name, o, gen, o.saturation_calls, unused);
    if (!target) {
      continue;
    }
    std::vector<std::int64_t> softirq;
    const GeneratorPriority priority(o.generator_priority);
    const SaturationResult r =
        gen.run_saturation(std::chrono::seconds(o.saturation_seconds), o.window, [&] {
          softirq.push_back(softirq_threads_cpu_ns());
          return target->cpu_ns();
        });
    out[name] = {r.pps_per_core(), r.forwarded_pps()};
    std::printf("| %s | %zu | %.0f | %.1f | %.0f | %.1f | %.1f |\n", name.c_str(),
                target->threads(), r.forwarded_pps(), CpuUse::percent(r.cpu.relay_ns, r.seconds),
                r.pps_per_core(), CpuUse::percent(r.cpu.generator_ns, r.seconds),
                CpuUse::percent(softirq.back() - softirq.front(), r.seconds));
    std::fflush(stdout);
  }
  return out;
}

}  // namespace
}  // namespace tipring::bench

int main(int argc, char** argv) {
  using namespace tipring::bench;
  const Options o = parse(argc, argv);
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  setrlimit(RLIMIT_NOFILE, &files);
  pin_this_thread(o.generator_cpu);
  std::printf(
      "relay_bench: relay on cpu %d, generator on cpu %d; %d s per paced run, "
      "172-byte RTP, 50 packets/s per endpoint, %d repeat(s)\n",
      o.relay_cpu, o.generator_cpu, o.seconds, o.repeat);
  std::printf("  sizeof(tipring Session) = %zu bytes\n", sizeof(tipring::relay::Session));
  std::printf(
      "  kernel slab per epoll-watched UDP socket = %ld bytes (UDP + sock_inode_cache + filp + "
      "dentry + eventpoll_epi + eventpoll_pwq slots)\n",
      kernel_bytes_per_socket());
  if (o.relay_priority > 0) {
    std::printf("  relay forwarding threads run SCHED_FIFO, priority %d\n", o.relay_priority);
  }
  if (o.generator_priority > 0) {
    std::printf("  the generator measures at SCHED_FIFO, priority %d\n", o.generator_priority);
  }
  double load[3] = {};
  if (getloadavg(load, 3) == 3) {
    std::printf("  load average at start: %.2f %.2f %.2f\n", load[0], load[1], load[2]);
  }

  std::map<std::string, std::vector<double>> per_core_ratio;
  std::map<std::string, std::vector<double>> raw_ratio;
  for (int run = 1; run <= o.repeat; ++run) {
    for (int calls : o.calls) {
      paced_runs(o, calls, run);
    }
    auto sat = saturation_run(o, run);
    for (const char* ours : {"tipring", "steered"}) {
      if (sat.count(ours) == 0) {
        continue;
      }
      for (const char* other : {"rtpengine", "bare"}) {
        if (sat.count(other) != 0 && sat[other].first > 0 && sat[other].second > 0) {
          const std::string pair = std::string(ours) + " / " + other;
          per_core_ratio[pair].push_back(sat[ours].first / sat[other].first);
          raw_ratio[pair].push_back(sat[ours].second / sat[other].second);
          std::printf("run %d: %s = %.2f per core (%.2f in raw pps)\n", run, pair.c_str(),
                      per_core_ratio[pair].back(), raw_ratio[pair].back());
        }
      }
    }
  }
  if (getloadavg(load, 3) == 3) {
    std::printf("\n  load average at end: %.2f %.2f %.2f\n", load[0], load[1], load[2]);
  }
  std::printf("\nmedian over %d run(s), saturation packets/s per core (relay threads' CPU):\n",
              o.repeat);
  for (const auto& [pair, ratios] : per_core_ratio) {
    const bool versus_rtpengine = pair.ends_with("rtpengine");
    std::printf("  %-21s = %.2f  (target >= %s; raw pps %.2f)\n", pair.c_str(), median(ratios),
                versus_rtpengine ? "2.0" : "0.80", median(raw_ratio[pair]));
  }
  return 0;
}
