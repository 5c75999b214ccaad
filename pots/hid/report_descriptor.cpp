#include "pots/hid/report_descriptor.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>

namespace tipring::pots {
namespace {

constexpr std::string_view kRule = "HID 1.11 §6.2.2 report descriptor";

struct GlobalState {
  std::uint16_t usage_page = 0;
  std::int32_t logical_min = 0;
  std::int32_t logical_max = 0;
  std::uint32_t report_size = 0;
  std::uint32_t report_count = 0;
  std::uint8_t report_id = 0;
};

// A local usage as declared: 4-byte usages carry their own page.
struct LocalUsage {
  std::uint32_t value;
  bool has_page;
};

struct LocalState {
  std::vector<LocalUsage> usages;
  std::optional<LocalUsage> minimum;
  std::optional<LocalUsage> maximum;
};

HidUsage resolve(const LocalUsage& u, std::uint16_t page) {
  if (u.has_page) {
    return {static_cast<std::uint16_t>(u.value >> 16U), static_cast<std::uint16_t>(u.value)};
  }
  return {page, static_cast<std::uint16_t>(u.value)};
}

std::uint32_t unsigned_value(std::span<const std::uint8_t> data) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < data.size(); ++i) {
    v |= static_cast<std::uint32_t>(data[i]) << (8U * i);
  }
  return v;
}

std::int32_t signed_value(std::span<const std::uint8_t> data) {
  const std::uint32_t v = unsigned_value(data);
  switch (data.size()) {
    case 1:
      return static_cast<std::int8_t>(v);
    case 2:
      return static_cast<std::int16_t>(v);
    case 4:
      return static_cast<std::int32_t>(v);
    default:
      return 0;
  }
}

// Usages a main item applies to, in order, pages resolved now.
std::vector<HidUsage> usages_for(const LocalState& local, std::uint16_t page) {
  std::vector<HidUsage> out;
  for (const auto& u : local.usages) {
    out.push_back(resolve(u, page));
  }
  if (local.minimum && local.maximum) {
    const auto first = resolve(*local.minimum, page);
    const auto last = resolve(*local.maximum, page);
    // Bounded so a hostile range cannot allocate without limit.
    for (std::uint32_t id = first.id; id <= last.id && out.size() < 4096; ++id) {
      out.push_back({first.page, static_cast<std::uint16_t>(id)});
    }
  }
  return out;
}

}  // namespace

std::size_t ReportDescriptor::report_bytes(HidReportKind kind, std::uint8_t report_id) const {
  const auto it = report_bits.find({kind, report_id});
  return it == report_bits.end() ? 0 : (it->second + 7) / 8;
}

Result<ReportDescriptor> parse_report_descriptor(std::span<const std::uint8_t> bytes) {
  ReportDescriptor descriptor;
  GlobalState global;
  std::vector<GlobalState> stack;
  LocalState local;
  auto& offsets = descriptor.report_bits;
  int depth = 0;
  std::size_t at = 0;
  while (at < bytes.size()) {
    const std::uint8_t prefix = bytes[at];
    if (prefix == 0xFE) {  // long item: size, tag, data; none is defined, skip
      if (at + 2 >= bytes.size()) {
        return fail(kRule, "long item cut short");
      }
      at += 3U + bytes[at + 1];
      continue;
    }
    const std::size_t size = (prefix & 3U) == 3U ? 4 : (prefix & 3U);
    if (at + 1 + size > bytes.size()) {
      return fail(kRule, "item at byte " + std::to_string(at) + " runs past the end");
    }
    const auto data = bytes.subspan(at + 1, size);
    const unsigned type = (prefix >> 2U) & 3U;
    const unsigned tag = prefix >> 4U;
    at += 1 + size;

    if (type == 1) {  // global
      switch (tag) {
        case 0x0:
          global.usage_page = static_cast<std::uint16_t>(unsigned_value(data));
          break;
        case 0x1:
          global.logical_min = signed_value(data);
          break;
        case 0x2:
          global.logical_max = signed_value(data);
          break;
        case 0x7:
          global.report_size = unsigned_value(data);
          break;
        case 0x8:
          global.report_id = static_cast<std::uint8_t>(unsigned_value(data));
          if (global.report_id == 0) {
            return fail(kRule, "report id 0 is reserved");
          }
          descriptor.numbered_reports = true;
          break;
        case 0x9:
          global.report_count = unsigned_value(data);
          break;
        case 0xA:
          if (stack.size() >= 16) {
            return fail(kRule, "push nested too deep");
          }
          stack.push_back(global);
          break;
        case 0xB:
          if (stack.empty()) {
            return fail(kRule, "pop without push");
          }
          global = stack.back();
          stack.pop_back();
          break;
        default:
          break;  // physical range, units: not needed for buttons and LEDs
      }
      continue;
    }
    if (type == 2) {  // local
      const LocalUsage usage{unsigned_value(data), size == 4};
      if (tag == 0x0) {
        if (local.usages.size() >= 4096) {
          return fail(kRule, "too many usages");
        }
        local.usages.push_back(usage);
      } else if (tag == 0x1) {
        local.minimum = usage;
      } else if (tag == 0x2) {
        local.maximum = usage;
      }
      continue;
    }
    if (type != 0) {
      return fail(kRule, "reserved item type at byte " + std::to_string(at - 1 - size));
    }
    // Main items.
    if (tag == 0xA) {
      ++depth;
    } else if (tag == 0xC) {
      if (--depth < 0) {
        return fail(kRule, "End Collection without Collection");
      }
    } else if (tag == 0x8 || tag == 0x9 || tag == 0xB) {
      const auto kind = tag == 0x8   ? HidReportKind::kInput
                        : tag == 0x9 ? HidReportKind::kOutput
                                     : HidReportKind::kFeature;
      const std::uint32_t flags = unsigned_value(data);
      const bool constant = (flags & 1U) != 0;
      const bool variable = (flags & 2U) != 0;
      const bool relative = (flags & 4U) != 0;
      if (global.report_size > 32 || global.report_count > 4096) {
        return fail(kRule, "report size " + std::to_string(global.report_size) + " x count " +
                               std::to_string(global.report_count) + " is not plausible");
      }
      auto& offset = offsets[{kind, global.report_id}];
      const auto usages = usages_for(local, global.usage_page);
      if (constant) {
        offset += global.report_size * global.report_count;
      } else if (variable) {
        for (std::uint32_t i = 0; i < global.report_count; ++i) {
          HidField field{kind,
                         global.report_id,
                         offset,
                         global.report_size,
                         1,
                         false,
                         true,
                         relative,
                         global.logical_min,
                         global.logical_max,
                         HidUsage{0, 0},
                         {}};
          if (!usages.empty()) {
            field.usage = usages[std::min<std::size_t>(i, usages.size() - 1)];
          }
          descriptor.fields.push_back(std::move(field));
          offset += global.report_size;
        }
      } else {
        // An array: report_count slots, each holding the index of a pressed usage.
        descriptor.fields.push_back(HidField{
            kind, global.report_id, offset, global.report_size, global.report_count, false, false,
            relative, global.logical_min, global.logical_max, HidUsage{0, 0}, usages});
        offset += global.report_size * global.report_count;
      }
      if (descriptor.fields.size() > 4096) {
        return fail(kRule, "more than 4096 fields");
      }
    }
    local = LocalState{};
  }
  if (depth != 0) {
    return fail(kRule, "collection not closed");
  }
  return descriptor;
}

}  // namespace tipring::pots
