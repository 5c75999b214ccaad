// UsbTelephoneLink: one USB telephone or headset (HID usage page 0x0B, LEDs on page 0x08)
// bound to an AnalogLine. Its hook switch, flash, mute and keypad (what its report
// descriptor offers) work the line's telephone; its off-hook, ring/ringer and mute LEDs
// follow the line. Input reports arrive on a socket notifier where the handle has a
// descriptor, else by polling every 10 ms (hidapi hides its descriptor).
#pragma once

#include "client/line/analog_line.h"
#include "client/line/usb_report_io.h"
#include "pots/hid/telephony_report_map.h"

#include <QObject>
#include <QSocketNotifier>
#include <QTimer>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tipring::client {

class UsbTelephoneLink final : public QObject {
  Q_OBJECT
public:
  // Writes the LEDs for the line's present state at once.
  UsbTelephoneLink(AnalogLine& line, std::string path, pots::TelephonyReportMap map,
                   std::unique_ptr<UsbReportIo> io, QObject* parent = nullptr);
  ~UsbTelephoneLink() override;
  UsbTelephoneLink(const UsbTelephoneLink&) = delete;
  UsbTelephoneLink& operator=(const UsbTelephoneLink&) = delete;

  [[nodiscard]] const std::string& path() const { return path_; }
  // The LED states last written (for status displays and tests).
  [[nodiscard]] const std::map<pots::TelephonyLed, bool>& leds() const { return leds_; }

signals:
  // A read or write failed: the device is gone (unplugged before inotify said so).
  void ioFailed(const QString& path, const QString& reason);

private:
  void read_reports();
  void on_event(const pots::TelephonyEvent& event);
  void update_leds();
  void fail_io(const std::string& reason);

  AnalogLine& line_;
  std::string path_;
  pots::TelephonyReportMap map_;
  pots::TelephonyInputDecoder decoder_;
  std::unique_ptr<UsbReportIo> io_;
  std::unique_ptr<QSocketNotifier> notifier_;
  QTimer poll_;
  std::map<pots::TelephonyLed, bool> leds_;
  std::vector<std::vector<std::uint8_t>> written_;
  bool failed_ = false;
};

}  // namespace tipring::client
