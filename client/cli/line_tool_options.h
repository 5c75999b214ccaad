// The command lines of `tipring-cli line-analyze` and `tipring-cli line-generate`: the
// analysis and generation tools over pots/analysis, the same detectors and generators the
// simulated line runs. Parsing is separate from running so the step grammar is unit tested.
#pragma once

#include "pots/analysis/line_generation.h"
#include "pots/tones/tone_plan.h"

#include <string>
#include <vector>

namespace tipring::client {

struct LineAnalyzeOptions {
  std::string input;  // an 8 kHz mono 16-bit PCM WAV
  const pots::TonePlan* plan = &pots::default_tone_plan();
};

struct LineGenerateOptions {
  std::string output;
  const pots::TonePlan* plan = &pots::default_tone_plan();
  std::vector<pots::GenerateStep> steps;
};

template <class Options>
struct LineToolParse {
  Options options;
  std::string error;  // non-empty: a usage error naming the bad argument
  bool help = false;  // --help was asked for
};

// `arguments` are those after the subcommand's name.
LineToolParse<LineAnalyzeOptions> parse_line_analyze(const std::vector<std::string>& arguments);
LineToolParse<LineGenerateOptions> parse_line_generate(const std::vector<std::string>& arguments);

// One generation step, e.g. "dtmf:123#:100:100" or "cid:mdmf:5551234:JOHN DOE:11260930".
Result<pots::GenerateStep> parse_generate_step(const std::string& spec);

std::string line_analyze_help();
std::string line_generate_help();

}  // namespace tipring::client
