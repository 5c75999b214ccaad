#include "client/cli/line_tool_options.h"

#include <cctype>
#include <charconv>
#include <optional>
#include <string_view>

namespace tipring::client {
namespace {

constexpr std::string_view kStepRule = "line-generate step";

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t begin = 0;
  for (std::size_t at = text.find(separator); at != std::string::npos;
       at = text.find(separator, begin)) {
    parts.push_back(text.substr(begin, at - begin));
    begin = at + 1;
  }
  parts.push_back(text.substr(begin));
  return parts;
}

// A duration in milliseconds: a number from 1 to 600000 (ten minutes).
Result<double> parse_ms(const std::string& text, std::string_view what) {
  double value = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1.0 || value > 600000.0) {
    return fail(kStepRule,
                std::string(what) + " must be milliseconds from 1 to 600000, not '" + text + "'");
  }
  return value;
}

Result<pots::ProgressTone> parse_tone_name(const std::string& name) {
  for (std::size_t i = 0; i < pots::kProgressToneCount; ++i) {
    const auto tone = static_cast<pots::ProgressTone>(i);
    if (pots::progress_tone_name(tone) == name) {
      return tone;
    }
  }
  return fail(kStepRule, "unknown tone '" + name +
                             "' (dial, stutter-dial, ringback, busy, reorder, call-waiting, "
                             "howler)");
}

bool valid_keys(const std::string& keys) {
  return !keys.empty() && keys.find_first_not_of("0123456789*#ABCDabcd") == std::string::npos;
}

// MMDDHHMM, as GR-30-CORE sends it.
Result<pots::CallerIdDateTime> parse_when(const std::string& text) {
  if (text.size() != 8 || text.find_first_not_of("0123456789") != std::string::npos) {
    return fail(kStepRule, "caller-ID time must be MMDDHHMM, not '" + text + "'");
  }
  auto two = [&](std::size_t at) { return (text[at] - '0') * 10 + (text[at + 1] - '0'); };
  pots::CallerIdDateTime when{two(0), two(2), two(4), two(6)};
  if (when.month < 1 || when.month > 12 || when.day < 1 || when.day > 31 || when.hour > 23 ||
      when.minute > 59) {
    return fail(kStepRule, "caller-ID time '" + text + "' is not a valid MMDDHHMM");
  }
  return when;
}

// "P" and "O" stand for the private and unavailable markers, as on the wire.
std::optional<pots::Absence> absence(const std::string& text) {
  if (text == "P") {
    return pots::Absence::kPrivate;
  }
  if (text == "O") {
    return pots::Absence::kUnavailable;
  }
  return std::nullopt;
}

Result<pots::CallerId> parse_caller_id(const std::vector<std::string>& parts, std::size_t first) {
  pots::CallerId id;
  if (parts.size() <= first || parts[first].empty()) {
    return fail(kStepRule, "caller ID needs a number (or P private, O unavailable)");
  }
  if (auto marker = absence(parts[first])) {
    id.number_absent = marker;
  } else if (parts[first].find_first_not_of("0123456789+*#") != std::string::npos) {
    return fail(kStepRule, "caller-ID number '" + parts[first] + "' has a non-digit");
  } else {
    id.number = parts[first];
  }
  if (parts.size() > first + 1 && !parts[first + 1].empty()) {
    if (auto marker = absence(parts[first + 1])) {
      id.name_absent = marker;
    } else {
      id.name = parts[first + 1];
    }
  }
  if (parts.size() > first + 2) {
    auto when = parse_when(parts[first + 2]);
    if (!when) {
      return tl::unexpected(when.error());
    }
    id.when = *when;
  }
  if (parts.size() > first + 3) {
    return fail(kStepRule, "caller ID takes NUMBER[:NAME[:MMDDHHMM]], got extra fields");
  }
  return id;
}

Result<pots::GenerateStep> parse_fsk_caller_id(const std::vector<std::string>& parts) {
  if (parts.size() < 2) {
    return fail(kStepRule, "cid needs a format: cid:sdmf|mdmf|type2|etsi:NUMBER...");
  }
  pots::GenerateCallerId step;
  const std::string& format = parts[1];
  if (format == "sdmf") {
    step.format = pots::CallerIdFormat::kSdmf;
  } else if (format == "mdmf") {
    step.format = pots::CallerIdFormat::kMdmf;
  } else if (format == "type2") {
    step.burst = pots::kType2Burst;
  } else if (format == "etsi") {
    step.burst = pots::kEtsiBurst;
  } else {
    return fail(kStepRule, "unknown caller-ID format '" + format + "' (sdmf, mdmf, type2, etsi)");
  }
  auto id = parse_caller_id(parts, 2);
  if (!id) {
    return tl::unexpected(id.error());
  }
  if (step.format == pots::CallerIdFormat::kSdmf && (!id->name.empty() || id->name_absent)) {
    return fail(kStepRule, "SDMF carries no name; use cid:mdmf for a name");
  }
  step.id = *id;
  return step;
}

