#include "client/phone/account.h"

#include "client/phone/call.h"
#include "client/ua/request_builder.h"

#include <QHostInfo>
#include <QNetworkDatagram>
#include <QSysInfo>
#include <QUuid>

namespace tipring::client {
namespace {

constexpr std::string_view kOpenRule = "account settings";

sdp::LocalCapabilities capabilities_for(const QStringList& codecs) {
  sdp::LocalCapabilities caps;
  for (const QString& name : codecs) {
    const QString n = name.toLower();
    if (n == QLatin1String("opus")) {
      caps.codecs.push_back(sdp::opus_codec());
    } else if (n == QLatin1String("pcmu")) {
      caps.codecs.push_back(sdp::pcmu_codec());
    } else if (n == QLatin1String("pcma")) {
      caps.codecs.push_back(sdp::pcma_codec());
    }
  }
  return caps;
}

QString bare_host(const QString& host) {
  return host.startsWith('[') && host.endsWith(']') ? host.mid(1, host.size() - 2) : host;
}

// An IP address for a host literal, or for a name with an explicit port (RFC 3263 §4.2:
// A/AAAA only).
Result<QHostAddress> resolve_host(const QString& host) {
  const QString bare = bare_host(host);
  QHostAddress address;
  if (address.setAddress(bare)) {
    return address;
  }
  const QHostInfo info = QHostInfo::fromName(bare);
  for (const QHostAddress& a : info.addresses()) {
    if (a.protocol() == QAbstractSocket::IPv4Protocol) {
      return a;
    }
  }
  if (!info.addresses().isEmpty()) {
    return info.addresses().first();
  }
  return fail(kOpenRule, "cannot resolve '" + host.toStdString() + "'");
}

// The local address the system would use towards `to` (a connected UDP socket sends
// nothing): the address our Via, Contact and SDP must name.
QHostAddress route_source(const QHostAddress& to, quint16 port) {
  QUdpSocket probe;
  probe.connectToHost(to, port);
  const QHostAddress local = probe.localAddress();
  if (local.isNull() || local == QHostAddress::AnyIPv4 || local == QHostAddress::Any) {
    return QHostAddress::LocalHost;
  }
  return local;
}

sip::Uri with_sip_scheme(const QString& text, bool* ok) {
  QString t = text.trimmed();
  if (!t.startsWith(QLatin1String("sip:")) && !t.startsWith(QLatin1String("sips:"))) {
    t.prepend(QLatin1String("sip:"));
  }
  auto uri = sip::Uri::parse(t.toStdString());
  *ok = uri.has_value() && !uri->user.empty() && !uri->host.empty();
  return uri.value_or(sip::Uri{});
}

}  // namespace

Result<std::unique_ptr<Account>> Account::open(const AccountSettings& s,
                                               CallMediaFactory media_factory) {
  bool ok = false;
  const sip::Uri aor = with_sip_scheme(s.aor, &ok);
  if (!ok) {
    return fail(kOpenRule, "'" + s.aor.toStdString() + "' is not a SIP address (user@domain)");
  }
  UserAgentConfig config;
  config.aor = aor;
  config.display_name = s.display_name.toStdString();
  config.auth_user = s.auth_user.isEmpty() ? aor.user : s.auth_user.toStdString();
  config.password = s.password.toStdString();
  config.media = capabilities_for(s.codecs);
  config.user_agent = "Tipring/" TIPRING_VERSION;
  config.keepalive_interval = std::chrono::seconds(s.keepalive_s);
  config.keepalive_method = s.keepalive_method;

  const bool stream = s.transport != sip::Transport::udp;
  QHostAddress first_hop;
  // RFC 3261 §19.1.2: 5061 for TLS, 5060 otherwise.
  quint16 first_hop_port = default_sip_port(s.transport);
  QString server_name = QString::fromStdString(aor.host);
  std::optional<std::uint16_t> explicit_port = aor.port;
  bool has_proxy = false;
  if (!s.proxy.isEmpty()) {
    QString proxy = s.proxy.trimmed();
    if (!proxy.startsWith(QLatin1String("sip:"))) {
      proxy.prepend(QLatin1String("sip:"));
    }
    auto uri = sip::Uri::parse(proxy.toStdString());
    if (!uri || uri->host.empty()) {
      return fail(kOpenRule, "--proxy '" + s.proxy.toStdString() + "' is not a SIP URI");
    }
    server_name = QString::fromStdString(uri->host);
    explicit_port = uri->port;
    has_proxy = true;
  }
  std::vector<ServerAddress> servers;
  auto random = std::make_unique<SystemRandom>();
  if (QHostAddress literal; !explicit_port && !literal.setAddress(bare_host(server_name))) {
    // RFC 3263 §4: a name without a port is located through NAPTR, SRV and A/AAAA.
    std::shared_ptr<DnsResolver> dns = s.dns ? s.dns : std::make_shared<SystemDnsResolver>();
    servers = locate_servers(server_name, s.transport, *dns, *random);
    if (servers.empty() && (has_proxy || stream)) {
      return fail(kOpenRule, "cannot resolve '" + server_name.toStdString() + "'");
    }
    if (!servers.empty()) {
      first_hop = servers.front().address;
      first_hop_port = servers.front().port;
      config.outbound_proxy =
          sip::Peer{first_hop.toString().toStdString(), first_hop_port, s.transport};
    }
  } else if (has_proxy) {
    auto address = resolve_host(server_name);
    if (!address) {
      return tl::unexpected(address.error());
    }
    first_hop = *address;
    first_hop_port = explicit_port.value_or(first_hop_port);
    config.outbound_proxy =
        sip::Peer{first_hop.toString().toStdString(), first_hop_port, s.transport};
  } else if (auto address = resolve_host(server_name)) {
    first_hop = *address;
    first_hop_port = explicit_port.value_or(first_hop_port);
  } else if (stream) {
    return tl::unexpected(address.error());
  }
  if (server_name.startsWith('[') && server_name.endsWith(']')) {
    server_name = server_name.mid(1, server_name.size() - 2);
  }
  if (stream && !config.outbound_proxy) {
    // The one connection is the first hop for everything (RFC 5626 §5: the flow).
    config.outbound_proxy =
        sip::Peer{first_hop.toString().toStdString(), first_hop_port, s.transport};
  }

  const QHostAddress bind = !s.bind_address.isNull() ? s.bind_address
                            : first_hop.isNull()     ? QHostAddress(QHostAddress::LocalHost)
                                                     : route_source(first_hop, first_hop_port);
  auto account =
      std::unique_ptr<Account>(new Account(nullptr, std::move(random), std::move(media_factory)));
  account->servers_ = std::move(servers);
  account->first_hop_ = first_hop;
  account->first_hop_port_ = first_hop_port;
  account->fixed_bind_ = s.bind_address;
  account->sip_port_ = s.sip_port;
  account->watch_network_ = s.watch_network;
  if (stream) {
    StreamFlowSettings flow;
    flow.transport = s.transport;
    flow.server = first_hop;
    flow.port = first_hop_port;
    flow.server_name = server_name;
    flow.ca_file = s.ca_file;
    flow.bind_address = s.bind_address;
    auto opened = StreamFlow::create(flow, *account->random_);
    if (!opened) {
      return tl::unexpected(opened.error());
    }
    account->stream_ = std::move(*opened);
    account->attach_stream();
    // The port is known once connected; the connection calls change_local_flow().
    config.local = LocalFlow{bind.toString().toStdString(), 0, s.transport};
  } else {
    account->socket_ = std::make_unique<QUdpSocket>();
    if (!account->socket_->bind(bind, s.sip_port)) {
      return fail(kOpenRule, "cannot bind the SIP socket to " + bind.toString().toStdString() +
                                 ": " + account->socket_->errorString().toStdString());
    }
    connect(account->socket_.get(), &QUdpSocket::readyRead, account.get(), &Account::on_ready_read);
    config.local = LocalFlow{bind.toString().toStdString(), account->socket_->localPort(),
                             sip::Transport::udp};
  }
  if (s.register_account) {
    RegistrationConfig reg;
    reg.aor = aor;
    reg.registrar = sip::Uri::sip({}, aor.host, aor.port);
    reg.auth_user = config.auth_user;
    reg.password = config.password;
    reg.display_name = config.display_name;
    reg.expires_s = static_cast<std::uint32_t>(s.register_expiry_s);
    const QString seed = QString::fromLatin1(QSysInfo::machineUniqueId()) + s.aor;
    reg.instance_id =
        s.instance_id.isEmpty()
            ? "urn:uuid:" +
                  QUuid::createUuidV5(QUuid(), seed).toString(QUuid::WithoutBraces).toStdString()
            : s.instance_id.toStdString();
    reg.user_agent = config.user_agent;
    config.registration = reg;
  }
  account->ua_ = std::make_unique<UserAgent>(std::move(config), *account->random_);
  if (s.password_in_keychain) {
    account->keychain_ = std::make_unique<PasswordStore>(s.keychain_service);
    account->keychain_key_ = keychain_key(s.aor);
  }
  return account;
}

Account::Account(std::unique_ptr<UserAgent> ua, std::unique_ptr<SystemRandom> random,
                 CallMediaFactory media_factory)
    : random_(std::move(random)), ua_(std::move(ua)), media_factory_(std::move(media_factory)) {
  timer_.setSingleShot(true);
  connect(&timer_, &QTimer::timeout, this, [this] {
    ua_->on_timer(steady_now());
    pump();
  });
}

Account::~Account() {
  for (const auto& call : calls_) {
    delete call.data();
  }
}

void Account::start() {
  if (keychain_) {
    start_with_keychain_password();
    return;
  }
  started_ = true;
  if (watch_network_ && !network_) {
    set_network_change_source(std::make_unique<SystemNetworkWatch>());
  }
  if (stream_) {
    stream_->open();  // registers once connected
    return;
  }
  ua_->start(steady_now());
  pump();
}

// The keychain answers asynchronously. Nothing has run on the core yet, so it is rebuilt
// with the password (its authenticators take the password when they are made).
void Account::start_with_keychain_password() {
  keychain_->read(keychain_key_, [this](const KeychainOutcome& outcome) {
    keychain_.release()->deleteLater();  // we are inside its job's signal
    if (!outcome.ok()) {
      keychain_error_ = outcome.error;
      emit statusChanged();
      emit registrationFailed(keychain_error_);
      return;
    }
    UserAgentConfig config = ua_->config();
    config.password = outcome.password.toStdString();
    if (config.registration) {
      config.registration->password = config.password;
    }
    ua_ = std::make_unique<UserAgent>(std::move(config), *random_);
    start();
  });
}

// RFC 3263 §4.3: a server that does not answer (a transaction timeout) or answers 503 is
// left for the next one on the list, from a fresh flow. TCP/TLS flows keep their server.
bool Account::fail_over(const QString& reason) {
  const bool unanswered = reason == QLatin1String("server unreachable") ||
                          reason == QLatin1String("server unavailable");
  if (!unanswered || stream_ || server_ + 1 >= servers_.size()) {
    return false;
  }
  const ServerAddress& failed = servers_[server_];
  const ServerAddress& next = servers_[++server_];
  first_hop_ = next.address;
  first_hop_port_ = next.port;
  ua_->set_outbound_proxy(
      sip::Peer{next.address.toString().toStdString(), next.port, sip::Transport::udp});
  renew_flow(QStringLiteral("%1 (%2:%3) %4; trying %5:%6")
                 .arg(failed.name, failed.address.toString())
                 .arg(failed.port)
                 .arg(reason, next.address.toString())
                 .arg(next.port));
  return true;
}

void Account::set_network_change_source(std::unique_ptr<NetworkChangeSource> source) {
  network_ = std::move(source);
  if (network_) {
    connect(network_.get(), &NetworkChangeSource::changed, this, &Account::renew_flow);
  }
}

void Account::attach_stream() {
  StreamFlow::Handlers h;
  h.connected = [this] {
    ua_->change_local_flow(stream_->local(), steady_now());
    emit statusChanged();  // localAddress
    pump();
  };
  h.received = [this](sip::StreamItem item) {
    const sip::Peer from = stream_->server_peer();
    if (item.kind == sip::StreamItemKind::Message) {
      ua_->on_message(std::move(item.message), from, steady_now());
    } else {
      ua_->on_stream_keepalive(item.kind == sip::StreamItemKind::Ping, from, steady_now());
    }
    pump();
  };
  h.failed = [this](const QString& reason, const std::vector<sip::TransactionId>& unsent) {
    ua_->on_flow_failed(reason.toStdString(), steady_now());
    for (const sip::TransactionId tx : unsent) {
      ua_->on_send_failed(tx, steady_now());
    }
    pump();
  };
  stream_->set_handlers(std::move(h));
}

void Account::renew_flow(const QString& why) {
  if (!started_ || ua_->registration() == nullptr) {
    return;  // without a registrar there is no flow to keep: peers reach us where we are
  }
  emit flowRenewed(why);
  if (stream_) {
    stream_->open();  // the new connection registers from its own port
    return;
  }
  if (auto bound = bind_udp(); !bound) {
    ua_->on_flow_failed(bound.error().detail, steady_now());
  }
  pump();
}

// The old socket may be the one whose readyRead we are in: close it now, delete it later.
void Account::retire_udp_socket() {
  if (socket_) {
    socket_->disconnect(this);
    socket_->close();
    socket_.release()->deleteLater();
  }
}

// A new UDP socket on the address that now routes to the first hop. It is bound before the
// old one closes, so the port differs and the NAT makes a new mapping: a fresh flow.
Result<void> Account::bind_udp() {
  const QHostAddress bind = !fixed_bind_.isNull() ? fixed_bind_
                            : first_hop_.isNull() ? QHostAddress(QHostAddress::LocalHost)
                                                  : route_source(first_hop_, first_hop_port_);
  auto fresh = std::make_unique<QUdpSocket>();
  if (!fresh->bind(bind, sip_port_)) {
    if (sip_port_ == 0 || !socket_) {
      return fail(kOpenRule, "cannot open the SIP socket on " + bind.toString().toStdString() +
                                 ": " + fresh->errorString().toStdString());
    }
    // A fixed port: the old socket holds it; give it up first.
    retire_udp_socket();
    if (!fresh->bind(bind, sip_port_)) {
      return fail(kOpenRule, "cannot open the SIP socket on " + bind.toString().toStdString() +
                                 ": " + fresh->errorString().toStdString());
    }
  }
  connect(fresh.get(), &QUdpSocket::readyRead, this, &Account::on_ready_read);
  retire_udp_socket();
  socket_ = std::move(fresh);
  emit statusChanged();  // localAddress
  ua_->change_local_flow(
      LocalFlow{bind.toString().toStdString(), socket_->localPort(), sip::Transport::udp},
      steady_now());
  return {};
}

void Account::stop() {
  ua_->shutdown(steady_now());
  pump();
}

void Account::on_ready_read() {
  while (socket_ && socket_->hasPendingDatagrams()) {
    const QNetworkDatagram d = socket_->receiveDatagram();
    if (!d.isValid()) {
      continue;
    }
    QHostAddress sender = d.senderAddress();
    bool v4 = false;
    const quint32 ipv4 = sender.toIPv4Address(&v4);
    if (v4) {
      sender = QHostAddress(ipv4);  // an IPv4-mapped IPv6 source is an IPv4 peer
    }
    const QByteArray data = d.data();
    ua_->on_datagram(std::string_view(data.constData(), static_cast<std::size_t>(data.size())),
                     sip::Peer{sender.toString().toStdString(),
                               static_cast<std::uint16_t>(d.senderPort()), sip::Transport::udp},
                     steady_now());
  }
  pump();
}

void Account::pump() {
  if (pumping_) {
    return;  // an event handler acted on the core; the outer loop drains what it produced
  }
  pumping_ = true;
  for (bool busy = true; busy;) {
    busy = false;
    while (auto d = ua_->poll_datagram()) {
      busy = true;
      if (stream_) {
        // Everything goes over the one connection, responses included (RFC 3261 §18.2.2).
        if (!stream_->send(*d) && d->transaction != 0) {
          ua_->on_send_failed(d->transaction, steady_now());
        }
      } else if (socket_) {
        socket_->writeDatagram(d->bytes.data(), static_cast<qint64>(d->bytes.size()),
                               QHostAddress(QString::fromStdString(d->peer.host)), d->peer.port);
      }
    }
    while (auto event = ua_->poll_event()) {
      busy = true;
      on_event(*event);
    }
  }
  pumping_ = false;
  const TimePoint deadline = ua_->next_deadline();
  if (deadline == TimePoint::max()) {
    timer_.stop();
    return;
  }
  const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady_now());
  // Round up so the core is woken at or after its deadline, never just before it.
  timer_.start(static_cast<int>(
      std::clamp<std::chrono::milliseconds::rep>(wait.count() + 1, 0, 86'400'000)));
}

