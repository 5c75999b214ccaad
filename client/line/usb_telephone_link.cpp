#include "client/line/usb_telephone_link.h"

#include <array>

namespace tipring::client {
namespace {

constexpr int kPollMs = 10;
constexpr std::size_t kMaxReportBytes = 64;  // a full-speed interrupt packet
constexpr int kMaxReportsPerWake = 32;       // bounded: a chattering device cannot starve the loop

}  // namespace

UsbTelephoneLink::UsbTelephoneLink(AnalogLine& line, std::string path, pots::TelephonyReportMap map,
                                   std::unique_ptr<UsbReportIo> io, QObject* parent)
    : QObject(parent),
      line_(line),
      path_(std::move(path)),
      map_(map),
      decoder_(std::move(map)),
      io_(std::move(io)) {
  if (const int fd = io_->readable_fd(); fd >= 0) {
    notifier_ = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read);
    connect(notifier_.get(), &QSocketNotifier::activated, this, &UsbTelephoneLink::read_reports);
  } else {
    connect(&poll_, &QTimer::timeout, this, &UsbTelephoneLink::read_reports);
    poll_.start(kPollMs);
  }
  connect(&line_, &AnalogLine::hookChanged, this, &UsbTelephoneLink::update_leds);
  connect(&line_, &AnalogLine::stateChanged, this, &UsbTelephoneLink::update_leds);
  connect(&line_, &AnalogLine::mutedChanged, this, &UsbTelephoneLink::update_leds);
  update_leds();
}

UsbTelephoneLink::~UsbTelephoneLink() {
  if (!failed_) {
    // Leave the device dark: no LED should claim a call the line no longer has with it.
    for (const auto& report : pots::led_reports(map_, {})) {
      (void)io_->write(report);
    }
  }
}

void UsbTelephoneLink::read_reports() {
  std::array<std::uint8_t, kMaxReportBytes> buffer{};
  for (int i = 0; i < kMaxReportsPerWake && !failed_; ++i) {
    const auto n = io_->read(buffer);
    if (!n) {
      fail_io(n.error().describe());
      return;
    }
    if (*n == 0) {
      return;
    }
    for (const auto& event : decoder_.decode(std::span<const std::uint8_t>(buffer).first(*n))) {
      on_event(event);
    }
  }
}

void UsbTelephoneLink::on_event(const pots::TelephonyEvent& event) {
  using Kind = pots::TelephonyEvent::Kind;
  switch (event.kind) {
    case Kind::kOffHook:
      line_.liftHandset();
      break;
    case Kind::kOnHook:
      line_.hangUp();
      break;
    case Kind::kFlash:
      line_.flash();
      break;
    case Kind::kMuteToggle:
      line_.setMuted(!line_.muted());
      break;
    case Kind::kKey:
      line_.dialDtmf(QString(QChar::fromLatin1(event.key)));
      break;
    case Kind::kRedial:
    case Kind::kHold:
      break;  // an analog line has neither: the ATA offers no redial or hold key
  }
}

void UsbTelephoneLink::update_leds() {
  if (failed_) {
    return;
  }
  // Ring LED and ringer for the whole alerting (the device blinks or rings on its own
  // cadence); off-hook while the handset is up; mute while the microphone is cut.
  const bool alerting = line_.port().state() == pots::LineState::kRinging && !line_.offHook();
  leds_ = {{pots::TelephonyLed::kOffHook, line_.offHook()},
           {pots::TelephonyLed::kRing, alerting},
           {pots::TelephonyLed::kRinger, alerting},
           {pots::TelephonyLed::kMute, line_.muted()}};
  auto reports = pots::led_reports(map_, leds_);
  if (reports == written_) {
    return;
  }
  for (const auto& report : reports) {
    if (auto written = io_->write(report); !written) {
      fail_io(written.error().describe());
      return;
    }
  }
  written_ = std::move(reports);
}

void UsbTelephoneLink::fail_io(const std::string& reason) {
  failed_ = true;
  notifier_.reset();
  poll_.stop();
  emit ioFailed(QString::fromStdString(path_), QString::fromStdString(reason));
}

}  // namespace tipring::client
