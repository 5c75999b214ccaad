// USB telephones on an AnalogLine, with the real report descriptors of a Jabra SPEAK 810
// and a Poly BT700 in a fake sysfs tree (each on a USB device with its own sound card), a
// temporary directory standing in for /dev (inotify sees nodes come and go there), and a
// SOCK_SEQPACKET socketpair standing in for the hidraw node: the test writes the input
// reports a device would send and reads the output reports the line writes to it.
#include "client/line/usb_telephones.h"

#include "audio/device/null_device.h"
#include "client/phone/phone.h"
#include "pots/hid/telephony_report_map.h"
#include "relay_process.h"
#include "tests/pots/hid/fake_sysfs.h"
#include "tests/pots/hid/hid_fixture.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <utility>

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tipring::client {
namespace {

namespace fs = std::filesystem;
using test::spin_until;

struct Device {
  const char* fixture;
  std::vector<std::uint8_t> off_hook;  // the input report of the hook switch going off hook
  std::vector<std::uint8_t> on_hook;
};

void PrintTo(const Device& device, std::ostream* os) {
  *os << device.fixture;
}

const Device kJabra{"jabra-speak-810.hex", {0x02, 0x01, 0x00}, {0x02, 0x00, 0x00}};
const Device kPoly{"poly-bt700.hex", {0x20, 0x01}, {0x20, 0x00}};

constexpr const char* kUsbPort = "devices/pci0000:00/0000:00:14.0/usb1";
constexpr int kCard = 2;

void ensure_app() {
  static int argc = 1;
  static char name[] = "client_usb_telephones_test";
  static char* argv[] = {name, nullptr};
  static QCoreApplication app(argc, argv);
}

// The test's end of the stand-in hidraw node.
class DeviceEnd {
public:
  DeviceEnd() {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, fds), 0);
    ours_ = fds[0];
    theirs_ = fds[1];
  }
  ~DeviceEnd() {
    close_ours();
    if (theirs_ >= 0) {
      ::close(theirs_);
    }
  }
  DeviceEnd(const DeviceEnd&) = delete;
  DeviceEnd& operator=(const DeviceEnd&) = delete;

  // The line's end, handed over once (the io owns and closes it).
  int take_theirs() { return std::exchange(theirs_, -1); }
  void send(const std::vector<std::uint8_t>& report) const {
    ASSERT_EQ(::write(ours_, report.data(), report.size()), static_cast<ssize_t>(report.size()));
  }
  // Every output report the line wrote since the last call.
  std::vector<std::vector<std::uint8_t>> received() {
    std::vector<std::vector<std::uint8_t>> reports;
    std::uint8_t buffer[64];
    for (ssize_t n = ::read(ours_, buffer, sizeof buffer); n > 0;
         n = ::read(ours_, buffer, sizeof buffer)) {
      reports.emplace_back(buffer, buffer + n);
    }
    return reports;
  }
  // The device is unplugged: its node's reads fail from now on.
  void close_ours() {
    if (ours_ >= 0) {
      ::close(ours_);
      ours_ = -1;
    }
  }

private:
  int ours_ = -1;
  int theirs_ = -1;
};

// Whether `led` is lit in the latest report of its id among `reports`, from the device's
// own descriptor (bit offsets after the report id byte, as hid_write and hidraw take them).
std::optional<bool> led_state(const pots::TelephonyReportMap& map, pots::TelephonyLed led,
                              const std::vector<std::vector<std::uint8_t>>& reports) {
  std::optional<bool> state;
  for (const auto& out : map.outputs) {
    if (out.led != led) {
      continue;
    }
    for (const auto& report : reports) {
      const std::size_t byte = 1 + out.bit / 8;
      if (!report.empty() && report[0] == out.report_id && byte < report.size()) {
        state = (report[byte] >> (out.bit % 8) & 1) != 0;
      }
    }
  }
  return state;
}

