// LinePort: one analog line of the softphone, the adapter between pots::LineController (the
// ATA's logic, sans-Qt) and the client core — an Account places and receives the calls, each
// Call's media session carries the line's 8 kHz audio through a LineCallDevice, and digits
// travel through the Call's DTMF API (RFC 4733 events, SIP INFO as the fallback) both ways.
// Whoever sits on the far side of the line (the emulated telephone, a USB phone) calls
// set_loop_closed() and exchange() and reads voltage(); the port keeps the controller's timers.
#pragma once

#include "client/line/line_call_audio.h"
#include "client/phone/account.h"
#include "client/phone/call.h"
#include "client/phone/call_media.h"
#include "pots/line/line_controller.h"

#include <QObject>
#include <QPointer>
#include <array>
#include <map>
#include <memory>
#include <optional>

namespace tipring::client {

class LinePort final : public QObject, private pots::LineTelephony {
  Q_OBJECT
public:
  // The media factory of the account this line uses: each call's MediaSession opens a
  // LineCallDevice instead of a sound card. Pass it to Phone/Account before the port exists.
  class MediaFactory {
  public:
    explicit MediaFactory(const QHostAddress& bind_address) : bind_address_(bind_address) {}
    static CallMediaFactory factory(const std::shared_ptr<MediaFactory>& self);
    // The rings of the media opened last (the port claims them right after the Call exists).
    std::shared_ptr<LineCallRings> take_opened() { return std::move(opened_); }

  private:
    QHostAddress bind_address_;
    std::shared_ptr<LineCallRings> opened_;
  };

  LinePort(Account& account, std::shared_ptr<MediaFactory> media,
           pots::LineControllerSettings settings, QObject* parent = nullptr);
  ~LinePort() override;
  LinePort(const LinePort&) = delete;
  LinePort& operator=(const LinePort&) = delete;

  // The far side of the line.
  void set_loop_closed(bool closed, TimePoint at);
  [[nodiscard]] pots::LineVoltage voltage(TimePoint now) const { return controller_.voltage(now); }
  // One 10 ms block ending at `now`: what the telephone sent, and what the line sends it.
  void exchange(pots::Samples from_phone, pots::MutableSamples to_phone, TimePoint now);
  void on_timer(TimePoint now) { controller_.on_timer(now); }
  [[nodiscard]] std::optional<TimePoint> next_deadline() const {
    return controller_.next_deadline();
  }

  void setMessageWaiting(bool waiting) { controller_.set_message_waiting(waiting); }
  [[nodiscard]] pots::LineState state() const { return controller_.state(); }
  [[nodiscard]] const pots::LineController& controller() const { return controller_; }

private:
  struct PortCall {
    QPointer<Call> call;
    std::optional<LineCallAudio> audio;
  };

  // pots::LineTelephony
  std::optional<pots::LineCallId> place_call(const std::string& number) override;
  void answer(pots::LineCallId id) override;
  void reject(pots::LineCallId id, int status) override;
  void hang_up(pots::LineCallId id) override;
  void hold(pots::LineCallId id) override;
  void resume(pots::LineCallId id) override;
  void send_digit(pots::LineCallId id, char key) override;

  pots::LineCallId adopt(Call* call);
  void claim_audio(PortCall& port_call);
  void on_incoming(Call* call);
  Call* call_of(pots::LineCallId id) const;
  LineCallAudio* connected_audio();

  Account& account_;
  std::shared_ptr<MediaFactory> media_;
  pots::LineController controller_;
  std::map<pots::LineCallId, PortCall> calls_;
  pots::LineCallId next_id_ = 1;
  std::optional<pots::LineCallId> bridged_;
  std::array<std::int16_t, LineCallAudio::kBlock8k> call_block_{};
  std::array<std::int16_t, LineCallAudio::kBlock8k> uplink_block_{};
};

// What a caller-ID display can show for a SIP caller: the URI's user part as the number,
// the display name (at most 15 characters, GR-30-CORE's limit) as the name, today's date.
pots::CallerId caller_id_for(const Call& call);

}  // namespace tipring::client
