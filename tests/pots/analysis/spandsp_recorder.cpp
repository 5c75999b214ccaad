// spandsp_recorder: writes recordings made by spandsp's transmitters (not by pots/) to 8 kHz
// WAV files, so `tipring-cli line-analyze` can be checked against an independent source:
//   spandsp_recorder dtmf OUT.wav KEYS LOW_DBM0 TWIST_DB ON_MS OFF_MS
//   spandsp_recorder adsi OUT.wav class|clip SEIZURE_BITS MARK_BITS HEX_MESSAGE
//   spandsp_recorder dtmf-cid OUT.wav KEYS
// HEX_MESSAGE is type, length and body; spandsp appends the checksum. KEYS is the DTMF
// caller-ID string ETSI CLIP-DTMF sends, e.g. A5551234C.
#include "pots/analysis/wav_file.h"
#include "spandsp_oracle.h"

#include <cstdio>
#include <string>
#include <vector>

namespace {

using tipring::pots::WavAudio;
using namespace tipring::pots::test;

std::vector<std::uint8_t> from_hex(const std::string& hex) {
  std::vector<std::uint8_t> bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  }
  return bytes;
}

int usage() {
  std::fputs(
      "usage: spandsp_recorder dtmf OUT.wav KEYS LOW_DBM0 TWIST_DB ON_MS OFF_MS\n"
      "       spandsp_recorder adsi OUT.wav class|clip SEIZURE_BITS MARK_BITS HEX_MESSAGE\n"
      "       spandsp_recorder dtmf-cid OUT.wav KEYS\n",
      stderr);
  return 2;
}

}  // namespace

int main(int argc, char* argv[]) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  WavAudio audio;
  if (args.size() == 7 && args[0] == "dtmf") {
    audio.samples = spandsp_dtmf(args[2], std::stoi(args[3]), std::stoi(args[4]),
                                 std::stoi(args[5]), std::stoi(args[6]));
  } else if (args.size() == 6 && args[0] == "adsi" && (args[2] == "class" || args[2] == "clip")) {
    const auto standard = args[2] == "class" ? AdsiStandard::kClass : AdsiStandard::kClip;
    audio.samples =
        spandsp_adsi_burst(standard, from_hex(args[5]), std::stoi(args[3]), std::stoi(args[4]));
  } else if (args.size() == 3 && args[0] == "dtmf-cid") {
    audio.samples = spandsp_adsi_burst(
        AdsiStandard::kClipDtmf, std::vector<std::uint8_t>(args[2].begin(), args[2].end()), 0, 0);
  } else {
    return usage();
  }
  // Quiet lead-in and tail, as on a line between signals.
  audio.samples.insert(audio.samples.begin(), 800, 0);
  audio.samples.insert(audio.samples.end(), 800, 0);
  if (auto written = tipring::pots::write_wav(args[1], audio); !written) {
    std::fprintf(stderr, "spandsp_recorder: %s\n", written.error().describe().c_str());
    return 1;
  }
  return 0;
}
