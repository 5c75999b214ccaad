#include "pots/line/line.h"

#include <algorithm>
#include <chrono>

namespace tipring::pots {
namespace {
double elapsed_ms(TimePoint from, TimePoint to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}
Duration from_ms(double ms) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(ms));
}
// Room for a block's events (a digit, a hook change, ring on/off) without growing.
constexpr std::size_t kEventRoom = 16;
}  // namespace

Line::Line(LineSettings settings)
    : settings_(settings),
      hook_(settings.hook),
      dtmf_(settings.delay_uplink_for_dtmf),
      far_end_digits_(settings.far_end_digits) {
  dtmf_digits_.reserve(kEventRoom);
  hook_events_.reserve(kEventRoom);
  events_.reserve(kEventRoom);
}

void Line::set_loop_closed(bool closed, TimePoint now) {
  on_timer(now);
  loop_closed_ = closed;
  if (!disconnected_until_) {
    hook_.on_loop(closed, now);
    collect_hook_events();
  }
}

LineVoltage Line::voltage(TimePoint now) const {
  if (disconnected_until_ && now < *disconnected_until_) {
    return {0.0, 0.0, 0.0};
  }
  const double dc = reversed_ ? -settings_.battery_volts : settings_.battery_volts;
  if (ring_ && ring_->cadence.on_at(elapsed_ms(ring_->started, now))) {
    return {dc, settings_.ring_volts_rms, ring_->cadence.frequency_hz};
  }
  return {dc, 0.0, 0.0};
}

double Line::loop_current_ma() const {
  return loop_closed_ && !disconnected_until_ ? settings_.loop_current_ma : 0.0;
}

void Line::start_ringing(const RingCadence& cadence, TimePoint now) {
  on_timer(now);
  if (hook_.off_hook()) {
    return;  // ringing an off-hook line would ring in the caller's ear
  }
  ring_ = Ringing{cadence, now, true, 0.0};
  events_.push_back({LineEvent::Kind::kRingOn, now});
}

void Line::stop_ringing(TimePoint now) {
  if (ring_ && ring_->on) {
    events_.push_back({LineEvent::Kind::kRingOff, now});
  }
  ring_.reset();
}

void Line::disconnect_for(Duration length, TimePoint now) {
  on_timer(now);
  disconnected_until_ = now + length;
}

void Line::queue_samples(std::vector<std::int16_t> samples) {
  bursts_.push_back(std::move(samples));
}

void Line::cancel_queued_samples() {
  bursts_.clear();
  burst_at_ = 0;
}

void Line::render_to_phone(Samples call_audio, MutableSamples out) {
  tones_.render(out);
  mix_into(out, call_audio);
  for (std::size_t at = 0; at < out.size() && far_end_digits_.busy();) {
    const auto n = std::min(out.size() - at, digit_scratch_.size());
    const MutableSamples part(digit_scratch_.data(), n);
    far_end_digits_.render(part);
    mix_into(out.subspan(at, n), part);
    at += n;
  }
  std::size_t at = 0;
  while (at < out.size() && !bursts_.empty()) {
    const auto& burst = bursts_.front();
    const auto n = std::min(out.size() - at, burst.size() - burst_at_);
    mix_into(out.subspan(at, n), Samples(burst).subspan(burst_at_, n));
    at += n;
    burst_at_ += n;
    if (burst_at_ == burst.size()) {
      bursts_.pop_front();
      burst_at_ = 0;
    }
  }
}

void Line::receive_from_phone(Samples phone_audio, MutableSamples to_call, bool blank_digits,
                              TimePoint now) {
  on_timer(now);
  dtmf_digits_.clear();
  if (!hook_.off_hook()) {
    // No loop current, no transmitter: silence, which also empties the delay line.
    dtmf_.process_silence(phone_audio.size(), to_call, dtmf_digits_);
    return;
  }
  dtmf_.process(phone_audio, to_call, blank_digits, dtmf_digits_);
  for (const auto& d : dtmf_digits_) {
    events_.push_back({LineEvent::Kind::kDigit, now, d.key, false});
  }
}

std::optional<TimePoint> Line::next_deadline() const {
  std::optional<TimePoint> next = hook_.next_deadline();
  auto consider = [&](std::optional<TimePoint> t) {
    if (t && (!next || *t < *next)) {
      next = t;
    }
  };
  consider(disconnected_until_);
  if (ring_) {
    consider(ring_->started + from_ms(ring_->cadence.next_change_after(ring_->state_since_ms)));
  }
  return next;
}

void Line::on_timer(TimePoint now) {
  if (disconnected_until_ && now >= *disconnected_until_) {
    disconnected_until_.reset();
    hook_.on_loop(loop_closed_, now);  // whatever changed meanwhile is seen now
  }
  hook_.on_timer(now);
  collect_hook_events();
  if (ring_) {
    const double elapsed = elapsed_ms(ring_->started, now);
    const bool on = ring_->cadence.on_at(elapsed);
    if (on != ring_->on) {
      ring_->on = on;
      ring_->state_since_ms = elapsed;
      events_.push_back({on ? LineEvent::Kind::kRingOn : LineEvent::Kind::kRingOff, now});
    }
  }
}

void Line::collect_hook_events() {
  hook_.take_events(hook_events_);
  for (const auto& e : hook_events_) {
    LineEvent event{LineEvent::Kind::kOffHook, e.at};
    switch (e.kind) {
      case HookEvent::Kind::kOffHook:
        if (ring_) {
          // Ring trip: the answer stops the ringing at once, burst or silence.
          event.ring_trip = true;
          event.during_burst = ring_->cadence.on_at(elapsed_ms(ring_->started, e.at));
          ring_.reset();
        }
        break;
      case HookEvent::Kind::kOnHook:
        event.kind = LineEvent::Kind::kOnHook;
        break;
      case HookEvent::Kind::kFlash:
        event.kind = LineEvent::Kind::kFlash;
        break;
      case HookEvent::Kind::kPulseDigit:
        event.kind = LineEvent::Kind::kDigit;
        event.digit = e.digit;
        event.pulse = true;
        break;
    }
    events_.push_back(event);
  }
}

std::vector<LineEvent> Line::take_events() {
  std::vector<LineEvent> out;
  take_events(out);
  return out;
}

void Line::take_events(std::vector<LineEvent>& out) {
  // Copy rather than swap: events_ keeps its reserved room for the next block.
  out.assign(events_.begin(), events_.end());
  events_.clear();
}

}  // namespace tipring::pots
