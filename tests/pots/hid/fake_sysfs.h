// A fake sysfs tree in a temporary directory, laid out as Linux lays out USB telephones:
// devices/.../usb1/<port>/<interface>/... with class/hidraw and class/sound symlinks into it,
// so SysfsTree walks the same links it walks on a real machine.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace tipring::pots::test {

class FakeSysfs {
public:
  explicit FakeSysfs(const std::string& name)
      : root_(std::filesystem::temp_directory_path() /
              ("tipring-sysfs-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_ / "class" / "hidraw");
    std::filesystem::create_directories(root_ / "class" / "sound");
  }
  ~FakeSysfs() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  FakeSysfs(const FakeSysfs&) = delete;
  FakeSysfs& operator=(const FakeSysfs&) = delete;

  [[nodiscard]] const std::filesystem::path& root() const { return root_; }

  // A USB device (or hub) directory, e.g. "devices/pci0000:00/0000:00:14.0/usb1/1-2".
  std::filesystem::path usb_device(const std::string& relative, const std::string& vendor,
                                   const std::string& product) {
    const auto dir = root_ / relative;
    std::filesystem::create_directories(dir);
    write(dir / "idVendor", vendor);
    write(dir / "idProduct", product);
    write(dir / "busnum", "1");
    write(dir / "devnum", "2");
    return dir;
  }

  // hidraw node `name` on `interface` (relative to root), with its report descriptor.
  void hidraw(const std::string& name, const std::string& interface,
              const std::vector<std::uint8_t>& descriptor) {
    const auto hid = root_ / interface / "0003:0000:0000.0001";
    const auto node = hid / "hidraw" / name;
    std::filesystem::create_directories(node);
    std::ofstream(hid / "report_descriptor", std::ios::binary)
        .write(reinterpret_cast<const char*>(descriptor.data()),
               static_cast<std::streamsize>(descriptor.size()));
    std::filesystem::create_directory_symlink(hid, node / "device");
    std::filesystem::create_directory_symlink(node, root_ / "class" / "hidraw" / name);
  }

  // ALSA card `index` with card id `id` on `parent` (an interface or a PCI function).
  void sound_card(int index, const std::string& id, const std::string& parent) {
    const std::string name = "card" + std::to_string(index);
    const auto card = root_ / parent / "sound" / name;
    std::filesystem::create_directories(card);
    write(card / "id", id);
    write(card / "number", std::to_string(index));
    std::filesystem::create_directory_symlink(root_ / parent, card / "device");
    std::filesystem::create_directory_symlink(card, root_ / "class" / "sound" / name);
    // The class directory also lists control and PCM devices, which are not cards.
    const auto control = root_ / parent / "sound" / name / ("controlC" + std::to_string(index));
    std::filesystem::create_directories(control);
    std::filesystem::create_directory_symlink(
        control, root_ / "class" / "sound" / ("controlC" + std::to_string(index)));
  }

private:
  static void write(const std::filesystem::path& file, const std::string& text) {
    std::ofstream(file) << text << '\n';
  }

  std::filesystem::path root_;
};

}  // namespace tipring::pots::test
