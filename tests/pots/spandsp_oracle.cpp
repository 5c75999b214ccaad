#include "spandsp_oracle.h"

#include <memory>

extern "C" {
#include <spandsp.h>
}

namespace tipring::pots::test {
namespace {
struct DtmfTxDeleter {
  void operator()(dtmf_tx_state_t* s) const { dtmf_tx_free(s); }
};
struct DtmfRxDeleter {
  void operator()(dtmf_rx_state_t* s) const { dtmf_rx_free(s); }
};
}  // namespace

std::vector<std::int16_t> spandsp_dtmf(const std::string& keys, int low_dbm0, int twist_db,
                                       int on_ms, int off_ms) {
  std::unique_ptr<dtmf_tx_state_t, DtmfTxDeleter> tx(dtmf_tx_init(nullptr));
  dtmf_tx_set_level(tx.get(), low_dbm0, twist_db);
  dtmf_tx_set_timing(tx.get(), on_ms, off_ms);
  dtmf_tx_put(tx.get(), keys.c_str(), -1);
  std::vector<std::int16_t> out;
  std::int16_t block[160];
  for (;;) {
    const int n = dtmf_tx(tx.get(), block, 160);
    if (n <= 0) {
      break;
    }
    out.insert(out.end(), block, block + n);
  }
  return out;
}

std::string spandsp_detect_dtmf(const std::vector<std::int16_t>& samples) {
  std::unique_ptr<dtmf_rx_state_t, DtmfRxDeleter> rx(dtmf_rx_init(nullptr, nullptr, nullptr));
  std::string keys;
  std::size_t at = 0;
  while (at < samples.size()) {
    const int n = static_cast<int>(std::min<std::size_t>(160, samples.size() - at));
    dtmf_rx(rx.get(), samples.data() + at, n);
    at += static_cast<std::size_t>(n);
    char got[64];
    const auto count = dtmf_rx_get(rx.get(), got, 63);
    keys.append(got, count);
  }
  // Flush: a key that ends with the recording is reported after some silence.
  const std::vector<std::int16_t> tail(800, 0);
  dtmf_rx(rx.get(), tail.data(), static_cast<int>(tail.size()));
  char got[64];
  const auto count = dtmf_rx_get(rx.get(), got, 63);
  keys.append(got, count);
  return keys;
}

}  // namespace tipring::pots::test
