#include "pots/phone/analog_telephone.h"

#include "pots/caller_id/dtmf_caller_id.h"

#include <chrono>

namespace tipring::pots {
namespace {
Duration from_ms(double ms) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(ms));
}
}  // namespace

AnalogTelephone::AnalogTelephone(LoopOutput loop, TelephoneSettings settings)
    : loop_(std::move(loop)),
      settings_(settings),
      keypad_(settings.keypad),
      on_hook_display_(settings.caller_id_standard, 20.0),
      off_hook_display_(settings.caller_id_standard, 10.0),
      cas_(70.0, 90.0),
      dt_as_(80.0, 130.0) {
  clip_digits_.reserve(8);
}

void AnalogTelephone::set_loop(bool closed, TimePoint at) {
  if (loop_) {
    loop_(closed, at);
  }
}

void AnalogTelephone::lift_handset(TimePoint now) {
  off_hook_ = true;
  ring_on_ = false;
  set_loop(true, now);
}

void AnalogTelephone::hang_up(TimePoint now) {
  off_hook_ = false;
  schedule_.clear();
  muted_ = false;
  set_loop(false, now);
}

void AnalogTelephone::press_flash(TimePoint now) {
  if (!off_hook_) {
    return;
  }
  const TimePoint start = schedule_.empty() ? now : schedule_.back().at;
  schedule_.push_back({start, false});
  schedule_.push_back({start + settings_.flash_length, true});
  on_timer(now);
}

void AnalogTelephone::press_keys(std::string_view keys) {
  keypad_.queue(keys);
}

void AnalogTelephone::dial_rotary(std::string_view digits, TimePoint now) {
  if (!off_hook_) {
    return;
  }
  const double period_ms = 1000.0 / settings_.pulses_per_second;
  const Duration break_length = from_ms(period_ms * settings_.break_ratio);
  const Duration period = from_ms(period_ms);
  TimePoint t = schedule_.empty() ? now : schedule_.back().at + settings_.interdigit_pause;
  for (char digit : digits) {
    if (digit < '0' || digit > '9') {
      continue;
    }
    const int breaks = digit == '0' ? 10 : digit - '0';
    for (int i = 0; i < breaks; ++i) {
      schedule_.push_back({t, false});
      schedule_.push_back({t + break_length, true});
      t += period;
    }
    // The dial returns to rest: the pause before the next digit's first break.
    t = schedule_.back().at + settings_.interdigit_pause;
  }
  on_timer(now);
}

void AnalogTelephone::on_timer(TimePoint now) {
  while (!schedule_.empty() && schedule_.front().at <= now) {
    const auto change = schedule_.front();
    schedule_.pop_front();
    set_loop(change.closed, change.at);
  }
  if (unmute_at_ && now >= *unmute_at_) {
    muted_ = false;
    unmute_at_.reset();
  }
}

std::optional<TimePoint> AnalogTelephone::next_deadline() const {
  std::optional<TimePoint> next = unmute_at_;
  if (!schedule_.empty() && (!next || schedule_.front().at < *next)) {
    next = schedule_.front().at;
  }
  return next;
}

void AnalogTelephone::on_line_voltage(const LineVoltage& voltage, TimePoint now) {
  const bool battery = voltage.dc_volts != 0.0;
  if (off_hook_ && battery_ && !battery) {
    ++loop_current_drops_;
  }
  battery_ = battery;
  // Normal battery is negative on ring; a flip while on hook announces caller-ID data.
  const bool reversed = voltage.dc_volts > 0.0;
  if (battery && reversed != reversed_) {
    reversed_ = reversed;
    if (reversed && !off_hook_) {
      last_alert_ = CallerIdAlert::kLineReversal;
    }
  }
  const bool on = !off_hook_ && voltage.ring_volts_rms >= settings_.ringer_threshold_vrms;
  if (on && !ring_on_) {
    ++rings_;
    ring_on_since_ = now;
  }
  if (!on && ring_on_ && !off_hook_ && now - ring_on_since_ <= settings_.ring_pulse_max) {
    --rings_;  // too short for a ring: the ring-pulse alerting signal
    last_alert_ = CallerIdAlert::kRingPulse;
  }
  ring_on_ = on;
}

void AnalogTelephone::receive_from_line(Samples audio, TimePoint now) {
  messages_.clear();
  if (off_hook_) {
    // Type 2: a CAS while talking asks for the ACK; mute so the caller does not hear data.
    alerts_.clear();
    cas_.process(audio, alerts_);
    if (!alerts_.empty()) {
      muted_ = true;
      unmute_at_ = now + 1500ms;
      keypad_.queue("D");
    }
    off_hook_display_.process(audio, messages_);
  } else {
    alerts_.clear();
    dt_as_.process(audio, alerts_);
    if (!alerts_.empty()) {
      last_alert_ = CallerIdAlert::kDualTone;
    }
    on_hook_display_.process(audio, messages_);
    receive_dtmf_caller_id(audio);
  }
  for (auto& m : messages_) {
    if (m.decoded) {
      show(*m.decoded, now);
    } else {
      ++caller_id_errors_;
    }
  }
}

void AnalogTelephone::show(const CallerId& caller, TimePoint now) {
  display_ = caller;
  if (muted_) {
    unmute_at_ = now + 50ms;  // data over: back to the conversation
  }
}

// DTMF caller ID: a start key (A or D for a number, B for a reason it is absent), digits,
// and C (or #) to end; anything else on hook is ignored.
void AnalogTelephone::receive_dtmf_caller_id(Samples audio) {
  clip_digits_.clear();
  clip_detector_.process(audio, clip_digits_);
  constexpr std::size_t kMaxKeys = 32;
  for (const auto& d : clip_digits_) {
    if (d.key == 'A' || d.key == 'B' || d.key == 'D') {
      clip_keys_.assign(1, d.key);
      continue;
    }
    if (clip_keys_.empty()) {
      continue;
    }
    clip_keys_ += d.key;
    if (d.key == 'C' || d.key == '#') {
      if (auto caller = decode_dtmf_caller_id(clip_keys_)) {
        display_ = *caller;
      } else {
        ++caller_id_errors_;
      }
      clip_keys_.clear();
    } else if (clip_keys_.size() > kMaxKeys) {
      clip_keys_.clear();
    }
  }
}

void AnalogTelephone::render_to_line(Samples microphone, MutableSamples out) {
  keypad_.render(out);
  if (!muted_ && off_hook_) {
    mix_into(out, microphone);
  }
}

}  // namespace tipring::pots
