#include "client/line/usb_telephones.h"

namespace tipring::client {
namespace {

Result<std::unique_ptr<UsbReportIo>> open_with_hidapi(const std::string& path) {
  auto device = pots::HidDevice::open(path);
  if (!device) {
    return tl::unexpected(device.error());
  }
  return hidapi_report_io(std::move(*device));
}

}  // namespace

Result<std::unique_ptr<UsbTelephones>> UsbTelephones::create(AnalogLine& line,
                                                             UsbTelephoneOptions options) {
  auto watcher = pots::HidrawWatcher::open(options.device_directory);
  if (!watcher) {
    return tl::unexpected(watcher.error());
  }
  if (!options.open_reports) {
    options.open_reports = open_with_hidapi;
  }
  return std::unique_ptr<UsbTelephones>(
      new UsbTelephones(line, std::move(options), std::move(*watcher)));
}

UsbTelephones::UsbTelephones(AnalogLine& line, UsbTelephoneOptions options,
                             pots::HidrawWatcher watcher)
    : line_(line),
      options_(std::move(options)),
      sysfs_(options_.sysfs_root),
      watcher_(std::move(watcher)),
      hotplug_([this](const std::string& path) { return probe(path); }),
      notifier_(watcher_.fd(), QSocketNotifier::Read) {
  connect(&notifier_, &QSocketNotifier::activated, this, &UsbTelephones::on_watcher);
}

UsbTelephones::~UsbTelephones() {
  // The link's destructor darkens the LEDs; the handset stays as it is (the line goes too).
  link_.reset();
}

void UsbTelephones::start() {
  handle(hotplug_.scan(watcher_.present()));
}

QString UsbTelephones::linkedPath() const {
  return link_ ? QString::fromStdString(link_->path()) : QString();
}

// TelephoneHotplug's probe, with the report channel opened through options_.open_reports
// (hidapi in the product, a stand-in in tests) and kept here until the node is linked.
Result<std::optional<pots::AttachedTelephone>> UsbTelephones::probe(const std::string& path) {
  if (!options_.only_path.empty() && path != options_.only_path) {
    return std::optional<pots::AttachedTelephone>();
  }
  auto bytes = sysfs_.report_descriptor(path);
  if (!bytes) {
    return tl::unexpected(bytes.error());
  }
  auto descriptor = pots::parse_report_descriptor(*bytes);
  if (!descriptor) {
    return tl::unexpected(descriptor.error());
  }
  pots::AttachedTelephone telephone;
  telephone.path = path;
  telephone.map = pots::map_telephony(*descriptor);
  if (telephone.map.inputs.empty()) {
    return std::optional<pots::AttachedTelephone>();  // a keyboard, a vendor interface
  }
  if (auto card = sysfs_.sound_card_of_hidraw(path)) {
    telephone.audio = std::move(*card);
  }
  auto reports = options_.open_reports(path);
  if (!reports) {
    return tl::unexpected(reports.error());
  }
  reports_[path] = std::move(*reports);
  return std::optional<pots::AttachedTelephone>(std::move(telephone));
}

void UsbTelephones::on_watcher() {
  auto changes = watcher_.take_changes();
  if (!changes) {
    return;
  }
  for (const auto& change : *changes) {
    handle(hotplug_.on_change(change));
  }
}

void UsbTelephones::handle(const std::vector<pots::TelephoneHotplugEvent>& events) {
  using Kind = pots::TelephoneHotplugEvent::Kind;
  for (const auto& event : events) {
    const QString path = QString::fromStdString(event.path);
    switch (event.kind) {
      case Kind::kAttached:
        break;
      case Kind::kOpenFailed:
        reports_.erase(event.path);
        emit unusable(path, QString::fromStdString(event.detail));
        break;
      case Kind::kDetached:
        reports_.erase(event.path);
        if (link_ && link_->path() == event.path) {
          unlink();
          emit detached(path);
        }
        break;
    }
  }
  link_next();
}

void UsbTelephones::link_next() {
  if (link_) {
    return;
  }
  for (const auto& path : hotplug_.attached()) {
    const auto it = reports_.find(path);
    const pots::AttachedTelephone* telephone = hotplug_.find(path);
    if (it == reports_.end() || telephone == nullptr) {
      continue;
    }
    auto reports = std::move(it->second);
    reports_.erase(it);
    link_ = std::make_unique<UsbTelephoneLink>(line_, path, telephone->map, std::move(reports));
    // Unplugged before inotify told us: detach from the event loop, not from inside the link.
    connect(
        link_.get(), &UsbTelephoneLink::ioFailed, this,
        [this](const QString& failed, const QString&) {
          handle(hotplug_.on_io_error(failed.toStdString()));
        },
        Qt::QueuedConnection);
    QString audio;
    if (telephone->audio && options_.card_handset) {
      if (auto switched = line_.switchHandset(options_.card_handset(*telephone->audio)); switched) {
        audio = QString::fromStdString(telephone->audio->alsa_hw());
      } else {
        emit handsetFailed(QString::fromStdString(switched.error().describe()));
      }
    }
    emit attached(QString::fromStdString(path), audio);
    return;
  }
}

void UsbTelephones::unlink() {
  link_.reset();
  // The telephone took its hook switch with it: the line sees a hang-up, as when a cordless
  // handset goes out of range, rather than staying off hook with nobody on it.
  if (line_.offHook()) {
    line_.hangUp();
  }
  line_.setMuted(false);
  if (options_.default_handset) {
    if (auto switched = line_.switchHandset(options_.default_handset); !switched) {
      emit handsetFailed(QString::fromStdString(switched.error().describe()));
    }
  }
}

}  // namespace tipring::client
