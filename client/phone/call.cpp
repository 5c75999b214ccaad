#include "client/phone/call.h"

#include "client/phone/account.h"

namespace tipring::client {
namespace {

using namespace std::chrono_literals;

constexpr std::chrono::milliseconds kDtmfDuration = 160ms;

QString qstring(std::string_view text) {
  return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

}  // namespace

Call::Call(Account& account, CallHandle handle, std::unique_ptr<CallMedia> media)
    : QObject(&account), account_(account), handle_(handle), media_(std::move(media)) {
  refresh();
  reported_ = last_.state;
  if (media_) {
    connect(media_.get(), &CallMedia::dtmf_received, this,
            [this](QChar digit) { emit dtmfReceived(QString(digit)); });
  }
}

Call::~Call() {
  if (media_) {
    media_->stop();
  }
}

CallSession* Call::session() const {
  return account_.user_agent().find_call(handle_);
}

void Call::refresh() {
  if (const CallSession* s = session()) {
    last_.state = s->state();
    last_.record = s->record();
    last_.local_hold = s->local_hold();
    last_.remote_hold = s->remote_hold();
  }
}

QString Call::state() const {
  return qstring(to_string(last_.state));
}

QString Call::peer() const {
  return QString::fromStdString(last_.record.peer);
}

QString Call::direction() const {
  return qstring(to_string(last_.record.direction));
}

int Call::duration() const {
  if (!last_.record.answered_at) {
    return 0;
  }
  const TimePoint end = last_.record.ended_at.value_or(steady_now());
  return static_cast<int>(
      std::chrono::duration_cast<std::chrono::seconds>(end - *last_.record.answered_at).count());
}

QString Call::endReason() const {
  return QString::fromStdString(last_.record.end_reason);
}

QJsonObject Call::stats() const {
  return media_ ? media_->stats() : QJsonObject{};
}

// --- from the account ---

void Call::on_state_changed(CallState reached) {
  // The session may already be further on (its 200 read in the same batch as its 180), so
  // the snapshot's state is not what this event reports: emit for `reached` itself, once.
  refresh();
  if (reached == reported_) {
    return;
  }
  reported_ = reached;
  emit stateChanged(qstring(to_string(reached)));
  switch (reached) {
    case CallState::ringing:
      emit ringing();
      break;
    case CallState::active:
      emit answered();
      break;
    case CallState::ended:
      if (media_) {
        media_->stop();
      }
      emit ended(endReason());
      break;
    default:
      break;
  }
}

void Call::on_media(const sdp::NegotiatedMedia& media) {
  if (!media_) {
    return;
  }
  if (auto applied = media_->apply(media); !applied) {
    emit failed(QString::fromStdString(applied.error().describe()));
    hangup();
  }
}

void Call::on_hold_changed() {
  refresh();
  emit heldChanged(last_.local_hold);
}

void Call::on_dtmf(char digit) {
  emit dtmfReceived(QString(QChar::fromLatin1(digit)));
}

void Call::on_transfer_failed(int status) {
  emit transferFailed(status);
}

// --- user actions ---

void Call::answer() {
  CallSession* s = session();
  if (s == nullptr || s->state() != CallState::incoming) {
    emit failed(QStringLiteral("there is no ringing call to answer"));
    return;
  }
  if (!media_) {
    auto media = account_.open_media();
    if (!media) {
      emit failed(QString::fromStdString(media.error().describe()));
      (void)s->reject(500, steady_now());
      account_.pump();
      return;
    }
    media_ = std::move(*media);
    connect(media_.get(), &CallMedia::dtmf_received, this,
            [this](QChar digit) { emit dtmfReceived(QString(digit)); });
  }
  if (auto done = s->answer(account_.media_address(*media_), steady_now()); !done) {
    emit failed(QString::fromStdString(done.error().describe()));
  }
  account_.user_agent().settle(steady_now());
  account_.pump();
}

void Call::reject(int status_code) {
  if (CallSession* s = session()) {
    if (auto done = s->reject(status_code, steady_now()); !done) {
      emit failed(QString::fromStdString(done.error().detail));
    }
    account_.user_agent().settle(steady_now());
    account_.pump();
  }
}

void Call::hangup() {
  if (CallSession* s = session()) {
    s->hangup(steady_now());
    account_.user_agent().settle(steady_now());
    account_.pump();
  }
}

void Call::hold() {
  if (CallSession* s = session()) {
    if (auto done = s->hold(steady_now()); !done) {
      emit failed(QString::fromStdString(done.error().detail));
    }
    account_.pump();
  }
}

void Call::resume() {
  if (CallSession* s = session()) {
    if (auto done = s->resume(steady_now()); !done) {
      emit failed(QString::fromStdString(done.error().detail));
    }
    account_.pump();
  }
}

void Call::setMuted(bool muted) {
  if (muted == muted_) {
    return;
  }
  muted_ = muted;
  if (media_) {
    media_->set_muted(muted);
  }
  emit mutedChanged(muted);
}

void Call::sendDtmf(const QString& digits) {
  CallSession* s = session();
  if (s == nullptr || s->state() != CallState::active) {
    emit failed(QStringLiteral("DTMF needs an answered call"));
    return;
  }
  for (const QChar c : digits) {
    const char digit = c.toUpper().toLatin1();
    if (media_ && media_->send_dtmf(digit, kDtmfDuration)) {
      continue;  // RFC 4733 in the media stream
    }
    if (auto done = s->send_dtmf_info(digit, kDtmfDuration, steady_now()); !done) {
      emit failed(QString::fromStdString(done.error().detail));
      break;
    }
  }
  account_.pump();
}

void Call::transfer(const QString& target) {
  CallSession* s = session();
  auto uri = resolve_target(target.toStdString(), account_.user_agent().config().aor);
  if (s == nullptr || !uri) {
    emit failed(uri ? QStringLiteral("the call is gone")
                    : QString::fromStdString(uri.error().detail));
    return;
  }
  if (auto done = s->transfer(*uri, steady_now()); !done) {
    emit failed(QString::fromStdString(done.error().detail));
  }
  account_.pump();
}

}  // namespace tipring::client