Result<pots::GenerateStep> parse_dtmf(const std::vector<std::string>& parts) {
  if (parts.size() < 2 || !valid_keys(parts[1])) {
    return fail(kStepRule, "dtmf takes keys from 0-9 * # A-D, e.g. dtmf:123#");
  }
  if (parts.size() != 2 && parts.size() != 4) {
    return fail(kStepRule, "dtmf takes KEYS or KEYS:ON_MS:OFF_MS");
  }
  pots::GenerateDtmf step;
  step.keys = parts[1];
  for (char& c : step.keys) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (parts.size() == 4) {
    auto on = parse_ms(parts[2], "dtmf tone length");
    auto off = parse_ms(parts[3], "dtmf pause");
    if (!on || !off) {
      return tl::unexpected(on ? off.error() : on.error());
    }
    step.settings.on_ms = *on;
    step.settings.off_ms = *off;
  }
  return step;
}

template <class Options>
bool take_plan(const std::vector<std::string>& arguments, std::size_t& i,
               LineToolParse<Options>& result) {
  if (arguments[i] != "--plan") {
    return false;
  }
  if (i + 1 >= arguments.size()) {
    result.error = "--plan needs a country code";
    return true;
  }
  const auto* plan = pots::find_tone_plan(arguments[++i]);
  if (plan == nullptr) {
    result.error = "unknown tone plan '" + arguments[i] + "' (US, UK, DE, FR, JP, AU, ITU)";
  } else {
    result.options.plan = plan;
  }
  return true;
}

}  // namespace

Result<pots::GenerateStep> parse_generate_step(const std::string& spec) {
  const auto parts = split(spec, ':');
  const std::string& kind = parts[0];
  if (kind == "silence" && parts.size() == 2) {
    auto ms = parse_ms(parts[1], "silence");
    return ms ? Result<pots::GenerateStep>(pots::GenerateSilence{*ms}) : tl::unexpected(ms.error());
  }
  if (kind == "tone" && parts.size() == 3) {
    auto tone = parse_tone_name(parts[1]);
    auto ms = parse_ms(parts[2], "tone length");
    if (!tone || !ms) {
      return tl::unexpected(tone ? ms.error() : tone.error());
    }
    return pots::GenerateTone{*tone, *ms};
  }
  if (kind == "dtmf") {
    return parse_dtmf(parts);
  }
  if (kind == "cid") {
    return parse_fsk_caller_id(parts);
  }
  if (kind == "dtmf-cid" && parts.size() <= 2) {  // DTMF caller ID carries only the number
    auto id = parse_caller_id(parts, 1);
    return id ? Result<pots::GenerateStep>(pots::GenerateDtmfCallerId{*id})
              : tl::unexpected(id.error());
  }
  if (kind == "alert" && parts.size() <= 2) {
    pots::GenerateAlert step;
    if (parts.size() == 2) {
      auto ms = parse_ms(parts[1], "alert length");
      if (!ms) {
        return tl::unexpected(ms.error());
      }
      step.ms = *ms;
    }
    return step;
  }
  return fail(kStepRule, "cannot read step '" + spec + "' (see line-generate --help)");
}

LineToolParse<LineAnalyzeOptions> parse_line_analyze(const std::vector<std::string>& arguments) {
  LineToolParse<LineAnalyzeOptions> result;
  for (std::size_t i = 0; i < arguments.size() && result.error.empty(); ++i) {
    const std::string& a = arguments[i];
    if (a == "--help" || a == "-h") {
      result.help = true;
      return result;
    }
    if (take_plan(arguments, i, result)) {
      continue;
    }
    if (a.starts_with("-") && a != "-") {
      result.error = "unknown option '" + a + "'";
    } else if (!result.options.input.empty()) {
      result.error = "line-analyze takes one file, got '" + a + "' as well";
    } else {
      result.options.input = a;
    }
  }
  if (result.error.empty() && result.options.input.empty()) {
    result.error = "line-analyze needs a WAV file";
  }
  return result;
}

