// SilentMedia: a CallMedia that binds the call's one UDP socket (so the SDP names a real
// port) and neither sends nor plays anything; incoming datagrams are counted. For calls
// without audio (tipring-cli --no-audio) and for tests of the signalling around media.
#pragma once

#include "client/phone/call_media.h"

#include <QHostAddress>
#include <QUdpSocket>

namespace tipring::client {

class SilentMedia final : public CallMedia {
  Q_OBJECT
public:
  static Result<std::unique_ptr<CallMedia>> open(const QHostAddress& bind_address);

  [[nodiscard]] sdp::MediaAddress local_address() const override;
  Result<void> apply(const sdp::NegotiatedMedia& media) override;
  void set_muted(bool muted) override { muted_ = muted; }
  bool send_dtmf(char digit, std::chrono::milliseconds duration) override;
  void stop() override { socket_.close(); }
  [[nodiscard]] QJsonObject stats() const override;

  [[nodiscard]] int applied_count() const { return applied_; }
  [[nodiscard]] const sdp::NegotiatedMedia& last_applied() const { return last_; }

private:
  SilentMedia() = default;

  QUdpSocket socket_;
  sdp::NegotiatedMedia last_;
  int applied_ = 0;
  bool muted_ = false;
  quint64 packets_received_ = 0;
};

}  // namespace tipring::client
