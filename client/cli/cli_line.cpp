#include "client/cli/cli_line.h"

#include "audio/device/null_device.h"
#include "audio/device/wav_device.h"
#include "client/phone/steady_clock.h"

#include <QFileInfo>
#include <QRegularExpression>

namespace tipring::client {
namespace {

QJsonObject caller_id_fields(const pots::CallerId& id) {
  QJsonObject fields;
  const auto absence = [](pots::Absence a) {
    return a == pots::Absence::kPrivate ? QStringLiteral("private") : QStringLiteral("unavailable");
  };
  fields.insert("number", QString::fromStdString(id.number));
  fields.insert("name", QString::fromStdString(id.name));
  if (id.number_absent) {
    fields.insert("number_absent", absence(*id.number_absent));
  }
  if (id.name_absent) {
    fields.insert("name_absent", absence(*id.name_absent));
  }
  if (id.when) {
    fields.insert("date", QStringLiteral("%1-%2 %3:%4")
                              .arg(id.when->month, 2, 10, QLatin1Char('0'))
                              .arg(id.when->day, 2, 10, QLatin1Char('0'))
                              .arg(id.when->hour, 2, 10, QLatin1Char('0'))
                              .arg(id.when->minute, 2, 10, QLatin1Char('0')));
  }
  return fields;
}

bool valid_keys(const QString& keys, const char* pattern) {
  return QRegularExpression(QString::fromLatin1(pattern)).match(keys).hasMatch();
}

}  // namespace

HandsetFactory cli_handset(const CliOptions& options, HandsetAudio& audio) {
  if (!options.play_wav.isEmpty() || !options.record_wav.isEmpty()) {
    audio::WavDeviceConfig wav;
    wav.capture_path = options.play_wav.toStdString();
    wav.record_path = options.record_wav.toStdString();
    wav.pacing = audio::CapturePacing::real_time;
    wav.loop = true;
    wav.clock = steady_now;
    return [wav]() -> Result<std::unique_ptr<audio::AudioDevice>> {
      auto device = audio::WavFileDevice::open(wav);
      if (!device) {
        return tl::unexpected(device.error());
      }
      return std::unique_ptr<audio::AudioDevice>(std::move(*device));
    };
  }
  if (options.handset == QLatin1String("null")) {
    return []() -> Result<std::unique_ptr<audio::AudioDevice>> {
      return std::unique_ptr<audio::AudioDevice>(std::make_unique<audio::NullDevice>());
    };
  }
  return audio.named(options.handset.toStdString());
}

Result<std::unique_ptr<CliLine>> CliLine::create(const CliOptions& options, Account& account,
                                                 std::shared_ptr<LinePort::MediaFactory> media,
                                                 EventPrinter& printer) {
  auto settings =
      analog_line_settings(options.tone_plan.toStdString(), options.digit_map.toStdString(),
                           options.caller_id.toStdString());
  if (!settings) {
    return tl::unexpected(settings.error());
  }
  std::unique_ptr<CliLine> cli(new CliLine(printer));
  cli->handset_ = cli_handset(options, cli->audio_);
  auto line = AnalogLine::create(account, std::move(media), std::move(*settings), cli->handset_);
  if (!line) {
    return tl::unexpected(line.error());
  }
  cli->line_ = std::move(*line);
  cli->print_events();
  if (!options.usb_phone.isEmpty()) {
    if (auto usb = cli->attach_usb(options); !usb) {
      return tl::unexpected(usb.error());
    }
  }
  return cli;
}

CliLine::~CliLine() {
  usb_.reset();
  line_.reset();
}

void CliLine::print_events() {
  AnalogLine* line = line_.get();
  printer_.print(QStringLiteral("line"), {{"state", line->state()}});
  connect(line, &AnalogLine::stateChanged, this, [this](const QString& state) {
    printer_.print(QStringLiteral("line"), {{"state", state}});
  });
  connect(line, &AnalogLine::hookChanged, this, [this](bool off_hook) {
    printer_.print(QStringLiteral("hook"), {{"off_hook", off_hook}});
  });
  connect(line, &AnalogLine::ringChanged, this, [this](bool on, int rings) {
    printer_.print(QStringLiteral("ring"), {{"on", on}, {"rings", rings}});
  });
  connect(line, &AnalogLine::callerIdReceived, this, [this, line] {
    if (line->callerId()) {
      printer_.print(QStringLiteral("caller-id"), caller_id_fields(*line->callerId()));
    }
  });
  connect(line, &AnalogLine::toneChanged, this, [this](const QString& tone) {
    printer_.print(QStringLiteral("tone"),
                   {{"tone", tone.isEmpty() ? QStringLiteral("none") : tone}});
  });
  connect(line, &AnalogLine::mutedChanged, this, [this](bool muted) {
    printer_.print(QStringLiteral("mute"), {{"muted", muted}});
  });
}

Result<void> CliLine::attach_usb(const CliOptions& options) {
  UsbTelephoneOptions usb;
  if (options.usb_phone != QLatin1String("auto")) {
    const QFileInfo node(options.usb_phone);
    usb.only_path = node.absoluteFilePath().toStdString();
    usb.device_directory = node.absolutePath().toStdString();
  }
  usb.card_handset = [this](const pots::UsbSoundCard& card) { return audio_.card(card); };
  usb.default_handset = handset_;
  auto telephones = UsbTelephones::create(*line_, std::move(usb));
  if (!telephones) {
    return tl::unexpected(telephones.error());
  }
  usb_ = std::move(*telephones);
  connect(usb_.get(), &UsbTelephones::attached, this,
          [this](const QString& path, const QString& audio) {
            printer_.print(QStringLiteral("usb-phone"),
                           {{"action", "attached"}, {"path", path}, {"audio", audio}});
          });
  connect(usb_.get(), &UsbTelephones::detached, this, [this](const QString& path) {
    printer_.print(QStringLiteral("usb-phone"), {{"action", "detached"}, {"path", path}});
  });
  connect(usb_.get(), &UsbTelephones::unusable, this,
          [this](const QString& path, const QString& reason) {
            printer_.print(QStringLiteral("usb-phone"),
                           {{"action", "unusable"}, {"path", path}, {"reason", reason}});
          });
  connect(usb_.get(), &UsbTelephones::handsetFailed, this, [this](const QString& reason) {
    printer_.print(QStringLiteral("error"), {{"message", "handset audio: " + reason}});
  });
  usb_->start();
  return {};
}

bool CliLine::command(const QString& verb, const QString& argument) {
  if (verb == QLatin1String("offhook")) {
    line_->liftHandset();
  } else if (verb == QLatin1String("onhook") || verb == QLatin1String("hangup")) {
    line_->hangUp();
  } else if (verb == QLatin1String("flash")) {
    line_->flash();
  } else if (verb == QLatin1String("mute") || verb == QLatin1String("unmute")) {
    line_->setMuted(verb == QLatin1String("mute"));
  } else if (verb == QLatin1String("dial")) {
    const QString keys = QString(argument).remove(QLatin1Char(' '));
    if (!valid_keys(keys, "^[0-9*#A-Da-d]+$")) {
      printer_.print(QStringLiteral("error"), {{"message", "usage: dial <0-9 * # A-D>"}});
    } else {
      line_->dialDtmf(keys.toUpper());
    }
  } else if (verb == QLatin1String("rotary")) {
    const QString digits = QString(argument).remove(QLatin1Char(' '));
    if (!valid_keys(digits, "^[0-9]+$")) {
      printer_.print(QStringLiteral("error"), {{"message", "usage: rotary <0-9>"}});
    } else {
      line_->dialRotary(digits);
    }
  } else {
    return false;
  }
  return true;
}

}  // namespace tipring::client
