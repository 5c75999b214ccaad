// TelephonyReportMap: what a USB telephone or headset offers, learned from its report
// descriptor rather than a vendor table — input bits on the Telephony page 0x0B (hook
// switch, flash, mute, redial, hold, keypad) and output bits on the LED page 0x08 (off-hook,
// ring, mute, hold, microphone...) plus the ringer. TelephonyInputDecoder turns input
// reports into events on state edges (devices repeat reports; act on edges, not reports);
// led_reports() builds the output reports, report id first as hid_write wants it.
#pragma once

#include "pots/hid/report_descriptor.h"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

namespace tipring::pots {

inline constexpr std::uint16_t kTelephonyPage = 0x0B;
inline constexpr std::uint16_t kLedPage = 0x08;

enum class TelephonyControl { kHookSwitch, kFlash, kMute, kRedial, kHold, kSpeakerPhone, kKey };
enum class TelephonyLed { kOffHook, kRing, kMute, kHold, kMicrophone, kMessageWaiting, kRinger };

struct TelephonyInput {
  TelephonyControl control;
  std::uint8_t report_id;
  std::uint32_t bit;
  bool relative;  // a toggle/one-shot press rather than a state
  char key = 0;   // kKey: '0'-'9', '*', '#', 'A'-'D'
};

struct TelephonyOutput {
  TelephonyLed led;
  std::uint8_t report_id;
  std::uint32_t bit;
};

struct TelephonyReportMap {
  std::vector<TelephonyInput> inputs;
  std::vector<TelephonyOutput> outputs;
  bool numbered_reports = false;
  std::map<std::uint8_t, std::size_t> output_report_bytes;  // per report id, without the id

  [[nodiscard]] bool has(TelephonyControl control) const;
  [[nodiscard]] bool has(TelephonyLed led) const;
};

TelephonyReportMap map_telephony(const ReportDescriptor& descriptor);

struct TelephonyEvent {
  enum class Kind { kOffHook, kOnHook, kFlash, kMuteToggle, kRedial, kHold, kKey };
  Kind kind;
  char key = 0;
  friend bool operator==(const TelephonyEvent&, const TelephonyEvent&) = default;
};

class TelephonyInputDecoder {
public:
  explicit TelephonyInputDecoder(TelephonyReportMap map) : map_(std::move(map)) {}
  // One input report as read from hidraw/hidapi (report id first when numbered).
  std::vector<TelephonyEvent> decode(std::span<const std::uint8_t> report);

private:
  TelephonyReportMap map_;
  std::map<std::pair<std::uint8_t, std::uint32_t>, bool> last_;
};

// Output reports that set the LEDs to `on` (LEDs not named are off), one per report id,
// each starting with its report id (0x00 when the device does not number reports).
std::vector<std::vector<std::uint8_t>> led_reports(const TelephonyReportMap& map,
                                                   const std::map<TelephonyLed, bool>& on);

}  // namespace tipring::pots