void Account::on_event(const UaEvent& event) {
  using Kind = UaEvent::Kind;
  switch (event.kind) {
    case Kind::registration_changed: {
      emit statusChanged();
      const bool now_registered = isRegistered();
      if (now_registered && !was_registered_) {
        emit registered();
      }
      if (ua_->registration()->state() == RegistrationState::failed) {
        if (fail_over(reason())) {
          return;
        }
        emit registrationFailed(reason());
      }
      was_registered_ = now_registered;
      return;
    }
    case Kind::incoming_call:
      on_incoming(event);
      return;
    case Kind::transfer_requested:
      on_transfer_requested(event);
      return;
    case Kind::flow_broken:
      renew_flow(QString::fromStdString(event.detail));
      return;
    default:
      break;
  }
  Call* call = find(event.call);
  if (call == nullptr) {
    return;
  }
  switch (event.kind) {
    case Kind::call_state_changed:
      call->on_state_changed(event.state);
      break;
    case Kind::media_changed:
      call->on_media(*event.media);
      break;
    case Kind::hold_changed:
      call->on_hold_changed();
      break;
    case Kind::dtmf_received:
      call->on_dtmf(event.digit);
      break;
    case Kind::transfer_failed:
      call->on_transfer_failed(event.status);
      break;
    default:
      break;
  }
}

