#include "pots/hid/usb_audio_match.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>
#include <system_error>

namespace tipring::pots {
namespace {

namespace fs = std::filesystem;
constexpr std::string_view kRule = "sysfs USB topology";

std::string first_line(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return line;
}

// "card12" -> 12.
std::optional<int> card_number(std::string_view name) {
  if (!name.starts_with("card") || name.size() == 4) {
    return std::nullopt;
  }
  int value = 0;
  const auto digits = name.substr(4);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

SysfsTree::SysfsTree(fs::path root) : root_(std::move(root)) {}

std::optional<fs::path> SysfsTree::usb_device_above(const fs::path& device) const {
  std::error_code ec;
  const fs::path root = fs::canonical(root_, ec);
  fs::path at = fs::canonical(device, ec);
  if (ec) {
    return std::nullopt;
  }
  // Interfaces ("1-2:1.3") have no idVendor; the first directory above that has idVendor and
  // busnum is the USB device itself (a hub further up has them too, so stop at the first).
  for (; at.has_relative_path() && at != root; at = at.parent_path()) {
    if (fs::exists(at / "idVendor", ec) && fs::exists(at / "busnum", ec)) {
      return at;
    }
  }
  return std::nullopt;
}

Result<fs::path> SysfsTree::usb_device_of_hidraw(std::string_view node) const {
  const std::string name = fs::path(node).filename().string();
  const fs::path device = root_ / "class" / "hidraw" / name / "device";
  std::error_code ec;
  if (!fs::exists(device, ec)) {
    return fail(kRule, "no " + device.string());
  }
  if (auto usb = usb_device_above(device)) {
    return *usb;
  }
  return fail(kRule, name + " is not on a USB device");
}

std::vector<UsbSoundCard> SysfsTree::usb_sound_cards() const {
  std::vector<UsbSoundCard> cards;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root_ / "class" / "sound", ec)) {
    const auto index = card_number(entry.path().filename().string());
    if (!index) {
      continue;  // controlC0, pcmC0D0p, timer, seq...
    }
    if (auto usb = usb_device_above(entry.path() / "device")) {
      cards.push_back(UsbSoundCard{*index, first_line(entry.path() / "id"), *usb});
    }
  }
  std::sort(cards.begin(), cards.end(),
            [](const auto& a, const auto& b) { return a.index < b.index; });
  return cards;
}

Result<UsbSoundCard> SysfsTree::sound_card_of_hidraw(std::string_view node) const {
  auto usb = usb_device_of_hidraw(node);
  if (!usb) {
    return tl::unexpected(usb.error());
  }
  for (auto& card : usb_sound_cards()) {
    if (card.usb_device == *usb) {
      return card;
    }
  }
  return fail(kRule, "no sound card on USB device " + usb->string());
}

Result<std::vector<std::uint8_t>> SysfsTree::report_descriptor(std::string_view node) const {
  const fs::path file =
      root_ / "class" / "hidraw" / fs::path(node).filename() / "device" / "report_descriptor";
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return fail(kRule, "cannot read " + file.string());
  }
  return std::vector<std::uint8_t>((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
}

bool portaudio_device_on_card(std::string_view device_name, int card_index) {
  const std::string tag = "(hw:" + std::to_string(card_index) + ",";
  return device_name.find(tag) != std::string_view::npos;
}

}  // namespace tipring::pots
