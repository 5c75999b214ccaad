// RIFF/WAVE parsing of analysis files.
#include <cstdint>
#include <vector>

#include "pots/analysis/wav_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::uint8_t> bytes(data, data + size);
  if (auto audio = tipring::pots::parse_wav(bytes)) {
    (void)tipring::pots::first_channel(*audio);
  }
  return 0;
}
