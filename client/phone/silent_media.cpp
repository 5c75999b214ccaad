#include "client/phone/silent_media.h"

#include <QNetworkDatagram>

namespace tipring::client {

Result<std::unique_ptr<CallMedia>> SilentMedia::open(const QHostAddress& bind_address) {
  std::unique_ptr<SilentMedia> media(new SilentMedia);
  if (!media->socket_.bind(bind_address, 0)) {
    return fail("media socket", "cannot bind: " + media->socket_.errorString().toStdString());
  }
  connect(&media->socket_, &QUdpSocket::readyRead, media.get(), [m = media.get()] {
    while (m->socket_.hasPendingDatagrams()) {
      (void)m->socket_.receiveDatagram(0);
      if (m->packets_received_++ == 0) {
        emit m->first_packet_received();
      }
    }
  });
  return std::unique_ptr<CallMedia>(std::move(media));
}

sdp::MediaAddress SilentMedia::local_address() const {
  return {socket_.localAddress().toString().toStdString(), socket_.localPort()};
}

Result<void> SilentMedia::apply(const sdp::NegotiatedMedia& media) {
  last_ = media;
  ++applied_;
  return {};
}

bool SilentMedia::send_dtmf(char digit, std::chrono::milliseconds duration) {
  (void)digit;
  (void)duration;
  return false;  // no media stream: the call falls back to SIP INFO
}

QJsonObject SilentMedia::stats() const {
  return {{QStringLiteral("codec"), QString::fromStdString(last_.codec.encoding_name)},
          {QStringLiteral("packetsSent"), 0},
          {QStringLiteral("packetsReceived"), static_cast<double>(packets_received_)},
          {QStringLiteral("muted"), muted_}};
}

}  // namespace tipring::client
