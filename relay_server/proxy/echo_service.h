// EchoService: the built-in echo test number (sip:echo@<domain>), so one person alone can
// check their audio through the relay. tipring-relay answers the INVITE itself as a UAS
// (RFC 3261 §13.3; the SDP answer by RFC 3264 §6 choosing Opus, PCMU or PCMA from the offer,
// with telephone-event), and EchoMedia returns the caller's RTP to where the relay's
// latching rule (relay_server/media/latch.h) learned the caller sends from. BYE ends it;
// a call left open is cut after max_call.
#pragma once

#include "protocol/core/error.h"
#include "protocol/core/random.h"
#include "protocol/core/time.h"
#include "protocol/sip/message.h"
#include "relay_server/proxy/media_steering.h"

#include <chrono>
#include <map>
#include <string>
#include <string_view>

namespace tipring::relay {

// The media side of the test numbers: one echo channel per call.
class EchoMedia {
public:
  virtual ~EchoMedia() = default;
  // Opens the call's echo channel for `caller` (advertised channel and signalling source,
  // the inputs of the latching rule); returns where the caller is to send.
  virtual Result<MediaChannel> open(std::string_view call_id, const MediaSide& caller) = 0;
  virtual void close(std::string_view call_id) = 0;
};

struct EchoServiceConfig {
  Duration max_call = std::chrono::minutes(10);
};

class EchoService {
public:
  EchoService(EchoServiceConfig config, EchoMedia& media, RandomSource& random);

  // The final response to an initial INVITE for the echo number: 200 with the SDP answer
  // and a Contact of `contact_hostport`, or 488 when no offered codec fits.
  sip::Message answer_invite(const sip::Message& invite, std::string_view source_ip,
                             std::string_view contact_hostport, TimePoint now);
  // An in-dialog request for the number: BYE ends the call (200), a re-INVITE gets the same
  // answer again, anything else 200.
  sip::Message answer_in_dialog(const sip::Message& request, std::string_view contact_hostport);

  void on_timer(TimePoint now);
  [[nodiscard]] TimePoint next_deadline() const;
  [[nodiscard]] std::size_t call_count() const { return calls_.size(); }

private:
  struct Call {
    TimePoint ends_at;
    std::string to_tag;
    std::string answer_sdp;
  };

  EchoServiceConfig config_;
  EchoMedia& media_;
  RandomSource& random_;
  std::map<std::string, Call, std::less<>> calls_;  // by Call-ID
};

// The SDP answer the test numbers give to `offer` at `local` (Opus, PCMU, PCMA +
// telephone-event); fails with the 488 reason.
Result<std::string> answer_test_call(std::string_view offer, const MediaChannel& local,
                                     std::uint64_t session_id);

}  // namespace tipring::relay
