#include "relay_server/proxy/proxy_core.h"

#include "relay_server/proxy/bad_request.h"

namespace tipring::relay {
namespace {

sip::TransactionLayerConfig proxy_layer_config() {
  sip::TransactionLayerConfig config;
  config.answer_cancelled_invite_with_487 = false;
  return config;
}

bool is_keepalive(std::string_view bytes) {
  return !bytes.empty() && bytes.find_first_not_of("\r\n") == std::string_view::npos;
}

}  // namespace

ProxyCore::ProxyCore(ProxyCoreConfig config, Directory& directory, RandomSource& random,
                     std::span<const std::uint8_t> nonce_secret, Admission admission)
    : config_(std::move(config)),
      random_(random),
      digest_(config_.digest, nonce_secret, random),
      registrar_(config_.registrar, digest_, directory, random),
      layer_(random, proxy_layer_config()),
      admission_(std::move(admission)) {}

void ProxyCore::on_datagram(std::string_view bytes, const sip::Peer& from, std::size_t socket,
                            const Clock& clock) {
  current_socket_ = socket;
  if (bytes.size() > config_.max_message_size) {
    ++counters_.dropped;
    return;
  }
  if (is_keepalive(bytes)) {
    // RFC 5626 §4.4.1: a double CRLF "ping" gets a single CRLF "pong" on the same flow.
    if (bytes.size() >= 4) {
      ++counters_.keepalives;
      outgoing_.push_back({socket, from, "\r\n"});
    }
    return;
  }
  auto message = sip::Message::parse(bytes);
  if (!message) {
    if (auto answer = salvage_bad_request(bytes, message.error())) {
      ++counters_.malformed;
      respond_stateless(*answer, from, socket);
    } else {
      ++counters_.dropped;
    }
    return;
  }
  if (message->is_request() && message->method() != sip::Method::Ack &&
      message->method() != sip::Method::Cancel) {
    if (!admitted(*message, from, clock.now, socket)) {
      return;
    }
  }
  if (auto fed = layer_.on_message(std::move(*message), from, clock.now); !fed) {
    ++counters_.malformed;
  }
  drain(clock);
}

bool ProxyCore::admitted(const sip::Message& request, const sip::Peer& from, TimePoint now,
                         std::size_t socket) {
  if (transaction_count() >= config_.max_transactions) {
    ++counters_.dropped;
    return false;
  }
  std::optional<AdmissionClass> admission_class;
  if (request.method() == sip::Method::Register) {
    admission_class = AdmissionClass::register_request;
  } else if (request.method() == sip::Method::Invite && request.to_tag().empty()) {
    admission_class = AdmissionClass::invite;
  }
  if (!admission_class || !admission_ || admission_(*admission_class, from, now)) {
    return true;
  }
  ++counters_.rate_limited;
  if (config_.rate_limited_retry_after_s > 0) {
    auto busy = sip::make_response(request, 503, "Rate Limited", random_.token(10));
    busy.add_header(sip::HeaderId::RetryAfter, std::to_string(config_.rate_limited_retry_after_s));
    respond_stateless(busy, from, socket);
  }
  return false;
}

void ProxyCore::on_timer(const Clock& clock) {
  layer_.on_timer(clock.now);
  drain(clock);
}

void ProxyCore::drain(const Clock& clock) {
  while (auto event = layer_.poll_event()) {
    switch (event->kind) {
      case sip::TransactionEventKind::request:
        socket_of_[event->transaction] = current_socket_;
        if (event->message) {
          on_request(event->transaction, *event->message, event->peer, clock);
        }
        break;
      case sip::TransactionEventKind::terminated:
        socket_of_.erase(event->transaction);
        break;
      default:
        break;
    }
  }
  while (auto datagram = layer_.poll_datagram()) {
    const auto found = socket_of_.find(datagram->transaction);
    const auto socket = found == socket_of_.end() ? current_socket_ : found->second;
    outgoing_.push_back({socket, std::move(datagram->peer), std::move(datagram->bytes)});
  }
}

bool ProxyCore::addressed_to_us(const sip::Message& request) const {
  auto uri = request.request_uri();
  return uri && uri->user.empty();
}

void ProxyCore::on_request(sip::TransactionId server, const sip::Message& request,
                           const sip::Peer& from, const Clock& clock) {
  const auto socket = socket_of_[server];
  switch (request.method()) {
    case sip::Method::Register: {
      const RequestSource source{from, config_.socket_names.size() > socket
                                           ? config_.socket_names[socket]
                                           : "udp:" + std::to_string(socket)};
      auto result = registrar_.handle(request, source, clock);
      if (result.outcome == RegisterOutcome::updated) {
        ++counters_.registrations_updated;
      } else if (result.outcome == RegisterOutcome::auth_failed) {
        ++counters_.auth_failures;
      }
      respond(server, result.response, clock.now);
      return;
    }
    case sip::Method::Options:
      if (addressed_to_us(request)) {
        auto ok = sip::make_response(request, 200, {}, random_.token(10));
        ok.add_header(sip::HeaderId::Allow,
                      "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, UPDATE, INFO, MESSAGE, REFER");
        ok.add_header(sip::HeaderId::Supported, "outbound, path");
        respond(server, ok, clock.now);
        return;
      }
      break;
    default:
      break;
  }
  respond(server, sip::make_response(request, 501, {}, random_.token(10)), clock.now);
}

void ProxyCore::respond(sip::TransactionId server, const sip::Message& response, TimePoint now) {
  ++counters_.responses_sent[response.status_code()];
  (void)layer_.send_response(server, response, now);
}

void ProxyCore::respond_stateless(const sip::Message& response, const sip::Peer& to,
                                  std::size_t socket) {
  ++counters_.responses_sent[response.status_code()];
  outgoing_.push_back({socket, to, response.serialize()});
}

std::optional<Outgoing> ProxyCore::poll_outgoing() {
  if (outgoing_.empty()) {
    return std::nullopt;
  }
  auto next = std::move(outgoing_.front());
  outgoing_.pop_front();
  return next;
}

}  // namespace tipring::relay
