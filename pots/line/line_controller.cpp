#include "pots/line/line_controller.h"

#include <algorithm>
#include <chrono>

namespace tipring::pots {
namespace {

using namespace std::chrono_literals;

LineSettings with_uplink_delay(LineSettings line, bool digits_as_events) {
  line.delay_uplink_for_dtmf = digits_as_events;
  return line;
}

DigitMap parse_or_fallback(const std::string& text) {
  auto map = DigitMap::parse(text);
  // validate() reports a bad map at start-up; a line must still work, so it takes anything.
  return map ? std::move(*map) : std::move(*DigitMap::parse("(x.T)"));
}

double elapsed_ms(TimePoint from, TimePoint to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

bool is_busy_status(int status) {
  return status == 486 || status == 600;
}

}  // namespace

std::string_view line_state_name(LineState state) {
  switch (state) {
    case LineState::kIdle:
      return "idle";
    case LineState::kRinging:
      return "ringing";
    case LineState::kDialTone:
      return "dial-tone";
    case LineState::kDialing:
      return "dialing";
    case LineState::kCalling:
      return "calling";
    case LineState::kRingback:
      return "ringback";
    case LineState::kTalking:
      return "talking";
    case LineState::kBusy:
      return "busy";
    case LineState::kReorder:
      return "reorder";
    case LineState::kHowler:
      return "howler";
    case LineState::kDisconnect:
      return "disconnect";
  }
  return "?";
}

LineController::LineController(LineTelephony& telephony, LineControllerSettings settings,
                               LineSettings line)
    : telephony_(telephony),
      settings_(std::move(settings)),
      line_(with_uplink_delay(line, settings_.digits_as_events)),
      matcher_(parse_or_fallback(settings_.digit_map), settings_.dial) {
  line_events_.reserve(16);
}

Result<void> LineController::validate(const LineControllerSettings& settings) {
  auto map = DigitMap::parse(settings.digit_map);
  if (!map) {
    return tl::unexpected(map.error());
  }
  return {};
}

// --- the telephone side ---

void LineController::set_loop_closed(bool closed, TimePoint at) {
  line_.set_loop_closed(closed, at);
  process_line_events();
}

void LineController::receive_from_phone(Samples phone_audio, MutableSamples to_call,
                                        TimePoint now) {
  const bool blank_digits = settings_.digits_as_events && state_ == LineState::kTalking;
  line_.receive_from_phone(phone_audio, to_call, blank_digits, now);
  process_line_events();
}

void LineController::render_to_phone(Samples call_audio, MutableSamples out) {
  // While type 2 caller ID is exchanged the far end is muted (GR-30-CORE), so neither the
  // talker nor the data disturbs the other.
  const bool data_exchange = call_waiting_id_ &&
                             call_waiting_id_->state() != CallWaitingCallerIdSender::State::kDone &&
                             call_waiting_id_->state() != CallWaitingCallerIdSender::State::kNoAck;
  const bool bridged = connected_call().has_value() && !data_exchange;
  line_.render_to_phone(bridged ? call_audio : Samples{}, out);
  if (call_waiting_id_) {
    scratch_.assign(out.size(), 0);
    call_waiting_id_->render(scratch_);
    mix_into(out, scratch_);
  }
}

void LineController::process_line_events() {
  line_.take_events(line_events_);
  for (const auto& event : line_events_) {
    switch (event.kind) {
      case LineEvent::Kind::kOffHook:
        on_off_hook(event.at);
        break;
      case LineEvent::Kind::kOnHook:
        on_on_hook(event.at);
        break;
      case LineEvent::Kind::kFlash:
        on_flash(event.at);
        break;
      case LineEvent::Kind::kDigit:
        on_digit(event.digit, event.at);
        break;
      case LineEvent::Kind::kRingOff:
        on_ring_off(event.at);
        break;
      case LineEvent::Kind::kRingOn:
        break;
    }
  }
}

void LineController::on_off_hook(TimePoint at) {
  off_hook_ = true;
  caller_id_at_.reset();
  cancel_pre_ring(at);
  line_.cancel_queued_samples();  // an answer during the caller-ID burst cuts it off
  if (ringing_for_) {
    const LineCallId id = *ringing_for_;
    ringing_for_.reset();
    if (LineCall* call = find(id)) {
      if (call->status == LineCall::Status::kHeld) {
        telephony_.resume(id);  // the recall ring of a call left on hold
      } else {
        telephony_.answer(id);
      }
      connect(*call);
      return;
    }
  }
  give_dial_tone(at);
}

void LineController::on_on_hook(TimePoint at) {
  off_hook_ = false;
  line_.stop_tone();
  line_.set_polarity_reversed(false);
  howler_at_.reset();
  reorder_at_.reset();
  stop_call_waiting();
  // The call on the line ends; a call on hold or waiting rings the line back.
  for (auto it = calls_.begin(); it != calls_.end();) {
    const bool stays =
        it->status == LineCall::Status::kHeld || it->status == LineCall::Status::kWaiting;
    if (stays) {
      ++it;
      continue;
    }
    telephony_.hang_up(it->id);
    it = calls_.erase(it);
  }
  state_ = LineState::kIdle;
  if (!calls_.empty()) {
    LineCall& remaining = calls_.front();
    if (remaining.status == LineCall::Status::kWaiting) {
      remaining.status = LineCall::Status::kIncoming;
    }
    ring_for(remaining, at);
  }
}

void LineController::on_flash(TimePoint at) {
  if (!off_hook_) {
    return;
  }
  LineCall* active = find(LineCall::Status::kConnected);
  LineCall* waiting = find(LineCall::Status::kWaiting);
  LineCall* held = find(LineCall::Status::kHeld);
  if (active != nullptr && waiting != nullptr) {
    // Answer the waiting call; the first one goes on hold.
    stop_call_waiting();
    telephony_.hold(active->id);
    active->status = LineCall::Status::kHeld;
    telephony_.answer(waiting->id);
    connect(*waiting);
    return;
  }
  if (active != nullptr && held != nullptr) {
    telephony_.hold(active->id);
    active->status = LineCall::Status::kHeld;
    telephony_.resume(held->id);
    connect(*held);
    return;
  }
  if (active != nullptr) {
    // Hold, and dial tone for a second call.
    telephony_.hold(active->id);
    active->status = LineCall::Status::kHeld;
    line_.set_polarity_reversed(false);
    give_dial_tone(at);
    return;
  }
  if (held != nullptr) {
    // Give up the second attempt (whatever stage it reached) and go back to the held call.
    for (auto it = calls_.begin(); it != calls_.end();) {
      if (it->id != held->id) {
        telephony_.hang_up(it->id);
        it = calls_.erase(it);
      } else {
        ++it;
      }
    }
    LineCall* back = find(LineCall::Status::kHeld);
    telephony_.resume(back->id);
    connect(*back);
    return;
  }
  if (state_ == LineState::kBusy || state_ == LineState::kReorder || state_ == LineState::kHowler) {
    give_dial_tone(at);  // a flash after a failure starts over, as on most ATAs
  }
}

void LineController::on_digit(char key, TimePoint at) {
  if (call_waiting_id_ &&
      call_waiting_id_->state() == CallWaitingCallerIdSender::State::kAwaitingAck) {
    call_waiting_id_->on_key(key);  // the telephone's ACK, not a dialled digit
    return;
  }
  if (state_ == LineState::kTalking) {
    // Keypad or rotary, the far end gets the digit as an event (in-band otherwise).
    if (const auto call = connected_call(); call && settings_.digits_as_events) {
      telephony_.send_digit(*call, key);
    }
    return;
  }
  if (state_ != LineState::kDialTone && state_ != LineState::kDialing) {
    return;
  }
  if (state_ == LineState::kDialTone) {
    line_.stop_tone();
    state_ = LineState::kDialing;
  }
  apply(matcher_.on_digit(key, at), at);
}

void LineController::on_ring_off(TimePoint at) {
  if (!ringing_for_ || caller_id_sent_ || caller_id_at_ || !settings_.caller_id) {
    return;
  }
  const LineCall* call = find(*ringing_for_);
  if (call == nullptr || call->status != LineCall::Status::kIncoming) {
    return;  // a recall ring carries no caller ID
  }
  // Only a silent interval long enough for the whole burst (short double-ring gaps are not).
  const auto bits = fsk_burst_bits(after_ring_message(call->caller), after_ring_burst());
  const double burst_ms = static_cast<double>(bits.size()) * 1000.0 / 1200.0;
  const double elapsed = elapsed_ms(ring_started_, at);
  const double silence_ms = settings_.plan.ring.next_change_after(elapsed) - elapsed;
  const double delay_ms =
      std::chrono::duration<double, std::milli>(settings_.caller_id_delay).count();
  if (delay_ms + burst_ms + 200.0 <= silence_ms) {
    caller_id_at_ = at + settings_.caller_id_delay;
  }
}

void LineController::apply(const DialDecision& decision, TimePoint now) {
  switch (decision.kind) {
    case DialDecision::Kind::kNeedMore:
      return;
    case DialDecision::Kind::kReorder:
      give_signal(LineState::kReorder, ProgressTone::kReorder, now);
      return;
    case DialDecision::Kind::kDial:
      break;
  }
  const auto id = telephony_.place_call(decision.number);
  if (!id) {
    give_signal(LineState::kReorder, ProgressTone::kReorder, now);
    return;
  }
  calls_.push_back({*id, LineCall::Status::kOutgoing, {}});
  state_ = LineState::kCalling;
}

// --- the telephony side ---

void LineController::on_incoming_call(LineCallId id, const CallerId& caller, TimePoint now) {
  const bool line_free = !off_hook_ && calls_.empty();
  const bool can_wait = off_hook_ && settings_.call_waiting && calls_.size() == 1 &&
                        calls_.front().status == LineCall::Status::kConnected;
  if (!line_free && !can_wait) {
    telephony_.reject(id, 486);
    return;
  }
  calls_.push_back({id, LineCall::Status::kIncoming, caller});
  if (line_free) {
    ring_for(calls_.back(), now);
  } else {
    start_call_waiting(calls_.back(), now);
  }
}

void LineController::on_call_ringing(LineCallId id, TimePoint now) {
  LineCall* call = find(id);
  if (call == nullptr || call->status != LineCall::Status::kOutgoing) {
    return;
  }
  call->status = LineCall::Status::kAlerting;
  if (state_ == LineState::kCalling) {
    give_signal(LineState::kRingback, ProgressTone::kRingback, now);
    howler_at_.reset();  // ringing is not an abandoned line
  }
}

void LineController::on_call_answered(LineCallId id, TimePoint /*now*/) {
  LineCall* call = find(id);
  if (call == nullptr || (call->status != LineCall::Status::kOutgoing &&
                          call->status != LineCall::Status::kAlerting)) {
    return;
  }
  connect(*call);
  if (settings_.reverse_polarity_on_answer) {
    line_.set_polarity_reversed(true);
  }
}

void LineController::on_call_failed(LineCallId id, int status, TimePoint now) {
  LineCall* call = find(id);
  if (call == nullptr) {
    return;
  }
  const auto was = call->status;
  remove(id);
  if (was == LineCall::Status::kConnected && off_hook_) {
    far_end_left_line(now);  // failed after the answer (media timeout, a dead dialog)
    return;
  }
  if (was == LineCall::Status::kOutgoing || was == LineCall::Status::kAlerting) {
    if (off_hook_) {
      if (is_busy_status(status)) {
        give_signal(LineState::kBusy, ProgressTone::kBusy, now);
      } else {
        give_signal(LineState::kReorder, ProgressTone::kReorder, now);
      }
    }
    return;
  }
  after_call_gone(now);  // an incoming call the caller gave up
}

void LineController::on_call_ended(LineCallId id, TimePoint now) {
  LineCall* call = find(id);
  if (call == nullptr) {
    return;
  }
  const bool was_on_line = call->status == LineCall::Status::kConnected;
  remove(id);
  if (was_on_line && off_hook_) {
    far_end_left_line(now);
    return;
  }
  after_call_gone(now);
}

void LineController::on_call_digit(LineCallId id, char key, TimePoint /*now*/) {
  if (connected_call() == id) {
    line_.play_digits(std::string_view(&key, 1));
  }
}

// The call on the line is gone from the far end: an open loop tells the telephone (an
// answering machine or a modem hangs up on it), then reorder. A call still on hold or
// waiting keeps the loop: the flash or a hang-up brings it back.
void LineController::far_end_left_line(TimePoint now) {
  line_.set_polarity_reversed(false);
  stop_call_waiting();
  if (!calls_.empty() || settings_.disconnect_length <= Duration::zero()) {
    give_signal(LineState::kReorder, ProgressTone::kReorder, now);
    return;
  }
  line_.stop_tone();
  line_.disconnect_for(settings_.disconnect_length, now);
  state_ = LineState::kDisconnect;
  reorder_at_ = now + settings_.disconnect_length;
}

// The line's view after a call vanished that was not on the line (waiting, held, ringing).
void LineController::after_call_gone(TimePoint now) {
  if (!find(LineCall::Status::kWaiting)) {
    stop_call_waiting();
  }
  if (ringing_for_ && !find(*ringing_for_)) {
    ringing_for_.reset();
    caller_id_at_.reset();
    cancel_pre_ring(now);
    line_.stop_ringing(now);
    line_.cancel_queued_samples();
    state_ = LineState::kIdle;
  }
}

// --- signals ---

void LineController::give_dial_tone(TimePoint now) {
  howler_at_.reset();  // the dial plan's own timers end in reorder, which starts it
  line_.play_tone(
      settings_.plan.signal(message_waiting_ ? ProgressTone::kStutterDial : ProgressTone::kDial));
  matcher_.start(now);
  state_ = LineState::kDialTone;
}

void LineController::give_signal(LineState state, ProgressTone tone, TimePoint now) {
  line_.play_tone(settings_.plan.signal(tone));
  state_ = state;
  if (state == LineState::kBusy || state == LineState::kReorder) {
    howler_at_ = now + settings_.off_hook_warning;
  }
}

void LineController::ring_for(LineCall& call, TimePoint now) {
  ringing_for_ = call.id;
  ring_started_ = now;
  caller_id_sent_ = false;
  caller_id_at_.reset();
  state_ = LineState::kRinging;
  if (settings_.caller_id && sent_before_ringing(settings_.caller_id_variant) &&
      call.status == LineCall::Status::kIncoming) {
    start_pre_ring(call, now);
    return;
  }
  line_.start_ringing(settings_.plan.ring, now);
}

// --- caller ID variants ---

std::vector<std::uint8_t> LineController::after_ring_message(const CallerId& caller) const {
  // EN 300 659-3's call set-up message has the MDMF layout; SDMF is Telcordia's alone.
  return encode_caller_id(caller, settings_.caller_id_variant == CallerIdVariant::kTelcordiaType1
                                      ? settings_.caller_id_format
                                      : CallerIdFormat::kMdmf);
}

FskBurstSettings LineController::after_ring_burst() const {
  return settings_.caller_id_variant == CallerIdVariant::kTelcordiaType1
             ? settings_.type1_burst
             : fsk_burst_for(settings_.caller_id_variant);
}

void LineController::start_pre_ring(const LineCall& call, TimePoint now) {
  caller_id_sent_ = true;  // the first ring's silent interval carries nothing more
  pre_ring_ = plan_pre_ring_caller_id(settings_.caller_id_variant, call.caller, settings_.pre_ring);
  pre_ring_next_ = 0;
  pre_ring_started_ = now;
  run_pre_ring(now);
}

// Plays the plan's steps that are due, each at its own instant.
void LineController::run_pre_ring(TimePoint now) {
  while (pre_ring_ && pre_ring_next_ < pre_ring_->steps.size()) {
    const PreRingStep step = pre_ring_->steps[pre_ring_next_];
    const TimePoint at = pre_ring_started_ + step.at;
    if (at > now) {
      return;
    }
    ++pre_ring_next_;
    play_pre_ring_step(step.action, *pre_ring_, settings_.pre_ring, settings_.plan.ring, line_, at);
    if (step.action == PreRingStep::Action::kRing) {
      pre_ring_.reset();
      ring_started_ = at;
    }
  }
}

void LineController::cancel_pre_ring(TimePoint now) {
  if (!pre_ring_) {
    return;
  }
  pre_ring_.reset();
  line_.stop_tone();
  line_.stop_ringing(now);
  line_.set_polarity_reversed(false);
}

void LineController::start_call_waiting(LineCall& call, TimePoint now) {
  call.status = LineCall::Status::kWaiting;
  if (settings_.caller_id) {
    // SAS (the call-waiting tone), CAS, the telephone's ACK, then the data (type 2).
    call_waiting_id_.emplace(encode_caller_id(call.caller, CallerIdFormat::kMdmf));
  } else {
    line_.play_tone(settings_.plan.signal(ProgressTone::kCallWaiting));
  }
  call_waiting_tone_at_ = now + settings_.call_waiting_repeat;
}

void LineController::stop_call_waiting() {
  call_waiting_id_.reset();
  call_waiting_tone_at_.reset();
  if (state_ == LineState::kTalking) {
    line_.stop_tone();
  }
}

void LineController::connect(LineCall& call) {
  call.status = LineCall::Status::kConnected;
  line_.stop_tone();
  howler_at_.reset();
  state_ = LineState::kTalking;
}

// --- bookkeeping and time ---

LineController::LineCall* LineController::find(LineCallId id) {
  auto it = std::find_if(calls_.begin(), calls_.end(), [id](const auto& c) { return c.id == id; });
  return it == calls_.end() ? nullptr : &*it;
}

LineController::LineCall* LineController::find(LineCall::Status status) {
  auto it = std::find_if(calls_.begin(), calls_.end(),
                         [status](const auto& c) { return c.status == status; });
  return it == calls_.end() ? nullptr : &*it;
}

void LineController::remove(LineCallId id) {
  std::erase_if(calls_, [id](const auto& c) { return c.id == id; });
}

std::optional<LineCallId> LineController::connected_call() const {
  for (const auto& call : calls_) {
    if (call.status == LineCall::Status::kConnected) {
      return call.id;
    }
  }
  return std::nullopt;
}

void LineController::on_timer(TimePoint now) {
  line_.on_timer(now);
  process_line_events();
  if (state_ == LineState::kDialTone || state_ == LineState::kDialing) {
    if (matcher_.next_deadline() && *matcher_.next_deadline() <= now) {
      apply(matcher_.on_timer(now), now);
    }
  }
  if (caller_id_at_ && *caller_id_at_ <= now) {
    caller_id_at_.reset();
    caller_id_sent_ = true;
    if (const LineCall* call = ringing_for_ ? find(*ringing_for_) : nullptr) {
      line_.queue_samples(render_fsk_burst(after_ring_message(call->caller), after_ring_burst()));
    }
  }
  run_pre_ring(now);
  if (reorder_at_ && *reorder_at_ <= now) {
    const TimePoint at = *reorder_at_;
    reorder_at_.reset();
    if (off_hook_ && state_ == LineState::kDisconnect) {
      give_signal(LineState::kReorder, ProgressTone::kReorder, at);
    }
  }
  if (call_waiting_tone_at_ && *call_waiting_tone_at_ <= now) {
    call_waiting_tone_at_ = now + settings_.call_waiting_repeat;
    if (find(LineCall::Status::kWaiting) != nullptr) {
      line_.play_tone(settings_.plan.signal(ProgressTone::kCallWaiting));
    }
  }
  if (howler_at_ && *howler_at_ <= now) {
    howler_at_.reset();
    if (off_hook_ && state_ != LineState::kTalking && state_ != LineState::kRingback &&
        state_ != LineState::kCalling) {
      line_.play_tone(settings_.plan.signal(ProgressTone::kHowler));
      state_ = LineState::kHowler;
    }
  }
}

std::optional<TimePoint> LineController::next_deadline() const {
  std::optional<TimePoint> next = line_.next_deadline();
  auto consider = [&](std::optional<TimePoint> t) {
    if (t && (!next || *t < *next)) {
      next = t;
    }
  };
  if (state_ == LineState::kDialTone || state_ == LineState::kDialing) {
    consider(matcher_.next_deadline());
  }
  consider(caller_id_at_);
  consider(call_waiting_tone_at_);
  consider(howler_at_);
  consider(reorder_at_);
  if (pre_ring_ && pre_ring_next_ < pre_ring_->steps.size()) {
    consider(pre_ring_started_ + pre_ring_->steps[pre_ring_next_].at);
  }
  return next;
}

}  // namespace tipring::pots
