#include "client/line/line_port.h"

#include "client/phone/session_media.h"
#include "client/phone/steady_clock.h"
#include "protocol/sip/uri.h"

#include <QDateTime>
#include <algorithm>

namespace tipring::client {
namespace {

constexpr std::size_t kCallerIdNameMax = 15;  // GR-30-CORE: the name is at most 15 characters

}  // namespace

CallMediaFactory LinePort::MediaFactory::factory(const std::shared_ptr<MediaFactory>& self) {
  return [self]() -> Result<std::unique_ptr<CallMedia>> {
    auto rings = std::make_shared<LineCallRings>();
    MediaSessionConfig config;
    config.bind_address = self->bind_address_;
    config.device = std::make_unique<LineCallDevice>(rings);
    // A line carries tones as well as voice (DTMF, modems, a caller's music): like an ATA,
    // pass it untouched. Noise suppression would learn a steady tone as noise and fade it.
    config.voice.noise_suppression = false;
    config.echo_cancellation = false;
    auto media = SessionMedia::open(std::move(config));
    if (media) {
      self->opened_ = std::move(rings);
    }
    return media;
  };
}

LinePort::LinePort(Account& account, std::shared_ptr<MediaFactory> media,
                   pots::LineControllerSettings settings, QObject* parent)
    : QObject(parent),
      account_(account),
      media_(std::move(media)),
      controller_(*this, std::move(settings)) {
  // Queued: the controller is never re-entered from inside one of its own requests.
  connect(&account_, &Account::incomingCall, this, &LinePort::on_incoming, Qt::QueuedConnection);
}

LinePort::~LinePort() = default;

void LinePort::set_loop_closed(bool closed, TimePoint at) {
  controller_.set_loop_closed(closed, at);
}

void LinePort::exchange(pots::Samples from_phone, pots::MutableSamples to_phone, TimePoint now) {
  // The controller hands back what the call gets in-band: the telephone's audio, a DTMF
  // decision latency late, with keypad tones that go out as RFC 4733 events blanked whole.
  for (std::size_t at = 0; at < from_phone.size(); at += uplink_block_.size()) {
    const auto to_call =
        std::span(uplink_block_).first(std::min(uplink_block_.size(), from_phone.size() - at));
    controller_.receive_from_phone(from_phone.subspan(at, to_call.size()), to_call, now);
    if (LineCallAudio* audio = connected_audio()) {
      audio->send(to_call);
    }
  }
  const auto connected = controller_.connected_call();
  auto it = connected ? calls_.find(*connected) : calls_.end();
  if (connected != bridged_) {
    bridged_ = connected;
    if (it != calls_.end() && it->second.audio) {
      it->second.audio->flush();  // what queued up on hold is stale now
    }
  }
  if (it != calls_.end() && it->second.audio) {
    it->second.audio->receive(call_block_);
  } else {
    call_block_.fill(0);
  }
  controller_.render_to_phone(call_block_, to_phone);
}

// --- pots::LineTelephony ---

std::optional<pots::LineCallId> LinePort::place_call(const std::string& number) {
  QString error;
  Call* call = account_.call(QString::fromStdString(number), &error);
  if (call == nullptr) {
    return std::nullopt;
  }
  const auto id = adopt(call);
  claim_audio(calls_[id]);
  return id;
}

void LinePort::answer(pots::LineCallId id) {
  if (Call* call = call_of(id)) {
    call->answer();  // opens the call's media: its rings are the ones just opened
    claim_audio(calls_[id]);
  }
}

void LinePort::reject(pots::LineCallId id, int status) {
  if (Call* call = call_of(id)) {
    call->reject(status);
  }
  calls_.erase(id);
}

void LinePort::hang_up(pots::LineCallId id) {
  if (Call* call = call_of(id)) {
    call->hangup();
  }
  calls_.erase(id);
}

void LinePort::hold(pots::LineCallId id) {
  if (Call* call = call_of(id)) {
    call->hold();
  }
}

void LinePort::resume(pots::LineCallId id) {
  if (Call* call = call_of(id)) {
    call->resume();
  }
}

void LinePort::send_digit(pots::LineCallId id, char key) {
  if (Call* call = call_of(id)) {
    call->sendDtmf(QString(QChar::fromLatin1(key)));  // RFC 4733, or SIP INFO without it
  }
}

// --- calls ---

pots::LineCallId LinePort::adopt(Call* call) {
  const pots::LineCallId id = next_id_++;
  calls_[id].call = call;
  connect(
      call, &Call::ringing, this, [this, id] { controller_.on_call_ringing(id, steady_now()); },
      Qt::QueuedConnection);
  connect(
      call, &Call::answered, this, [this, id] { controller_.on_call_answered(id, steady_now()); },
      Qt::QueuedConnection);
  connect(
      call, &Call::dtmfReceived, this,
      [this, id](const QString& digit) {
        if (!digit.isEmpty()) {
          controller_.on_call_digit(id, digit.front().toLatin1(), steady_now());
        }
      },
      Qt::QueuedConnection);
  connect(
      call, &Call::ended, this,
      [this, id](const QString&) {
        Call* ended = call_of(id);
        calls_.erase(id);
        if (ended == nullptr) {
          return;  // the line ended it itself
        }
        if (ended->record().answered()) {
          controller_.on_call_ended(id, steady_now());
        } else {
          controller_.on_call_failed(id, ended->record().end_status, steady_now());
        }
      },
      Qt::QueuedConnection);
  return id;
}

void LinePort::claim_audio(PortCall& port_call) {
  if (port_call.audio) {
    return;
  }
  if (auto rings = media_->take_opened()) {
    if (auto audio = LineCallAudio::create(std::move(rings))) {
      port_call.audio.emplace(std::move(*audio));
    }
  }
}

void LinePort::on_incoming(Call* call) {
  if (call == nullptr || call->isEnded()) {
    return;
  }
  const auto id = adopt(call);
  controller_.on_incoming_call(id, caller_id_for(*call), steady_now());
}

LineCallAudio* LinePort::connected_audio() {
  const auto connected = controller_.connected_call();
  const auto it = connected ? calls_.find(*connected) : calls_.end();
  return it != calls_.end() && it->second.audio ? &*it->second.audio : nullptr;
}

Call* LinePort::call_of(pots::LineCallId id) const {
  const auto it = calls_.find(id);
  return it == calls_.end() ? nullptr : it->second.call.data();
}

pots::CallerId caller_id_for(const Call& call) {
  pots::CallerId id;
  const QDateTime now = QDateTime::currentDateTime();
  id.when = pots::CallerIdDateTime{now.date().month(), now.date().day(), now.time().hour(),
                                   now.time().minute()};
  if (auto uri = sip::Uri::parse(call.record().peer); uri && !uri->user.empty()) {
    id.number = uri->user;
  } else {
    id.number_absent = pots::Absence::kUnavailable;
  }
  id.name = call.record().peer_display_name.substr(0, kCallerIdNameMax);
  if (id.name.empty()) {
    id.name_absent = pots::Absence::kUnavailable;
  }
  return id;
}

}  // namespace tipring::client
