#include "spandsp_oracle.h"

#include <algorithm>
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

namespace {
struct AdsiTxDeleter {
  void operator()(adsi_tx_state_t* s) const { adsi_tx_free(s); }
};
struct AdsiRxDeleter {
  void operator()(adsi_rx_state_t* s) const { adsi_rx_free(s); }
};
int spandsp_standard(AdsiStandard standard) {
  switch (standard) {
    case AdsiStandard::kClass:
      return ADSI_STANDARD_CLASS;
    case AdsiStandard::kClip:
      return ADSI_STANDARD_CLIP;
    case AdsiStandard::kClipDtmf:
      return ADSI_STANDARD_CLIP_DTMF;
  }
  return ADSI_STANDARD_CLASS;
}
void collect_message(void* user, const uint8_t* msg, int len) {
  auto* messages = static_cast<std::vector<std::vector<std::uint8_t>>*>(user);
  if (len > 0) {
    messages->emplace_back(msg, msg + len);
  }
}
}  // namespace

std::vector<std::int16_t> spandsp_adsi_burst(AdsiStandard standard,
                                             const std::vector<std::uint8_t>& message,
                                             int seizure_bits, int mark_bits) {
  std::unique_ptr<adsi_tx_state_t, AdsiTxDeleter> tx(
      adsi_tx_init(nullptr, spandsp_standard(standard)));
  adsi_tx_set_preamble(tx.get(), seizure_bits, mark_bits, -1, -1);
  adsi_tx_put_message(tx.get(), message.data(), static_cast<int>(message.size()));
  std::vector<std::int16_t> out;
  std::int16_t block[160];
  // adsi_tx keeps emitting (marks) after the message; stop once it has gone quiet or after
  // a bound well past any caller-ID burst.
  for (int i = 0; i < 200; ++i) {
    const int n = adsi_tx(tx.get(), block, 160);
    if (n <= 0) {
      break;
    }
    out.insert(out.end(), block, block + n);
  }
  return out;
}

std::vector<std::vector<std::uint8_t>> spandsp_adsi_receive(
    AdsiStandard standard, const std::vector<std::int16_t>& samples) {
  std::vector<std::vector<std::uint8_t>> messages;
  std::unique_ptr<adsi_rx_state_t, AdsiRxDeleter> rx(
      adsi_rx_init(nullptr, spandsp_standard(standard), collect_message, &messages));
  std::vector<std::int16_t> padded = samples;
  padded.resize(samples.size() + 1600, 0);
  for (std::size_t at = 0; at < padded.size(); at += 160) {
    adsi_rx(rx.get(), padded.data() + at,
            static_cast<int>(std::min<std::size_t>(160, padded.size() - at)));
  }
  return messages;
}

}  // namespace tipring::pots::test
