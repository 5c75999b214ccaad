// UsbTelephones: USB telephones and headsets on an AnalogLine, present at start or
// hot-plugged later. hidraw nodes are watched (HidrawWatcher, inotify) and probed
// (TelephoneHotplug): report descriptor from sysfs, TelephonyReportMap, the USB sound card
// on the same USB device (usb_audio_match). One telephone at a time drives the line
// (UsbTelephoneLink); its sound card becomes the handset. When it goes, the line falls back
// to the default handset and the next attached telephone, if any, takes over.
#pragma once

#include "client/line/analog_line.h"
#include "client/line/usb_report_io.h"
#include "client/line/usb_telephone_link.h"
#include "pots/hid/hidraw_watcher.h"
#include "pots/hid/telephone_hotplug.h"
#include "pots/hid/usb_audio_match.h"

#include <QObject>
#include <QSocketNotifier>
#include <QString>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace tipring::client {

struct UsbTelephoneOptions {
  std::string device_directory = "/dev";  // where hidraw nodes appear and vanish
  std::string only_path;                  // empty: any telephone ("auto"); else this node only
  std::string sysfs_root = "/sys";
  // Opens a node's reports; default: hidapi.
  std::function<Result<std::unique_ptr<UsbReportIo>>(const std::string& path)> open_reports;
  // The handset on a telephone's own sound card, and the handset without one.
  std::function<HandsetFactory(const pots::UsbSoundCard& card)> card_handset;
  HandsetFactory default_handset;
};

class UsbTelephones final : public QObject {
  Q_OBJECT
public:
  static Result<std::unique_ptr<UsbTelephones>> create(AnalogLine& line,
                                                       UsbTelephoneOptions options);
  ~UsbTelephones() override;
  UsbTelephones(const UsbTelephones&) = delete;
  UsbTelephones& operator=(const UsbTelephones&) = delete;

  // Probes the nodes present now; connect to the signals first.
  void start();

  // The node driving the line now, empty when none.
  [[nodiscard]] QString linkedPath() const;
  [[nodiscard]] const UsbTelephoneLink* link() const { return link_.get(); }

signals:
  // `audio` is the ALSA card ("hw:2") now the handset, empty when the device has none.
  void attached(const QString& path, const QString& audio);
  void detached(const QString& path);
  // A telephony node that cannot be used now (retried when its permissions change).
  void unusable(const QString& path, const QString& reason);
  void handsetFailed(const QString& reason);

private:
  UsbTelephones(AnalogLine& line, UsbTelephoneOptions options, pots::HidrawWatcher watcher);
  Result<std::optional<pots::AttachedTelephone>> probe(const std::string& path);
  void on_watcher();
  void handle(const std::vector<pots::TelephoneHotplugEvent>& events);
  void link_next();
  void unlink();

  AnalogLine& line_;
  UsbTelephoneOptions options_;
  pots::SysfsTree sysfs_;
  pots::HidrawWatcher watcher_;
  pots::TelephoneHotplug hotplug_;
  QSocketNotifier notifier_;
  std::map<std::string, std::unique_ptr<UsbReportIo>> reports_;  // attached, not linked
  std::unique_ptr<UsbTelephoneLink> link_;
};

}  // namespace tipring::client