// One line (account 1002 on a relay, or on nothing when no relay is given) with USB
// telephones watched in a temporary /dev.
class UsbLine {
public:
  UsbLine(const std::string& name, const QString& proxy)
      : sysfs_(name), dev_(sysfs_.root() / "dev") {
    fs::create_directories(dev_);
    sysfs_.usb_device(kUsbPort, "1d6b", "0002");
    AccountSettings s;
    s.aor = QStringLiteral("1002@tipring.test");
    s.auth_user = QStringLiteral("1002");
    s.password = QStringLiteral("1002-secret");
    s.proxy = proxy;
    s.bind_address = QHostAddress::LocalHost;
    account_ = phone_.addAccount(s);
  }
  ~UsbLine() {
    telephones_.reset();
    line_.reset();
    phone_.shutdown();
  }
  UsbLine(const UsbLine&) = delete;
  UsbLine& operator=(const UsbLine&) = delete;

  // A USB telephone with `device`'s descriptor and sound card kCard, in sysfs only.
  pots::TelephonyReportMap describe(const Device& kind) {
    const std::string usb = std::string(kUsbPort) + "/1-2";
    sysfs_.usb_device(usb, "0b0e", "0412");
    sysfs_.sound_card(kCard, "USB", usb + "/1-2:1.0");
    const auto descriptor = pots::test::load_hex_fixture(kind.fixture);
    sysfs_.hidraw("hidraw5", usb + "/1-2:1.3", descriptor);
    return pots::map_telephony(pots::parse_report_descriptor(descriptor).value());
  }
  void plug() { std::ofstream(node()).put('\0'); }
  void unplug() { fs::remove(node()); }
  [[nodiscard]] std::string node() const { return (dev_ / "hidraw5").string(); }

  // Call with ASSERT_NO_FATAL_FAILURE.
  void open() {
    ASSERT_NE(account_, nullptr);
    AnalogLineSettings settings;
    settings.line.plan = *pots::find_tone_plan("US");
    settings.line.digit_map = "(1xxx)";
    auto line = AnalogLine::create(*account_, media_, settings, [this] {
      ++default_handsets;
      return Result<std::unique_ptr<audio::AudioDevice>>(std::make_unique<audio::NullDevice>());
    });
    ASSERT_TRUE(line) << line.error().describe();
    line_ = std::move(*line);
    UsbTelephoneOptions options;
    options.device_directory = dev_.string();
    options.sysfs_root = sysfs_.root().string();
    options.open_reports = [this](const std::string&) -> Result<std::unique_ptr<UsbReportIo>> {
      const int fd = device.take_theirs();
      if (fd < 0) {
        return fail("test", "the stand-in node was handed out already");
      }
      return fd_report_io(fd);
    };
    options.card_handset = [this](const pots::UsbSoundCard& card) -> HandsetFactory {
      card_handsets.push_back(card.index);
      return [] {
        return Result<std::unique_ptr<audio::AudioDevice>>(std::make_unique<audio::NullDevice>());
      };
    };
    options.default_handset = [this] {
      ++default_handsets;
      return Result<std::unique_ptr<audio::AudioDevice>>(std::make_unique<audio::NullDevice>());
    };
    auto telephones = UsbTelephones::create(*line_, std::move(options));
    ASSERT_TRUE(telephones) << telephones.error().describe();
    telephones_ = std::move(*telephones);
    QObject::connect(telephones_.get(), &UsbTelephones::attached,
                     [this](const QString& path, const QString& audio) {
                       attached.push_back(path.toStdString() + " " + audio.toStdString());
                     });
    QObject::connect(telephones_.get(), &UsbTelephones::detached,
                     [this](const QString& path) { detached.push_back(path.toStdString()); });
    telephones_->start();
  }

  AnalogLine& line() { return *line_; }
  [[nodiscard]] Account* account() const { return account_; }
  UsbTelephones& telephones() { return *telephones_; }

