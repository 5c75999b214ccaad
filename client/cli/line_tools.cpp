#include "client/cli/line_tools.h"

#include "client/cli/cli_options.h"
#include "client/cli/line_tool_options.h"
#include "pots/analysis/line_analysis.h"
#include "pots/analysis/wav_file.h"

#include <filesystem>
#include <system_error>

namespace tipring::client {
namespace {

constexpr const char* kAnalyze = "line-analyze";
constexpr const char* kGenerate = "line-generate";

// The recording, or a message naming what is wrong with it.
Result<std::vector<std::int16_t>> read_line_recording(const std::string& path) {
  constexpr std::string_view kRule = "line-analyze input";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return fail(kRule, path + ": no such file");
  }
  if (std::filesystem::is_directory(path, ec)) {
    return fail(kRule, path + ": is a directory, not a WAV file");
  }
  auto audio = pots::read_wav(path);
  if (!audio) {
    return fail(kRule, path + ": not a usable WAV file (" + audio.error().detail + ")");
  }
  if (audio->sample_rate_hz != pots::kSampleRateHz) {
    return fail(kRule, path + ": sample rate is " + std::to_string(audio->sample_rate_hz) +
                           " Hz; the line runs at 8000 Hz (convert with sox in.wav -r 8000 "
                           "-c 1 out.wav)");
  }
  if (audio->channels != 1) {
    return fail(kRule, path + ": has " + std::to_string(audio->channels) +
                           " channels; a line recording is mono (convert with sox in.wav -c 1 "
                           "out.wav)");
  }
  return std::move(audio->samples);
}

int analyze(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err) {
  const auto parsed = parse_line_analyze(arguments);
  if (parsed.help) {
    out << line_analyze_help() << '\n';
    return kExitOk;
  }
  if (!parsed.error.empty()) {
    err << "tipring-cli line-analyze: " << parsed.error
        << "\nTry tipring-cli line-analyze --help.\n";
    return kExitUsage;
  }
  const auto samples = read_line_recording(parsed.options.input);
  if (!samples) {
    err << "tipring-cli line-analyze: " << samples.error().detail << '\n';
    return kExitBadFile;
  }
  const auto& plan = *parsed.options.plan;
  out << pots::to_json(pots::analyze_line(*samples, plan), plan) << '\n';
  return kExitOk;
}

int generate(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err) {
  const auto parsed = parse_line_generate(arguments);
  if (parsed.help) {
    out << line_generate_help() << '\n';
    return kExitOk;
  }
  if (!parsed.error.empty()) {
    err << "tipring-cli line-generate: " << parsed.error
        << "\nTry tipring-cli line-generate --help.\n";
    return kExitUsage;
  }
  pots::WavAudio audio;
  audio.samples = pots::generate_line_audio(parsed.options.steps, *parsed.options.plan);
  if (auto written = pots::write_wav(parsed.options.output, audio); !written) {
    err << "tipring-cli line-generate: " << written.error().detail << '\n';
    return kExitBadFile;
  }
  return kExitOk;
}

}  // namespace

bool is_line_tool(const std::string& subcommand) {
  return subcommand == kAnalyze || subcommand == kGenerate;
}

int run_line_tool(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err) {
  if (arguments.empty() || !is_line_tool(arguments[0])) {
    err << "tipring-cli: expected line-analyze or line-generate\n";
    return kExitUsage;
  }
  const std::vector<std::string> rest(arguments.begin() + 1, arguments.end());
  return arguments[0] == kAnalyze ? analyze(rest, out, err) : generate(rest, out, err);
}

}  // namespace tipring::client
