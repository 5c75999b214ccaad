// CliLine: tipring-cli --line — an AnalogLine on the session's account with its handset
// from the command line (PortAudio device, WAV files or silence), USB telephones attached
// with --usb-phone, the telephone's interactive commands, and what the telephone sees
// printed as events.
#pragma once

#include "client/cli/cli_options.h"
#include "client/cli/event_printer.h"
#include "client/line/analog_line.h"
#include "client/line/usb_handset_audio.h"
#include "client/line/usb_telephones.h"

#include <QObject>
#include <memory>

namespace tipring::client {

class CliLine final : public QObject {
  Q_OBJECT
public:
  // `account`'s Phone must carry calls through `media` (LinePort::MediaFactory::factory).
  static Result<std::unique_ptr<CliLine>> create(const CliOptions& options, Account& account,
                                                 std::shared_ptr<LinePort::MediaFactory> media,
                                                 EventPrinter& printer);
  ~CliLine() override;
  CliLine(const CliLine&) = delete;
  CliLine& operator=(const CliLine&) = delete;

  // Acts on a telephone command (offhook, onhook, dial, rotary, flash, mute, unmute);
  // false when `verb` is not one.
  bool command(const QString& verb, const QString& argument);

  [[nodiscard]] AnalogLine& line() { return *line_; }

private:
  explicit CliLine(EventPrinter& printer) : printer_(printer) {}
  void print_events();
  Result<void> attach_usb(const CliOptions& options);

  EventPrinter& printer_;
  HandsetAudio audio_;  // before line_: its PortAudio library outlives the handset devices
  HandsetFactory handset_;
  std::unique_ptr<AnalogLine> line_;
  std::unique_ptr<UsbTelephones> usb_;
};

// The handset --play/--record/--handset describe (WAV files, null, a PortAudio device).
HandsetFactory cli_handset(const CliOptions& options, HandsetAudio& audio);

}  // namespace tipring::client