void Account::on_incoming(const UaEvent& event) {
  Call* call = adopt(event.call, nullptr);
  if (event.replaces != 0) {
    // RFC 3891: the new call takes the old one's place without ringing.
    call->answer();
    if (CallSession* old = ua_->find_call(event.replaces)) {
      old->hangup(steady_now(), end_reason::kReplaced);
      ua_->settle(steady_now());
    }
    emit callAdded(call);
    return;
  }
  emit callAdded(call);
  emit incomingCall(call);
}

void Account::on_transfer_requested(const UaEvent& event) {
  auto target = sip::Uri::parse(event.target);
  auto media = open_media();
  if (!target || !media) {
    if (CallSession* referring = ua_->find_call(event.call)) {
      referring->report_transfer_progress(500, steady_now());
    }
    return;
  }
  auto handle =
      ua_->call_transfer_target(event.call, *target, media_address(**media), steady_now());
  if (!handle) {
    return;
  }
  emit callAdded(adopt(*handle, std::move(*media)));
}

Result<std::unique_ptr<CallMedia>> Account::open_media() {
  if (!media_factory_) {
    return fail("media", "no media configured for this account");
  }
  return media_factory_();
}

sdp::MediaAddress Account::media_address(const CallMedia& media) const {
  sdp::MediaAddress local = media.local_address();
  if (local.address.empty() || local.address == "0.0.0.0" || local.address == "::") {
    local.address = ua_->config().local.host;
  }
  return local;
}

