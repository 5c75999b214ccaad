// RIFF/WAVE parsing of analysis files.
#include "pots/analysis/wav_file.h"

#include <cstdint>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::uint8_t> bytes(data, data + size);
  if (auto audio = tipring::pots::parse_wav(bytes)) {
    (void)tipring::pots::first_channel(*audio);
  }
  return 0;
}
