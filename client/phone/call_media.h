// CallMedia: what a Call needs from its media — the one socket's address for the SDP, apply
// the negotiated media, mute, RFC 4733 DTMF, stop, and stats — as a seam, so the Phone runs
// with MediaSession (client/media) in the product and with a recording fake in tests.
#pragma once

#include "protocol/core/error.h"
#include "protocol/sdp/offer_answer.h"

#include <QJsonObject>
#include <QObject>
#include <chrono>
#include <functional>
#include <memory>

namespace tipring::client {

class CallMedia : public QObject {
  Q_OBJECT
public:
  ~CallMedia() override = default;

  [[nodiscard]] virtual sdp::MediaAddress local_address() const = 0;
  // Starts or updates media (re-INVITE: new remote, hold/resume direction).
  virtual Result<void> apply(const sdp::NegotiatedMedia& media) = 0;
  virtual void set_muted(bool muted) = 0;
  // RFC 4733; false when telephone-event was not negotiated (the caller falls back to INFO).
  virtual bool send_dtmf(char digit, std::chrono::milliseconds duration) = 0;
  virtual void stop() = 0;
  // The stats event's fields for tipring-cli --json and the GUI (webrtc-stats names).
  [[nodiscard]] virtual QJsonObject stats() const = 0;

signals:
  void dtmf_received(QChar digit);
  void first_packet_received();
  void media_timeout();
};

// Opens the media of one call: binds its socket before the offer or answer is built.
using CallMediaFactory = std::function<Result<std::unique_ptr<CallMedia>>()>;

}  // namespace tipring::client
