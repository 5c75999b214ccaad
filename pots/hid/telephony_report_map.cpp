#include "pots/hid/telephony_report_map.h"

#include <algorithm>

namespace tipring::pots {
namespace {

std::optional<TelephonyControl> telephony_control(std::uint16_t id, char& key) {
  switch (id) {
    case 0x20:
      return TelephonyControl::kHookSwitch;
    case 0x21:
      return TelephonyControl::kFlash;
    case 0x23:
      return TelephonyControl::kHold;
    case 0x24:
      return TelephonyControl::kRedial;
    case 0x2B:
      return TelephonyControl::kSpeakerPhone;
    case 0x2F:
      return TelephonyControl::kMute;
    default:
      break;
  }
  static constexpr char kKeys[] = "0123456789*#ABCD";
  if (id >= 0xB0 && id <= 0xBF) {
    key = kKeys[id - 0xB0];
    return TelephonyControl::kKey;
  }
  return std::nullopt;
}

std::optional<TelephonyLed> led(HidUsage usage) {
  if (usage.page == kTelephonyPage && usage.id == 0x9E) {
    return TelephonyLed::kRinger;
  }
  if (usage.page != kLedPage) {
    return std::nullopt;
  }
  switch (usage.id) {
    case 0x09:
      return TelephonyLed::kMute;
    case 0x17:
      return TelephonyLed::kOffHook;
    case 0x18:
      return TelephonyLed::kRing;
    case 0x19:
      return TelephonyLed::kMessageWaiting;
    case 0x20:
      return TelephonyLed::kHold;
    case 0x21:
      return TelephonyLed::kMicrophone;
    default:
      return std::nullopt;
  }
}

bool bit_at(std::span<const std::uint8_t> payload, std::uint32_t bit) {
  const std::size_t byte = bit / 8;
  return byte < payload.size() && ((payload[byte] >> (bit % 8)) & 1U) != 0;
}

}  // namespace

bool TelephonyReportMap::has(TelephonyControl control) const {
  return std::any_of(inputs.begin(), inputs.end(),
                     [&](const auto& i) { return i.control == control; });
}

bool TelephonyReportMap::has(TelephonyLed wanted) const {
  return std::any_of(outputs.begin(), outputs.end(),
                     [&](const auto& o) { return o.led == wanted; });
}

TelephonyReportMap map_telephony(const ReportDescriptor& descriptor) {
  TelephonyReportMap map;
  map.numbered_reports = descriptor.numbered_reports;
  for (const auto& field : descriptor.fields) {
    if (field.kind == HidReportKind::kInput && field.variable && field.bit_size == 1 &&
        field.usage.page == kTelephonyPage) {
      char key = 0;
      if (auto control = telephony_control(field.usage.id, key)) {
        map.inputs.push_back({*control, field.report_id, field.bit_offset, field.relative, key});
      }
    }
    if (field.kind == HidReportKind::kOutput && field.variable && field.bit_size == 1) {
      if (auto which = led(field.usage)) {
        map.outputs.push_back({*which, field.report_id, field.bit_offset});
      }
    }
  }
  for (const auto& output : map.outputs) {
    map.output_report_bytes[output.report_id] =
        descriptor.report_bytes(HidReportKind::kOutput, output.report_id);
  }
  return map;
}

std::vector<TelephonyEvent> TelephonyInputDecoder::decode(std::span<const std::uint8_t> report) {
  std::vector<TelephonyEvent> events;
  std::uint8_t id = 0;
  if (map_.numbered_reports) {
    if (report.empty()) {
      return events;
    }
    id = report[0];
    report = report.subspan(1);
  }
  for (const auto& input : map_.inputs) {
    if (input.report_id != id) {
      continue;
    }
    const bool value = bit_at(report, input.bit);
    bool& last = last_[{id, input.bit}];
    const bool rose = value && !last;
    const bool fell = !value && last;
    last = value;
    switch (input.control) {
      case TelephonyControl::kHookSwitch:
        // A state when absolute; a toggle press (0 -> 1) when relative.
        if (!input.relative && (rose || fell)) {
          events.push_back({rose ? TelephonyEvent::Kind::kOffHook : TelephonyEvent::Kind::kOnHook});
        } else if (input.relative && rose) {
          events.push_back({TelephonyEvent::Kind::kOffHook});
        }
        break;
      case TelephonyControl::kFlash:
        if (rose) {
          events.push_back({TelephonyEvent::Kind::kFlash});
        }
        break;
      case TelephonyControl::kMute:
        if (rose) {
          events.push_back({TelephonyEvent::Kind::kMuteToggle});
        }
        break;
      case TelephonyControl::kRedial:
        if (rose) {
          events.push_back({TelephonyEvent::Kind::kRedial});
        }
        break;
      case TelephonyControl::kHold:
        if (rose) {
          events.push_back({TelephonyEvent::Kind::kHold});
        }
        break;
      case TelephonyControl::kKey:
        if (rose) {
          events.push_back({TelephonyEvent::Kind::kKey, input.key});
        }
        break;
      case TelephonyControl::kSpeakerPhone:
        break;
    }
  }
  return events;
}

std::vector<std::vector<std::uint8_t>> led_reports(const TelephonyReportMap& map,
                                                   const std::map<TelephonyLed, bool>& on) {
  std::vector<std::vector<std::uint8_t>> reports;
  for (const auto& [id, bytes] : map.output_report_bytes) {
    // The id first (0x00 for unnumbered reports: hidapi strips it), then the payload.
    std::vector<std::uint8_t> report;
    report.reserve(bytes + 1);
    report.push_back(id);
    report.resize(bytes + 1, 0);
    for (const auto& output : map.outputs) {
      if (output.report_id != id) {
        continue;
      }
      const auto it = on.find(output.led);
      if (it != on.end() && it->second) {
        report[1 + output.bit / 8] |= static_cast<std::uint8_t>(1U << (output.bit % 8));
      }
    }
    reports.push_back(std::move(report));
  }
  return reports;
}

}  // namespace tipring::pots