Call* Account::call(const QString& target, QString* error) {
  auto uri = resolve_target(target.toStdString(), ua_->config().aor);
  if (!uri) {
    if (error != nullptr) {
      *error = QString::fromStdString(uri.error().detail);
    }
    return nullptr;
  }
  auto media = open_media();
  if (!media) {
    if (error != nullptr) {
      *error = QString::fromStdString(media.error().describe());
    }
    return nullptr;
  }
  auto handle = ua_->call(*uri, media_address(**media), steady_now());
  if (!handle) {
    if (error != nullptr) {
      *error = QString::fromStdString(handle.error().detail);
    }
    return nullptr;
  }
  Call* call = adopt(*handle, std::move(*media));
  emit callAdded(call);
  pump();
  return call;
}

Call* Account::adopt(CallHandle handle, std::unique_ptr<CallMedia> media) {
  auto* call = new Call(*this, handle, std::move(media));
  calls_.append(call);
  return call;
}

Call* Account::find(CallHandle handle) const {
  for (const auto& pointer : calls_) {
    Call* call = pointer.data();
    if (call != nullptr && call->handle() == handle) {
      return call;
    }
  }
  return nullptr;
}

QList<Call*> Account::calls() const {
  QList<Call*> out;
  for (const auto& call : calls_) {
    if (call) {
      out.append(call.data());
    }
  }
  return out;
}

