#include "client/line/analog_line.h"

#include "audio/device/null_device.h"

#include <QMetaObject>
#include <algorithm>
#include <cctype>
#include <string>

namespace tipring::client {

// The handset device the emulated telephone owns: forwards to whichever device is plugged
// in now (all on the owner's thread, as EmulatedTelephone's clock is), mutes the microphone
// on request, and hands each block of earpiece audio to the line's observer.
class HandsetSwitch final : public audio::AudioDevice {
public:
  using Observer = std::function<void(std::span<const std::int16_t>)>;

  HandsetSwitch(std::unique_ptr<audio::AudioDevice> device, Observer observer)
      : device_(std::move(device)), observer_(std::move(observer)) {}

  tl::expected<void, Error> start() override { return device_->start(); }
  void stop() override { device_->stop(); }
  std::size_t read_capture(std::span<std::int16_t> out) override {
    const std::size_t n = device_->read_capture(out);
    if (muted_) {
      std::fill(out.begin(), out.end(), std::int16_t{0});
      return out.size();
    }
    return n;
  }
  std::size_t write_playout(std::span<const std::int16_t> in) override {
    observer_(in);
    return device_->write_playout(in);
  }
  std::size_t playout_queued() const override { return device_->playout_queued(); }
  std::optional<audio::DeviceEvent> poll_event() override { return device_->poll_event(); }
  bool output_is_loudspeaker() const override { return false; }

