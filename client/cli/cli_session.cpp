#include "client/cli/cli_session.h"

#include <QCoreApplication>
#include <QPointer>

namespace tipring::client {
namespace {

constexpr int kUnregisterWaitMs = 1500;

// Runs `action` once after `ms` on a timer owned by `owner` (gone with it, and after firing).
template <class Action>
void after(int ms, QObject* owner, Action action) {
  auto* timer = new QTimer(owner);
  timer->setSingleShot(true);
  QObject::connect(timer, &QTimer::timeout, owner, [timer, action = std::move(action)]() mutable {
    timer->deleteLater();
    action();
  });
  timer->start(ms);
}

}  // namespace

CliSession::CliSession(CliOptions options, QString password, EventPrinter& printer,
                       CallMediaFactory media_factory)
    : options_(std::move(options)),
      password_(std::move(password)),
      printer_(printer),
      phone_(std::move(media_factory)) {}

CliSession::CliSession(CliOptions options, QString password, EventPrinter& printer,
                       std::shared_ptr<LinePort::MediaFactory> line_media)
    : options_(std::move(options)),
      password_(std::move(password)),
      printer_(printer),
      phone_(LinePort::MediaFactory::factory(line_media)),
      line_media_(std::move(line_media)) {}

CliSession::~CliSession() {
  line_.reset();  // the line holds the account, which the phone owns
}

void CliSession::start() {
  AccountSettings settings;
  settings.aor = options_.account;
  settings.auth_user = options_.auth_user;
  settings.display_name = options_.display_name;
  settings.password = password_;
  settings.password_in_keychain = options_.password.keychain;
  settings.proxy = options_.proxy;
  if (!options_.bind_address.isEmpty()) {
    settings.bind_address = QHostAddress(options_.bind_address);
  }
  settings.register_expiry_s = options_.register_expiry_s;
  settings.keepalive_s = options_.keepalive_s;
  settings.codecs = options_.codecs;
  settings.transport = options_.transport == Transport::Tcp   ? sip::Transport::tcp
                       : options_.transport == Transport::Tls ? sip::Transport::tls
                                                              : sip::Transport::udp;
  settings.ca_file = options_.ca_file;
  settings.keepalive_method =
      options_.keepalive_options ? KeepaliveMethod::options : KeepaliveMethod::crlf;
  QString error;
  account_ = phone_.addAccount(settings, &error);
  if (account_ == nullptr) {
    printer_.print(QStringLiteral("registration-failed"),
                   {{"account", options_.account}, {"reason", error}});
    after(0, this, [this] { emit finished(kExitRegistration); });
    return;
  }
  connect(account_, &Account::registered, this, &CliSession::on_registered);
  connect(account_, &Account::registrationFailed, this, &CliSession::on_registration_failed);
  connect(account_, &Account::callAdded, this, &CliSession::watch);
  connect(account_, &Account::incomingCall, this, &CliSession::on_incoming);
  connect(account_, &Account::flowRenewed, this, [this](const QString& why) {
    printer_.print(QStringLiteral("flow-renewed"), {{"account", account_->aor()}, {"why", why}});
  });
  if (line_media_) {
    auto line = CliLine::create(options_, *account_, line_media_, printer_);
    if (!line) {
      printer_.print(QStringLiteral("error"),
                     {{"message", QString::fromStdString(line.error().describe())}});
      finishing_ = true;
      phone_.shutdown();
      after(0, this, [this] { emit finished(kExitUsage); });
      return;
    }
    line_ = std::move(*line);
  }
}

void CliSession::on_registered() {
  ever_registered_ = true;
  printer_.print(QStringLiteral("registered"), {{"account", account_->aor()},
                                                {"transport", account_->transport()},
                                                {"local", account_->localAddress()},
                                                {"public", account_->publicAddress()}});
  if (!options_.call_target.isEmpty() && !placed_initial_call_) {
    placed_initial_call_ = true;
    place_call(options_.call_target);
  }
}

void CliSession::on_registration_failed(const QString& reason) {
  if (finishing_) {
    return;
  }
  printer_.print(QStringLiteral("registration-failed"), {{"account", account_->aor()},
                                                         {"transport", account_->transport()},
                                                         {"state", account_->state()},
                                                         {"reason", reason}});
  if (!ever_registered_) {
    finish(kExitRegistration);
  }
}

void CliSession::place_call(const QString& target) {
  QString error;
  Call* call = account_->call(target, &error);
  if (call == nullptr) {
    printer_.print(QStringLiteral("error"), {{"message", error}});
    ++calls_failed_;
    if (options_.max_calls > 0 && ++calls_ended_ >= options_.max_calls) {
      finish(kExitCallFailed);
    }
    return;
  }
  printer_.print(QStringLiteral("calling"), call_fields(call));
}

QJsonObject CliSession::call_fields(const Call* call) const {
  return {{"call", static_cast<double>(call->handle())},
          {"peer", call->peer()},
          {"direction", call->direction()}};
}

void CliSession::watch(Call* call) {
  connect(call, &Call::ringing, this,
          [this, call] { printer_.print(QStringLiteral("ringing"), call_fields(call)); });
  connect(call, &Call::answered, this, [this, call] { on_answered(call); });
  connect(call, &Call::ended, this, [this, call] { on_ended(call); });
  connect(call, &Call::dtmfReceived, this, [this, call](const QString& digit) {
    QJsonObject fields = call_fields(call);
    fields.insert("digit", digit);
    printer_.print(QStringLiteral("dtmf"), fields);
  });
  connect(call, &Call::heldChanged, this, [this, call](bool held) {
    QJsonObject fields = call_fields(call);
    fields.insert("held", held);
    fields.insert("remote_held", call->remoteHeld());
    printer_.print(QStringLiteral("hold"), fields);
  });
  connect(call, &Call::transferFailed, this, [this, call](int status) {
    QJsonObject fields = call_fields(call);
    fields.insert("status", status);
    printer_.print(QStringLiteral("transfer-failed"), fields);
  });
  connect(call, &Call::failed, this, [this, call](const QString& reason) {
    QJsonObject fields = call_fields(call);
    fields.insert("message", reason);
    printer_.print(QStringLiteral("error"), fields);
  });
}

void CliSession::on_incoming(Call* call) {
  printer_.print(QStringLiteral("incoming"), call_fields(call));
  if (options_.reject_code != 0) {
    call->reject(options_.reject_code);
    return;
  }
  if (options_.auto_answer) {
    bool busy = false;
    for (const Call* other : account_->calls()) {
      busy = busy || (other != nullptr && other != call && other->state() == "active");
    }
    if (busy) {
      call->reject(486);  // one conversation at a time for an unattended client
      return;
    }
    call->answer();
  }
}

void CliSession::on_answered(Call* call) {
  printer_.print(QStringLiteral("answered"), call_fields(call));
  QPointer<Call> guarded(call);
  if (!options_.dtmf.isEmpty()) {
    after(options_.dtmf_delay_ms, this, [guarded, digits = options_.dtmf] {
      Call* c = guarded.data();
      if (c != nullptr && !c->isEnded()) {
        c->sendDtmf(digits);
      }
    });
  }
  if (options_.hangup_after_s > 0) {
    after(options_.hangup_after_s * 1000, this, [guarded] {
      Call* c = guarded.data();
      if (c != nullptr && !c->isEnded()) {
        c->hangup();
      }
    });
  }
  if (options_.stats_interval_s > 0) {
    auto* timer = new QTimer(call);
    connect(timer, &QTimer::timeout, this, [this, guarded] {
      Call* c = guarded.data();
      if (c != nullptr && !c->isEnded()) {
        print_stats(c);
      }
    });
    timer->start(options_.stats_interval_s * 1000);
  }
}

void CliSession::print_stats(Call* call) {
  QJsonObject fields = call_fields(call);
  fields.insert("duration_s", call->duration());
  const QJsonObject stats = call->stats();
  for (auto it = stats.begin(); it != stats.end(); ++it) {
    fields.insert(it.key(), it.value());
  }
  printer_.print(QStringLiteral("stats"), fields);
}

void CliSession::on_ended(Call* call) {
  if (call->record().answered()) {
    print_stats(call);
  }
  QJsonObject fields = call_fields(call);
  fields.insert("reason", call->endReason());
  fields.insert("status", call->record().end_status);
  fields.insert("answered", call->record().answered());
  fields.insert("duration_s", call->duration());
  printer_.print(QStringLiteral("ended"), fields);
  // A call we placed must have been answered and ended by a hang-up to count as success;
  // an incoming call we were told to reject succeeded by being rejected.
  const bool ok = call->record().ended_normally() ||
                  (call->record().direction == CallDirection::incoming &&
                   (options_.reject_code != 0 ||
                    call->record().end_reason == std::string(end_reason::kCancelledByCaller)));
  calls_failed_ += ok ? 0 : 1;
  ++calls_ended_;
  if (options_.max_calls > 0 && calls_ended_ >= options_.max_calls) {
    finish(exit_code_so_far());
  }
}

int CliSession::exit_code_so_far() const {
  if (!ever_registered_) {
    return kExitRegistration;
  }
  return calls_failed_ > 0 ? kExitCallFailed : kExitOk;
}

Call* CliSession::current_call() const {
  if (account_ == nullptr) {
    return nullptr;
  }
  Call* latest = nullptr;
  for (Call* call : account_->calls()) {
    if (call != nullptr && !call->isEnded()) {
      latest = call;
    }
  }
  return latest;
}

void CliSession::command(const QString& line) {
  const QStringList words = line.simplified().split(' ', Qt::SkipEmptyParts);
  if (words.isEmpty()) {
    return;
  }
  const QString verb = words.first().toLower();
  const QString argument = words.size() > 1 ? words.mid(1).join(' ') : QString();
  if (verb == QLatin1String("quit") || verb == QLatin1String("exit")) {
    finish(exit_code_so_far());
    return;
  }
  if (line_ && line_->command(verb, argument)) {
    return;
  }
  if (line_ && (verb == QLatin1String("call") || verb == QLatin1String("answer"))) {
    printer_.print(QStringLiteral("error"),
                   {{"message", "with --line the telephone dials and answers: offhook, dial"}});
    return;
  }
  if (verb == QLatin1String("call")) {
    if (argument.isEmpty() || account_ == nullptr) {
      printer_.print(QStringLiteral("error"), {{"message", "usage: call <target>"}});
      return;
    }
    place_call(argument);
    return;
  }
  Call* call = current_call();
  if (call == nullptr) {
    printer_.print(QStringLiteral("error"), {{"message", "no call for '" + verb + "'"}});
    return;
  }
  if (verb == QLatin1String("answer")) {
    call->answer();
  } else if (verb == QLatin1String("reject")) {
    call->reject(argument.isEmpty() ? 486 : argument.toInt());
  } else if (verb == QLatin1String("hangup")) {
    call->hangup();
  } else if (verb == QLatin1String("hold")) {
    call->hold();
  } else if (verb == QLatin1String("resume")) {
    call->resume();
  } else if (verb == QLatin1String("mute") || verb == QLatin1String("unmute")) {
    call->setMuted(verb == QLatin1String("mute"));
  } else if (verb == QLatin1String("dtmf")) {
    call->sendDtmf(argument);
  } else if (verb == QLatin1String("transfer")) {
    call->transfer(argument);
  } else if (verb == QLatin1String("stats")) {
    print_stats(call);
  } else {
    printer_.print(QStringLiteral("error"), {{"message", "unknown command '" + verb + "'"}});
  }
}

void CliSession::finish(int exit_code) {
  if (finishing_) {
    return;
  }
  finishing_ = true;
  line_.reset();
  if (account_ == nullptr || !account_->isRegistered()) {
    phone_.shutdown();
    after(0, this, [this, exit_code] { emit finished(exit_code); });
    return;
  }
  phone_.shutdown();
  // Give the registrar a moment to confirm the removal, then leave regardless.
  connect(account_, &Account::statusChanged, this, [this, exit_code] {
    if (account_->state() == QLatin1String("unregistered")) {
      emit finished(exit_code);
    }
  });
  after(kUnregisterWaitMs, this, [this, exit_code] { emit finished(exit_code); });
}

}  // namespace tipring::client
