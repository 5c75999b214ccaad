// spandsp 0.0.6 as an independent oracle: its DTMF and ADSI (caller ID) transmitters and
// receivers, wrapped so the tests can run our signals through them and theirs through ours.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tipring::pots::test {

// Keys as spandsp's dtmf_tx sends them (low tone at `low_dbm0`, high `twist_db` above).
std::vector<std::int16_t> spandsp_dtmf(const std::string& keys, int low_dbm0, int twist_db,
                                       int on_ms, int off_ms);
// Keys spandsp's dtmf_rx finds in `samples`.
std::string spandsp_detect_dtmf(const std::vector<std::int16_t>& samples);

// kClipDtmf: ETSI DTMF caller ID; the message is the keys as text (e.g. "A5551234C").
enum class AdsiStandard { kClass, kClip, kClipDtmf };
// spandsp's ADSI transmitter sending `message` (type, length, body; spandsp appends the
// checksum) with the given preamble. The caller builds MDMF bytes itself (see the
// adsi_add_field pitfall in reference/telephony.md).
std::vector<std::int16_t> spandsp_adsi_burst(AdsiStandard standard,
                                             const std::vector<std::uint8_t>& message,
                                             int seizure_bits, int mark_bits);
// Messages spandsp's ADSI receiver delivers from `samples`, as it hands them over.
std::vector<std::vector<std::uint8_t>> spandsp_adsi_receive(
    AdsiStandard standard, const std::vector<std::int16_t>& samples);

}  // namespace tipring::pots::test