QString Account::aor() const {
  return QString::fromStdString(ua_->config().aor.to_string());
}

QString Account::state() const {
  const Registration* reg = ua_->registration();
  if (!keychain_error_.isEmpty()) {
    return QStringLiteral("failed");
  }
  return reg == nullptr
             ? QStringLiteral("unregistered")
             : QString::fromLatin1(to_string(reg->state()).data(),
                                   static_cast<qsizetype>(to_string(reg->state()).size()));
}

QString Account::reason() const {
  if (!keychain_error_.isEmpty()) {
    return keychain_error_;
  }
  const Registration* reg = ua_->registration();
  return reg == nullptr ? QString() : QString::fromStdString(reg->reason());
}

QString Account::publicAddress() const {
  const Registration* reg = ua_->registration();
  if (reg == nullptr || !reg->public_address()) {
    return {};
  }
  return QString::fromStdString(reg->public_address()->host + ":" +
                                std::to_string(reg->public_address()->port));
}

QString Account::localAddress() const {
  const LocalFlow& local = ua_->config().local;
  return QString::fromStdString(local.host + ":" + std::to_string(local.port));
}

QString Account::transport() const {
  return QString::fromLatin1(transport_param(ua_->config().local.transport).data());
}

bool Account::isRegistered() const {
  const Registration* reg = ua_->registration();
  return reg != nullptr && reg->state() == RegistrationState::registered;
}

}  // namespace tipring::client
