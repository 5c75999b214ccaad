#include "pots/phone/analog_telephone.h"

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
      cas_(70.0, 90.0) {}

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

void AnalogTelephone::on_line_voltage(const LineVoltage& voltage, TimePoint /*now*/) {
  const bool on = !off_hook_ && voltage.ring_volts_rms >= settings_.ringer_threshold_vrms;
  if (on && !ring_on_) {
    ++rings_;
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
    on_hook_display_.process(audio, messages_);
  }
  for (auto& m : messages_) {
    if (m.decoded) {
      display_ = *m.decoded;
      if (muted_) {
        unmute_at_ = now + 50ms;  // data over: back to the conversation
      }
    } else {
      ++caller_id_errors_;
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