  DeviceEnd device;
  std::vector<std::string> attached;
  std::vector<std::string> detached;
  std::vector<int> card_handsets;
  int default_handsets = 0;

private:
  pots::test::FakeSysfs sysfs_;
  fs::path dev_;
  std::shared_ptr<LinePort::MediaFactory> media_ =
      std::make_shared<LinePort::MediaFactory>(QHostAddress::LocalHost);
  Phone phone_{LinePort::MediaFactory::factory(media_)};
  Account* account_ = nullptr;
  std::unique_ptr<AnalogLine> line_;
  std::unique_ptr<UsbTelephones> telephones_;
};

std::string test_name() {
  std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::replace(name.begin(), name.end(), '/', '-');
  return name;
}

// No registrar: the line works on its own (dial tone, the hook switch) without one.
QString unreachable_proxy() {
  return QStringLiteral("sip:127.0.0.1:%1").arg(test::free_udp_port());
}

class UsbTelephoneOnLine : public ::testing::TestWithParam<Device> {
protected:
  static void SetUpTestSuite() { ensure_app(); }
};

TEST_P(UsbTelephoneOnLine, PresentAtStartItsHookSwitchWorksTheLineAndItsOffHookLedFollows) {
  UsbLine usb(test_name(), unreachable_proxy());
  const auto map = usb.describe(GetParam());
  usb.plug();
  ASSERT_NO_FATAL_FAILURE(usb.open());
  ASSERT_EQ(usb.attached, std::vector<std::string>{usb.node() + " hw:2"});
  EXPECT_EQ(usb.card_handsets, std::vector<int>{kCard}) << "its own sound card is the handset";
  EXPECT_EQ(usb.telephones().linkedPath().toStdString(), usb.node());
  EXPECT_EQ(led_state(map, pots::TelephonyLed::kOffHook, usb.device.received()), false);

  usb.device.send(GetParam().off_hook);
  ASSERT_TRUE(spin_until([&] { return usb.line().state() == QLatin1String("dial-tone"); }, 3000))
      << usb.line().state().toStdString();
  EXPECT_TRUE(usb.line().offHook());
  std::vector<std::vector<std::uint8_t>> reports;
  ASSERT_TRUE(spin_until(
      [&] {
        for (auto& r : usb.device.received()) {
          reports.push_back(std::move(r));
        }
        return led_state(map, pots::TelephonyLed::kOffHook, reports) == true;
      },
      3000));

  usb.device.send(GetParam().on_hook);
  ASSERT_TRUE(spin_until([&] { return usb.line().state() == QLatin1String("idle"); }, 3000))
      << usb.line().state().toStdString();
  EXPECT_FALSE(usb.line().offHook());
  ASSERT_TRUE(spin_until(
      [&] {
        for (auto& r : usb.device.received()) {
          reports.push_back(std::move(r));
        }
        return led_state(map, pots::TelephonyLed::kOffHook, reports) == false;
      },
      3000));
}

TEST_P(UsbTelephoneOnLine, HotPluggedLaterItAttachesAndUnpluggedItDetachesToTheDefaultHandset) {
  UsbLine usb(test_name(), unreachable_proxy());
  usb.describe(GetParam());
  ASSERT_NO_FATAL_FAILURE(usb.open());
  EXPECT_TRUE(usb.attached.empty());
  EXPECT_EQ(usb.default_handsets, 1);

  usb.plug();
  ASSERT_TRUE(spin_until([&] { return !usb.attached.empty(); }, 3000));
  EXPECT_EQ(usb.attached, std::vector<std::string>{usb.node() + " hw:2"});
  usb.device.send(GetParam().off_hook);
  ASSERT_TRUE(spin_until([&] { return usb.line().offHook(); }, 3000));

  // Unplugged while off hook: the line hangs up and the handset returns to the default.
  usb.device.close_ours();
  usb.unplug();
  ASSERT_TRUE(spin_until([&] { return !usb.detached.empty(); }, 3000));
  EXPECT_EQ(usb.detached, std::vector<std::string>{usb.node()});
  EXPECT_TRUE(usb.telephones().linkedPath().isEmpty());
  EXPECT_EQ(usb.default_handsets, 2);
  ASSERT_TRUE(spin_until([&] { return usb.line().state() == QLatin1String("idle"); }, 3000));
  EXPECT_FALSE(usb.line().offHook());
}