  Result<void> replace(const HandsetFactory& open) {
    // Close first: PortAudio re-enumerates (to see a hot-plugged card) only with no stream
    // open, and a USB card may be the one the old stream still holds.
    device_->stop();
    device_ = std::make_unique<audio::NullDevice>();
    (void)device_->start();
    auto next = open();
    if (!next) {
      return tl::unexpected(next.error());
    }
    if (auto started = (*next)->start(); !started) {
      return tl::unexpected(started.error());
    }
    device_ = std::move(*next);
    return {};
  }
  void set_muted(bool muted) { muted_ = muted; }

private:
  std::unique_ptr<audio::AudioDevice> device_;
  Observer observer_;
  bool muted_ = false;
};

namespace {

struct CallerIdStandard {
  std::string_view name;
  bool on;
  pots::CallerIdFormat format;
  pots::FskBurstSettings burst;
};

// GR-30-CORE type 1 (Bell 202) and ETSI EN 300 659-1 on-hook data (V.23), both after the
// first ring; the ring-pulse, line-reversal and DT-AS ETSI variants are the line's own.
constexpr CallerIdStandard kCallerIdStandards[] = {
    {"gr30", true, pots::CallerIdFormat::kMdmf, pots::kType1Burst},
    {"gr30-sdmf", true, pots::CallerIdFormat::kSdmf, pots::kType1Burst},
    {"etsi", true, pots::CallerIdFormat::kMdmf, pots::kEtsiBurst},
    {"off", false, pots::CallerIdFormat::kMdmf, pots::kType1Burst},
};

QString tone_name(pots::ProgressTone tone) {
  const auto name = pots::progress_tone_name(tone);
  return QString::fromLatin1(name.data(), static_cast<qsizetype>(name.size()));
}

}  // namespace

Result<AnalogLineSettings> analog_line_settings(std::string_view tone_plan,
                                                std::string_view digit_map,
                                                std::string_view caller_id) {
  AnalogLineSettings settings;
  const pots::TonePlan* plan = pots::find_tone_plan(tone_plan);
  if (plan == nullptr) {
    return fail("tone plan",
                "unknown tone plan '" + std::string(tone_plan) + "' (us, uk, de, fr, jp, au, itu)");
  }
  settings.line.plan = *plan;
  if (!digit_map.empty()) {
    settings.line.digit_map = std::string(digit_map);
  }
  if (auto valid = pots::LineController::validate(settings.line); !valid) {
    return fail("digit map (RFC 3435 §2.1.5)",
                "'" + settings.line.digit_map + "': " + valid.error().describe());
  }
  std::string wanted(caller_id);
  std::transform(wanted.begin(), wanted.end(), wanted.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto* standard = std::find_if(std::begin(kCallerIdStandards), std::end(kCallerIdStandards),
                                      [&](const auto& s) { return s.name == wanted; });
  if (standard == std::end(kCallerIdStandards)) {
    return fail("caller ID standard",
                "unknown caller-ID standard '" + wanted + "' (gr30, gr30-sdmf, etsi, off)");
  }
  settings.line.caller_id = standard->on;
  settings.line.caller_id_format = standard->format;
  settings.line.type1_burst = standard->burst;
  // The display decodes what the line sends: a V.23 line needs a V.23 telephone.
  settings.telephone.caller_id_standard = standard->burst.standard;
  return settings;
}

AnalogLine::AnalogLine(Account& account, std::shared_ptr<LinePort::MediaFactory> media,
                       pots::LineControllerSettings settings)
    : plan_(settings.plan),
      port_(std::make_unique<LinePort>(account, std::move(media), std::move(settings))) {}

AnalogLine::~AnalogLine() {
  telephone_.reset();  // stops the clock before the port it drives goes
  port_.reset();
}

Result<std::unique_ptr<AnalogLine>> AnalogLine::create(
    Account& account, std::shared_ptr<LinePort::MediaFactory> media, AnalogLineSettings settings,
    const HandsetFactory& handset) {
  auto device = handset();
  if (!device) {
    return tl::unexpected(device.error());
  }
  auto ear_down = audio::Resampler::create(audio::kEngineRateHz, pots::kSampleRateHz, 3, false);
  if (!ear_down) {
    return tl::unexpected(ear_down.error());
  }
  std::unique_ptr<AnalogLine> line(
      new AnalogLine(account, std::move(media), std::move(settings.line)));
  line->ear_down_.emplace(std::move(*ear_down));
  line->tones_.emplace(line->plan_);
  line->tone_events_.reserve(8);
  line->ear8_.resize(audio::kEngineFrame10ms);
  auto handset_switch = std::make_unique<HandsetSwitch>(
      std::move(*device),
      [raw = line.get()](std::span<const std::int16_t> block) { raw->on_earpiece(block); });
  line->handset_ = handset_switch.get();
  auto telephone =
      EmulatedTelephone::create(*line->port_, std::move(handset_switch), settings.telephone);
  if (!telephone) {
    return tl::unexpected(telephone.error());
  }
  line->telephone_ = std::move(*telephone);
  line->state_ = line->state();
  return line;
}

void AnalogLine::liftHandset() {
  telephone_->liftHandset();
  publish();
}

void AnalogLine::hangUp() {
  telephone_->hangUp();
  publish();
}

void AnalogLine::dialDtmf(const QString& keys) {
  telephone_->pressKeys(keys);
}

void AnalogLine::dialRotary(const QString& digits) {
  telephone_->dialRotary(digits);
}

void AnalogLine::flash() {
  telephone_->pressFlash();
}

void AnalogLine::setMuted(bool muted) {
  handset_->set_muted(muted);
  if (muted != muted_) {
    muted_ = muted;
    emit mutedChanged(muted);
  }
}

Result<void> AnalogLine::switchHandset(const HandsetFactory& handset) {
  return handset_->replace(handset);
}

QString AnalogLine::state() const {
  const auto name = pots::line_state_name(port_->state());
  return QString::fromLatin1(name.data(), static_cast<qsizetype>(name.size()));
}

bool AnalogLine::offHook() const {
  return telephone_->telephone().off_hook();
}

bool AnalogLine::ringing() const {
  return telephone_->telephone().ringing();
}

int AnalogLine::rings() const {
  return telephone_->telephone().rings();
}

const std::optional<pots::CallerId>& AnalogLine::callerId() const {
  return telephone_->telephone().display();
}

void AnalogLine::on_earpiece(std::span<const std::int16_t> block_48k) {
  // The earpiece is silent on hook (EmulatedTelephone mutes it): what it hears off hook is
  // the line's signal, resampled back to 8 kHz for the plan's tone detector.
  if (block_48k.size() <= ear8_.size() * 6) {
    const auto down = ear_down_->process(block_48k, ear8_);
    tone_events_.clear();
    tones_->process(std::span<const std::int16_t>(ear8_).first(down.produced), tone_events_);
  }
  // Signals go out from the event loop, not from inside the telephone's audio block.
  if (!publish_queued_) {
    publish_queued_ = true;
    // By name: the functor overload allocates a slot object the static analyzer cannot follow.
    QMetaObject::invokeMethod(this, "publish", Qt::QueuedConnection);
  }
}

void AnalogLine::publish() {
  publish_queued_ = false;
  const bool off_hook = offHook();
  if (off_hook != off_hook_) {
    off_hook_ = off_hook;
    // A new conversation: forget the last one's tone.
    tones_.emplace(plan_);
    if (!tone_.isEmpty()) {
      tone_.clear();
      emit toneChanged(tone_);
    }
    emit hookChanged(off_hook);
  }
  const QString state = this->state();
  if (state != state_) {
    state_ = state;
    emit stateChanged(state);
  }
  const bool ring_on = ringing();
  if (ring_on != ring_on_) {
    ring_on_ = ring_on;
    emit ringChanged(ring_on, rings());
  }
  if (callerId() != caller_id_) {
    caller_id_ = callerId();
    if (caller_id_) {
      emit callerIdReceived();
    }
  }
  const auto current = tones_->current();
  const QString tone = off_hook && current ? tone_name(*current) : QString();
  if (tone != tone_) {
    tone_ = tone;
    emit toneChanged(tone);
  }
}

}  // namespace tipring::client
