#include "pots/dial_plan/dial_plan_matcher.h"

#include <algorithm>

namespace tipring::pots {

DialPlanMatcher::DialPlanMatcher(DigitMap map, DialPlanSettings settings)
    : map_(std::move(map)), settings_(std::move(settings)) {}

void DialPlanMatcher::start(TimePoint now) {
  digits_.clear();
  deadline_ = now + settings_.long_timer;
  dial_on_expiry_ = false;
}

DialDecision DialPlanMatcher::finish(DialDecision decision) {
  deadline_.reset();
  return decision;
}

DialDecision DialPlanMatcher::on_digit(char key, TimePoint now) {
  if (key == '#' && settings_.pound_dials_now) {
    // '#' belongs to the number only if some alternative takes it there.
    const auto with_pound = map_.match(digits_ + '#');
    if (!with_pound.complete && !with_pound.partial && !with_pound.complete_on_timer) {
      const auto status = map_.match(digits_);
      if (status.complete || status.complete_on_timer) {
        return finish({DialDecision::Kind::kDial, digits_});
      }
      return finish({DialDecision::Kind::kReorder, {}});
    }
  }
  digits_ += key;
  return evaluate(now);
}

DialDecision DialPlanMatcher::evaluate(TimePoint now) {
  const auto& emergency = settings_.emergency_numbers;
  if (std::find(emergency.begin(), emergency.end(), digits_) != emergency.end()) {
    return finish({DialDecision::Kind::kDial, digits_});
  }
  auto status = map_.match(digits_);
  // A prefix of an emergency number keeps collecting even where the map has no such number.
  for (const auto& number : emergency) {
    status.partial = status.partial || number.starts_with(digits_);
  }
  if (status.complete && !status.partial) {
    return finish({DialDecision::Kind::kDial, digits_});
  }
  if (status.complete_on_timer) {
    deadline_ = now + settings_.critical_timer;
    dial_on_expiry_ = true;
  } else if (status.complete) {
    deadline_ = now + settings_.short_timer;
    dial_on_expiry_ = true;
  } else if (status.partial) {
    deadline_ = now + settings_.long_timer;
    dial_on_expiry_ = false;
  } else {
    return finish({DialDecision::Kind::kReorder, {}});
  }
  return {DialDecision::Kind::kNeedMore, {}};
}

DialDecision DialPlanMatcher::on_timer(TimePoint now) {
  if (!deadline_ || now < *deadline_) {
    return {DialDecision::Kind::kNeedMore, {}};
  }
  if (dial_on_expiry_) {
    return finish({DialDecision::Kind::kDial, digits_});
  }
  return finish({DialDecision::Kind::kReorder, {}});
}

}  // namespace tipring::pots
