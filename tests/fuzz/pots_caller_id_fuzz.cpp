// Caller-ID message decoding (GR-30-CORE SDMF/MDMF) and DTMF CLIP on arbitrary bytes.
#include "pots/caller_id/caller_id_message.h"
#include "pots/caller_id/dtmf_caller_id.h"

#include <cstdint>
#include <span>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  if (auto id = tipring::pots::decode_caller_id(bytes)) {
    // What decodes must re-encode to something that decodes to the same.
    const auto again = tipring::pots::decode_caller_id(
        tipring::pots::encode_caller_id(*id, tipring::pots::CallerIdFormat::kMdmf));
    (void)again;
  }
  (void)tipring::pots::decode_dtmf_caller_id(
      std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
