// ng_relay_driver: a stand-in for tipring-relay in interop tests until that binary lands:
// runs a MediaRelay with the ng control on, and writes its metrics to a file every 200 ms
// and on SIGTERM/SIGINT.
//   ng_relay_driver <ng ip:port> <port_min> <port_max> <metrics file>
#include "relay_server/media/media_relay.h"

#include <csignal>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

namespace {
volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) {
  g_stop = 1;
}

void dump(const tipring::relay::MediaRelay& relay, const std::string& path) {
  std::string text;
  relay.write_metrics(text);
  const std::string partial = path + ".tmp";
  std::ofstream(partial) << text;
  std::rename(partial.c_str(), path.c_str());
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s <ng ip:port> <port_min> <port_max> <metrics file>\n", argv[0]);
    return 2;
  }
  tipring::relay::MediaRelayConfig config;
  config.ng_listen = argv[1];
  config.port_min = static_cast<std::uint16_t>(std::stoi(argv[2]));
  config.port_max = static_cast<std::uint16_t>(std::stoi(argv[3]));
  config.workers = 1;
  tipring::relay::MediaRelay relay(config);
  if (auto started = relay.start(); !started) {
    std::fprintf(stderr, "ng_relay_driver: %s\n", started.error().describe().c_str());
    return 1;
  }
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  const std::string path = argv[4];
  while (g_stop == 0) {
    dump(relay, path);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  dump(relay, path);
  relay.stop();
  return 0;
}
