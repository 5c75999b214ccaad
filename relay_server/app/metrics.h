// MetricsRegistry: counters and gauges with labels, rendered in the Prometheus text
// exposition format (version 0.0.4) for /metrics. Values are atomics, so a forwarding
// thread may bump a counter it holds a reference to; registration happens at start-up.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tipring::relay {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class Counter {
public:
  void increment(std::uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
public:
  void set(double value) { value_.store(value, std::memory_order_relaxed); }
  [[nodiscard]] double value() const { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<double> value_{0};
};

class MetricsRegistry {
public:
  using Writer = std::function<void(std::string& out)>;

  // The same name and labels return the same series; names follow Prometheus rules
  // ([a-zA-Z_:][a-zA-Z0-9_:]*) and counters should end in "_total".
  Counter& counter(std::string_view name, std::string_view help, const MetricLabels& labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, const MetricLabels& labels = {});
  // Appends text that another part renders itself (the media relay's write_metrics).
  void add_writer(Writer writer) { writers_.push_back(std::move(writer)); }

  [[nodiscard]] std::string render() const;

private:
  struct Family {
    std::string help;
    bool is_counter = true;
    std::map<std::string, std::unique_ptr<Counter>> counters;  // by rendered label set
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
  };

  std::map<std::string, Family, std::less<>> families_;
  std::vector<Writer> writers_;
};

// `{a="1",b="x\"y"}` with the format's escaping, or "" for no labels.
std::string render_labels(const MetricLabels& labels);
bool is_valid_metric_name(std::string_view name);

}  // namespace tipring::relay