LineToolParse<LineGenerateOptions> parse_line_generate(const std::vector<std::string>& arguments) {
  LineToolParse<LineGenerateOptions> result;
  for (std::size_t i = 0; i < arguments.size() && result.error.empty(); ++i) {
    const std::string& a = arguments[i];
    if (a == "--help" || a == "-h") {
      result.help = true;
      return result;
    }
    if (take_plan(arguments, i, result)) {
      continue;
    }
    if (a == "--output" || a == "-o") {
      if (i + 1 >= arguments.size()) {
        result.error = a + " needs a file name";
      } else {
        result.options.output = arguments[++i];
      }
    } else if (a.starts_with("-")) {
      result.error = "unknown option '" + a + "'";
    } else if (auto step = parse_generate_step(a)) {
      result.options.steps.push_back(*step);
    } else {
      result.error = step.error().detail;
    }
  }
  if (result.error.empty() && result.options.output.empty()) {
    result.error = "line-generate needs --output FILE.wav";
  } else if (result.error.empty() && result.options.steps.empty()) {
    result.error = "line-generate needs at least one step (see --help)";
  }
  return result;
}

std::string line_analyze_help() {
  return R"(Usage: tipring-cli line-analyze [--plan CODE] FILE.wav

Prints, as one JSON object, what is on a recorded telephone line: DTMF keys with their
start times, call-progress tones of the tone plan, FSK caller-ID messages (Bell 202 and
V.23; SDMF and MDMF), CAS/DT-AS alerting tones and DTMF caller ID. The detectors are the
ones the simulated line runs.

  FILE.wav     16-bit PCM, 8000 Hz, mono (convert with: sox in.wav -r 8000 -c 1 -b 16 out.wav)
  --plan CODE  tone plan for call-progress tones: US, UK, DE, FR, JP, AU, ITU (default ITU)

Output fields: tone_plan; dtmf [{key, start_ms}]; tones [{tone, start_ms}];
caller_id [{start_ms, format, when, number, number_absent, name, name_absent | error}];
alerts [{start_ms, duration_ms}]; dtmf_caller_id [{start_ms, keys, number, ... | error}].

Exit codes: 0 analysed, 2 bad command line, 4 the file is missing or not 8 kHz mono PCM.)";
}

std::string line_generate_help() {
  return R"(Usage: tipring-cli line-generate --output FILE.wav [--plan CODE] STEP...

Writes an 8000 Hz mono 16-bit WAV made of the steps, in order, with the generators the
simulated line uses.

  -o, --output FILE.wav   where to write
  --plan CODE             tone plan for tone steps: US, UK, DE, FR, JP, AU, ITU (default ITU)

Steps:
  silence:MS                       silence
  tone:NAME:MS                     a call-progress tone of the plan, with its cadence; NAME is
                                   dial, stutter-dial, ringback, busy, reorder, call-waiting
                                   or howler
  dtmf:KEYS[:ON_MS:OFF_MS]         DTMF keys 0-9 * # A-D (default 100 ms on, 100 ms off;
                                   low tone -8 dBm0, high tone -6 dBm0)
  cid:FORMAT:NUMBER[:NAME[:MMDDHHMM]]
                                   an FSK caller-ID burst. FORMAT: sdmf (Bell 202, 300 seizure
                                   + 180 mark bits, no name), mdmf (Bell 202, type 1), type2
                                   (Bell 202 MDMF, 80 mark bits, as after a call-waiting ACK),
                                   etsi (V.23 MDMF, EN 300 659). NUMBER or NAME "P" sends the
                                   private marker, "O" the unavailable marker; for SDMF with
                                   a time leave NAME empty: cid:sdmf:5551234::11260930
  dtmf-cid:NUMBER                  DTMF caller ID, A<number>C in 60 ms tones ("P"/"O": B10C/B00C)
  alert[:MS]                       CAS / DT-AS alerting tone, 2130+2750 Hz (default 80 ms)

Example:
  tipring-cli line-generate -o call.wav --plan US tone:dial:1000 dtmf:5551234 \
      silence:500 'cid:mdmf:5551234:JOHN DOE:11260930'

Exit codes: 0 written, 2 bad command line, 4 the file cannot be written.)";
}

}  // namespace tipring::client
