#include "pots/analysis/line_analysis.h"

#include "pots/caller_id/alert_tone_detector.h"
#include "pots/caller_id/caller_id_receiver.h"
#include "pots/caller_id/dtmf_caller_id.h"
#include "pots/dtmf/dtmf_detector.h"
#include "pots/tones/progress_tone_detector.h"

#include <cstdio>

namespace tipring::pots {
namespace {

double ms(std::int64_t sample) {
  return ms_from_samples(sample);
}

// DTMF caller ID: a run of keys starting with A, B or D and ending with C (or #).
void find_dtmf_caller_ids(LineAnalysis& analysis) {
  std::string keys;
  double start = 0.0;
  for (const auto& d : analysis.digits) {
    if (keys.empty() && d.key != 'A' && d.key != 'B' && d.key != 'D') {
      continue;
    }
    if (keys.empty()) {
      start = d.start_ms;
    }
    keys += d.key;
    if (d.key == 'C' || (d.key == '#' && keys.size() > 1)) {
      analysis.dtmf_caller_ids.push_back({start, keys, decode_dtmf_caller_id(keys)});
      keys.clear();
    }
  }
}

std::string escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
      out += buffer;
    } else {
      out += c;
    }
  }
  return out;
}

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

// The message type byte as a name: what a display shows the caller ID came as.
std::string_view message_format(const std::vector<std::uint8_t>& bytes) {
  if (bytes.empty()) {
    return "none";
  }
  switch (bytes[0]) {
    case kSdmfCallerId:
      return "sdmf";
    case kMdmfCallerId:
      return "mdmf";
    default:
      return "other";
  }
}

std::string caller_id_json(const Result<CallerId>& decoded) {
  if (!decoded) {
    return "\"error\":\"" + escape(decoded.error().describe()) + "\"";
  }
  const auto& id = *decoded;
  std::string out;
  if (id.when) {
    char when[16];
    std::snprintf(when, sizeof when, "%02d-%02d %02d:%02d", id.when->month, id.when->day,
                  id.when->hour, id.when->minute);
    out += "\"when\":\"" + std::string(when) + "\",";
  }
  out += "\"number\":\"" + escape(id.number) + "\"";
  if (id.number_absent) {
    out += ",\"number_absent\":\"" + std::string(1, static_cast<char>(*id.number_absent)) + "\"";
  }
  out += ",\"name\":\"" + escape(id.name) + "\"";
  if (id.name_absent) {
    out += ",\"name_absent\":\"" + std::string(1, static_cast<char>(*id.name_absent)) + "\"";
  }
  return out;
}

}  // namespace

LineAnalysis analyze_line(Samples samples, const TonePlan& plan) {
  LineAnalysis analysis;
  DtmfDetector dtmf;
  ProgressToneDetector tones(plan);
  // Type 2 bursts carry 80 mark bits; 40 keeps tones that merely look like a mark out.
  CallerIdReceiver fsk(kBell202, 40.0);  // also decodes V.23 bursts
  AlertToneDetector alerts(60.0, 130.0);
  std::vector<DtmfDigit> digits;
  std::vector<ProgressToneEvent> tone_events;
  std::vector<CallerIdMessage> messages;
  std::vector<AlertTone> alert_events;
  constexpr std::size_t kBlock = 160;
  for (std::size_t at = 0; at < samples.size(); at += kBlock) {
    const auto block = samples.subspan(at, std::min(kBlock, samples.size() - at));
    dtmf.process(block, digits);
    tones.process(block, tone_events);
    fsk.process(block, messages);
    alerts.process(block, alert_events);
  }
  // Flush detectors that report at the end of a signal.
  const std::vector<std::int16_t> tail(800, 0);
  fsk.process(tail, messages);
  alerts.process(tail, alert_events);
  for (const auto& d : digits) {
    analysis.digits.push_back({d.key, ms(d.start_sample)});
  }
  for (const auto& t : tone_events) {
    analysis.tones.push_back({t.tone, ms(t.start_sample)});
  }
  for (auto& m : messages) {
    analysis.caller_ids.push_back({ms(m.start_sample), m.bytes, std::move(m.decoded)});
  }
  for (const auto& a : alert_events) {
    analysis.alerts.push_back({ms(a.start_sample), a.duration_ms});
  }
  find_dtmf_caller_ids(analysis);
  return analysis;
}

std::string to_json(const LineAnalysis& analysis, const TonePlan& plan) {
  std::string out = "{\"tone_plan\":\"" + std::string(plan.code) + "\",\"dtmf\":[";
  for (std::size_t i = 0; i < analysis.digits.size(); ++i) {
    const auto& d = analysis.digits[i];
    out += std::string(i ? "," : "") + "{\"key\":\"" + escape(std::string(1, d.key)) +
           "\",\"start_ms\":" + number(d.start_ms) + "}";
  }
  out += "],\"tones\":[";
  for (std::size_t i = 0; i < analysis.tones.size(); ++i) {
    const auto& t = analysis.tones[i];
    out += std::string(i ? "," : "") + "{\"tone\":\"" + std::string(progress_tone_name(t.tone)) +
           "\",\"start_ms\":" + number(t.start_ms) + "}";
  }
  out += "],\"caller_id\":[";
  for (std::size_t i = 0; i < analysis.caller_ids.size(); ++i) {
    const auto& c = analysis.caller_ids[i];
    out += std::string(i ? "," : "") + "{\"start_ms\":" + number(c.start_ms) + ",\"format\":\"" +
           std::string(message_format(c.bytes)) + "\"," + caller_id_json(c.decoded) + "}";
  }
  out += "],\"alerts\":[";
  for (std::size_t i = 0; i < analysis.alerts.size(); ++i) {
    const auto& a = analysis.alerts[i];
    out += std::string(i ? "," : "") + "{\"start_ms\":" + number(a.start_ms) +
           ",\"duration_ms\":" + number(a.duration_ms) + "}";
  }
  out += "],\"dtmf_caller_id\":[";
  for (std::size_t i = 0; i < analysis.dtmf_caller_ids.size(); ++i) {
    const auto& c = analysis.dtmf_caller_ids[i];
    out += std::string(i ? "," : "") + "{\"start_ms\":" + number(c.start_ms) + ",\"keys\":\"" +
           escape(c.keys) + "\"," + caller_id_json(c.decoded) + "}";
  }
  out += "]}";
  return out;
}

}  // namespace tipring::pots