INSTANTIATE_TEST_SUITE_P(RealDescriptors, UsbTelephoneOnLine, ::testing::Values(kJabra, kPoly),
                         [](const auto& param_info) {
                           const std::string fixture = param_info.param.fixture;
                           return fixture.substr(0, fixture.find('-'));
                         });

// A call to the USB telephone's line through a real tipring-relay: the ring LED goes on
// while the line rings, and lifting the handset (the hook report) answers.
class UsbTelephoneRinging : public ::testing::Test {
protected:
  static void SetUpTestSuite() { ensure_app(); }
};

TEST_F(UsbTelephoneRinging, RingLedIsWrittenWhileTheLineRingsAndTheHookSwitchAnswers) {
  test::RelayProcess relay;
  ASSERT_NO_FATAL_FAILURE(relay.start({QStringLiteral("1001"), QStringLiteral("1002")}));
  UsbLine usb(test_name(), relay.proxy());
  const auto map = usb.describe(kJabra);
  usb.plug();
  ASSERT_NO_FATAL_FAILURE(usb.open());
  ASSERT_EQ(usb.attached.size(), 1U);

  // The caller: an emulated telephone on a line of account 1001.
  auto media = std::make_shared<LinePort::MediaFactory>(QHostAddress::LocalHost);
  Phone caller_phone(LinePort::MediaFactory::factory(media));
  AccountSettings s;
  s.aor = QStringLiteral("1001@tipring.test");
  s.auth_user = QStringLiteral("1001");
  s.password = QStringLiteral("1001-secret");
  s.proxy = relay.proxy();
  s.bind_address = QHostAddress::LocalHost;
  Account* account = caller_phone.addAccount(s);
  ASSERT_NE(account, nullptr);
  AnalogLineSettings settings;
  settings.line.plan = *pots::find_tone_plan("US");
  settings.line.digit_map = "(1xxx)";
  auto caller = AnalogLine::create(*account, media, settings, [] {
    return Result<std::unique_ptr<audio::AudioDevice>>(std::make_unique<audio::NullDevice>());
  });
  ASSERT_TRUE(caller) << caller.error().describe();
  ASSERT_TRUE(
      spin_until([&] { return account->isRegistered() && usb.account()->isRegistered(); }, 10000));
  ASSERT_TRUE(spin_until([&] { return usb.line().state() == QLatin1String("idle"); }, 1000));

  (*caller)->liftHandset();
  ASSERT_TRUE(spin_until([&] { return (*caller)->state() == QLatin1String("dial-tone"); }, 3000));
  (*caller)->dialDtmf(QStringLiteral("1002"));
  ASSERT_TRUE(spin_until([&] { return usb.line().state() == QLatin1String("ringing"); }, 10000))
      << "caller: " << (*caller)->state().toStdString();
  std::vector<std::vector<std::uint8_t>> reports;
  const auto collect = [&] {
    for (auto& r : usb.device.received()) {
      reports.push_back(std::move(r));
    }
  };
  ASSERT_TRUE(spin_until(
      [&] {
        collect();
        return led_state(map, pots::TelephonyLed::kRing, reports) == true;
      },
      3000));
  EXPECT_EQ(led_state(map, pots::TelephonyLed::kOffHook, reports), false);

  usb.device.send(kJabra.off_hook);
  ASSERT_TRUE(spin_until(
      [&] {
        return usb.line().state() == QLatin1String("talking") &&
               (*caller)->state() == QLatin1String("talking");
      },
      5000))
      << usb.line().state().toStdString();
  ASSERT_TRUE(spin_until(
      [&] {
        collect();
        return led_state(map, pots::TelephonyLed::kRing, reports) == false &&
               led_state(map, pots::TelephonyLed::kOffHook, reports) == true;
      },
      3000));

  usb.device.send(kJabra.on_hook);
  ASSERT_TRUE(spin_until([&] { return (*caller)->state() == QLatin1String("reorder"); }, 5000));
  caller->reset();
  caller_phone.shutdown();
}

}  // namespace
}  // namespace tipring::client
