#include "pots/hid/telephone_hotplug.h"

namespace tipring::pots {

std::vector<TelephoneHotplugEvent> TelephoneHotplug::scan(const std::vector<std::string>& nodes) {
  std::vector<TelephoneHotplugEvent> events;
  for (const auto& node : nodes) {
    if (!attached_.contains(node) && !not_telephones_.contains(node)) {
      probe(node, events);
    }
  }
  return events;
}

std::vector<TelephoneHotplugEvent> TelephoneHotplug::on_change(const HidrawChange& change) {
  std::vector<TelephoneHotplugEvent> events;
  switch (change.kind) {
    case HidrawChange::Kind::kAdded:
      // A node of the same name may still be held open from before an unplug we missed.
      detach(change.path, events);
      not_telephones_.erase(change.path);
      probe(change.path, events);
      break;
    case HidrawChange::Kind::kAttributesChanged:
      // Access granted after creation: retry a node that failed to open.
      if (!attached_.contains(change.path) && !not_telephones_.contains(change.path)) {
        probe(change.path, events);
      }
      break;
    case HidrawChange::Kind::kRemoved:
      detach(change.path, events);
      not_telephones_.erase(change.path);
      break;
  }
  return events;
}

std::vector<TelephoneHotplugEvent> TelephoneHotplug::on_io_error(const std::string& path) {
  std::vector<TelephoneHotplugEvent> events;
  detach(path, events);
  return events;
}

const AttachedTelephone* TelephoneHotplug::find(const std::string& path) const {
  const auto it = attached_.find(path);
  return it == attached_.end() ? nullptr : &it->second;
}

std::vector<std::string> TelephoneHotplug::attached() const {
  std::vector<std::string> paths;
  for (const auto& [path, telephone] : attached_) {
    paths.push_back(path);
  }
  return paths;
}

void TelephoneHotplug::probe(const std::string& path, std::vector<TelephoneHotplugEvent>& events) {
  auto probed = probe_(path);
  if (!probed) {
    events.push_back({TelephoneHotplugEvent::Kind::kOpenFailed, path, probed.error().describe()});
    return;
  }
  if (!*probed) {
    not_telephones_.insert(path);
    return;
  }
  attached_.insert_or_assign(path, std::move(**probed));
  events.push_back({TelephoneHotplugEvent::Kind::kAttached, path, {}});
}

void TelephoneHotplug::detach(const std::string& path, std::vector<TelephoneHotplugEvent>& events) {
  // Erasing closes the hidapi handle: a vanished node's descriptor is never kept.
  if (attached_.erase(path) > 0) {
    events.push_back({TelephoneHotplugEvent::Kind::kDetached, path, {}});
  }
}

Result<std::optional<AttachedTelephone>> probe_usb_telephone(const std::string& path,
                                                             const SysfsTree& sysfs) {
  auto bytes = sysfs.report_descriptor(path);
  if (!bytes) {
    return tl::unexpected(bytes.error());
  }
  auto descriptor = parse_report_descriptor(*bytes);
  if (!descriptor) {
    return tl::unexpected(descriptor.error());
  }
  AttachedTelephone telephone;
  telephone.path = path;
  telephone.map = map_telephony(*descriptor);
  if (telephone.map.inputs.empty()) {
    return std::optional<AttachedTelephone>();  // a keyboard, a mouse, a vendor interface
  }
  if (auto card = sysfs.sound_card_of_hidraw(path)) {
    telephone.audio = std::move(*card);
  }
  auto device = HidDevice::open(path);
  if (!device) {
    return tl::unexpected(device.error());
  }
  telephone.device = std::move(*device);
  return std::optional<AttachedTelephone>(std::move(telephone));
}

}  // namespace tipring::pots
