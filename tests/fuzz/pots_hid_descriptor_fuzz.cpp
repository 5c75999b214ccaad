// HID report descriptors: parse, map telephony usages, decode a report and build LEDs.
#include "pots/hid/report_descriptor.h"
#include "pots/hid/telephony_report_map.h"

#include <algorithm>
#include <cstdint>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  auto descriptor = tipring::pots::parse_report_descriptor(bytes);
  if (!descriptor) {
    return 0;
  }
  auto map = tipring::pots::map_telephony(*descriptor);
  (void)tipring::pots::led_reports(map, {{tipring::pots::TelephonyLed::kOffHook, true}});
  tipring::pots::TelephonyInputDecoder decoder(map);
  (void)decoder.decode(bytes.first(std::min<std::size_t>(size, 8)));
  return 0;
}
