// EchoService: the built-in echo test number (sip:echo@<domain>), so one person alone can
// check their audio through the relay. tipring-relay answers the INVITE itself as a UAS
// (RFC 3261 §13.3; the SDP answer by RFC 3264 §6 choosing Opus, PCMU or PCMA from the offer,
// with telephone-event), and EchoMedia returns the caller's RTP to where the relay's
// latching rule (relay_server/media/latch.h) learned the caller sends from. Its 200 is
// retransmitted until the ACK arrives (RFC 3261 §13.3.1.4: T1 doubling up to T2; no ACK
// within 64*T1 ends the call). BYE ends it; a call left open is cut after max_call.
#pragma once

#include "protocol/core/error.h"
#include "protocol/core/random.h"
#include "protocol/core/time.h"
#include "protocol/sip/message.h"
#include "relay_server/proxy/media_steering.h"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
  Duration t1 = std::chrono::milliseconds(500);  // RFC 3261 §17.1.1.1
  Duration t2 = std::chrono::seconds(4);
};

// A 2xx to send again through its server transaction (RFC 6026 Accepted state).
struct Retransmission {
  std::uint64_t server = 0;
  sip::Message response;
};

class EchoService {
public:
  EchoService(EchoServiceConfig config, EchoMedia& media, RandomSource& random);

  // The final response to an initial INVITE for the echo number: 200 with the SDP answer
  // and a Contact of `contact_hostport`, or 488 when no offered codec fits.
  sip::Message answer_invite(const sip::Message& invite, std::string_view source_ip,
                             std::string_view contact_hostport, TimePoint now);
  // The 200 for `call_id` went out through server transaction `server`: it is sent again
  // until on_ack.
  void await_ack(std::string_view call_id, std::uint64_t server, TimePoint now);
  // An ACK (its own transaction, §13.2.2.4) in an echo call's dialog stops the 200's
  // retransmissions; false if it belongs to no echo call.
  bool on_ack(const sip::Message& ack);
  // An in-dialog request for the number: BYE ends the call (200), a re-INVITE gets the same
  // answer again, anything else 200.
  sip::Message answer_in_dialog(const sip::Message& request, std::string_view contact_hostport);

  // The 200s due again; calls that reached max_call or never got their ACK end.
  std::vector<Retransmission> on_timer(TimePoint now);
  [[nodiscard]] TimePoint next_deadline() const;
  [[nodiscard]] std::size_t call_count() const { return calls_.size(); }

private:
  struct Call {
    TimePoint ends_at;
    std::string to_tag;
    std::string answer_sdp;
    std::optional<sip::Message> unacked_ok;  // the 200 while its ACK is awaited
    std::uint64_t server = 0;
    Duration retransmit_interval{};
    TimePoint retransmit_at = TimePoint::max();
    TimePoint ack_deadline = TimePoint::max();  // no ACK by then: the call ends
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
