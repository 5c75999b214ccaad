#include "pots/line/hook_decoder.h"

#include <algorithm>

namespace tipring::pots {
namespace {
// More than a block's worth of loop changes (a flash is two, a pulsed digit one event).
constexpr std::size_t kEventRoom = 16;
}  // namespace

HookDecoder::HookDecoder(HookSettings settings) : settings_(settings) {
  events_.reserve(kEventRoom);
}

void HookDecoder::on_loop(bool closed, TimePoint now) {
  on_timer(now);
  if (closed == raw_) {
    return;
  }
  raw_ = closed;
  raw_since_ = now;
  debounce_deadline_ = now + settings_.debounce;
}

std::optional<TimePoint> HookDecoder::next_deadline() const {
  std::optional<TimePoint> next;
  for (const auto& d : {debounce_deadline_, hangup_deadline_, interdigit_deadline_}) {
    if (d && (!next || *d < *next)) {
      next = d;
    }
  }
  return next;
}

void HookDecoder::on_timer(TimePoint now) {
  // Handle due deadlines in time order: a debounced make can cancel a hang-up.
  while (auto next = next_deadline()) {
    if (*next > now) {
      return;
    }
    if (debounce_deadline_ == next) {
      debounce_deadline_.reset();
      if (raw_ != debounced_) {
        apply(raw_, raw_since_);
      }
    } else if (hangup_deadline_ == next) {
      if (raw_ && debounce_deadline_) {
        // A make arrived inside the window and is still being debounced: let it decide.
        hangup_deadline_ = *debounce_deadline_ + Duration(1);
        continue;
      }
      hangup_deadline_.reset();
      interdigit_deadline_.reset();
      pulses_ = 0;  // a digit cut off by hanging up is not dialled
      off_hook_ = false;
      push_event(HookEvent::Kind::kOnHook, *next);
    } else {
      interdigit_deadline_.reset();
      flush_digit(*next);
    }
  }
}

void HookDecoder::apply(bool closed, TimePoint at) {
  debounced_ = closed;
  if (!off_hook_) {
    if (closed) {
      off_hook_ = true;
      pulses_ = 0;
      push_event(HookEvent::Kind::kOffHook, at + settings_.debounce);
    }
    return;
  }
  if (!closed) {
    break_start_ = at;
    hangup_deadline_ = at + settings_.flash_max;
    interdigit_deadline_.reset();
    return;
  }
  hangup_deadline_.reset();
  const Duration length = at - break_start_;
  if (length < settings_.flash_min) {
    ++pulses_;
    interdigit_deadline_ = at + settings_.interdigit;
    return;
  }
  flush_digit(at);
  push_event(HookEvent::Kind::kFlash, at + settings_.debounce);
}

void HookDecoder::flush_digit(TimePoint at) {
  if (pulses_ == 0) {
    return;
  }
  // n breaks dial n; ten breaks dial 0. More than ten is not a digit.
  if (pulses_ <= 10) {
    push_event(HookEvent::Kind::kPulseDigit, at, static_cast<char>('0' + pulses_ % 10));
  }
  pulses_ = 0;
}

void HookDecoder::push_event(HookEvent::Kind kind, TimePoint at, char digit) {
  events_.push_back(HookEvent{kind, at, digit});
}

std::vector<HookEvent> HookDecoder::take_events() {
  std::vector<HookEvent> out;
  take_events(out);
  return out;
}

void HookDecoder::take_events(std::vector<HookEvent>& out) {
  // Copy rather than swap, so events_ keeps its reserved room for the next digit.
  out.assign(events_.begin(), events_.end());
  events_.clear();
}

}  // namespace tipring::pots
