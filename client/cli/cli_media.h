// The media tipring-cli gives each call: WAV files as microphone (--play) and loudspeaker
// (--record) through audio's WavFileDevice, or silence when neither is given.
#pragma once

#include "client/cli/cli_options.h"
#include "client/phone/call_media.h"

namespace tipring::client {

// Fails (exit code 2) when a WAV file cannot be read.
Result<CallMediaFactory> make_cli_media_factory(const CliOptions& options);

}  // namespace tipring::client
