// ReportDescriptor: a generic USB HID report-descriptor parser (HID 1.11 §6.2.2): the item
// state machine with global (usage page, logical range, report size/count/id, push/pop)
// and local (usages, usage ranges) state, producing every input/output/feature field with
// its report id, bit offset and flags. Usages without a page take the page in force at the
// Main item, as real devices expect (Jabra declares a usage before a Usage Page change).
#pragma once

#include "protocol/core/error.h"

#include <cstdint>
#include <map>
#include <span>
#include <utility>
#include <vector>

namespace tipring::pots {

struct HidUsage {
  std::uint16_t page;
  std::uint16_t id;
  friend bool operator==(const HidUsage&, const HidUsage&) = default;
};

enum class HidReportKind { kInput, kOutput, kFeature };

struct HidField {
  HidReportKind kind;
  std::uint8_t report_id;    // 0 when the device does not number its reports
  std::uint32_t bit_offset;  // within the report, after the report id byte
  std::uint32_t bit_size;    // of one element
  std::uint32_t count;       // elements: 1 for a variable bit, the slots of an array
  bool constant;
  bool variable;  // false: an array of usage indices
  bool relative;  // one-shot/toggle rather than a state
  std::int32_t logical_min;
  std::int32_t logical_max;
  HidUsage usage;                      // variable fields: this bit's usage
  std::vector<HidUsage> array_usages;  // array fields: index (from logical_min) -> usage
};

struct ReportDescriptor {
  std::vector<HidField> fields;
  bool numbered_reports = false;
  // Bits per (kind, report id), padding included.
  std::map<std::pair<HidReportKind, std::uint8_t>, std::uint32_t> report_bits;
  // Length in bytes (without the id byte) of a report, from its fields.
  [[nodiscard]] std::size_t report_bytes(HidReportKind kind, std::uint8_t report_id) const;
};

Result<ReportDescriptor> parse_report_descriptor(std::span<const std::uint8_t> bytes);

}  // namespace tipring::pots
