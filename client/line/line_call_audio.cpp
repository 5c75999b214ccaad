#include "client/line/line_call_audio.h"

#include <algorithm>

namespace tipring::client {
namespace {

// Playout queued beyond this is latency the line would never catch up on. The media
// pipeline keeps 30 ms queued and writes 10 ms frames, so normal operation stays below 40 ms;
// a bound near that would cut audio all the time.
constexpr std::size_t kMaxQueued48k = 10 * audio::kEngineFrame10ms;

}  // namespace

Result<LineCallAudio> LineCallAudio::create(std::shared_ptr<LineCallRings> rings) {
  auto up = audio::Resampler::create(8000, audio::kEngineRateHz, 5, false);
  auto down = audio::Resampler::create(audio::kEngineRateHz, 8000, 5, false);
  if (!up) {
    return tl::unexpected(up.error());
  }
  if (!down) {
    return tl::unexpected(down.error());
  }
  return LineCallAudio(std::move(rings), std::move(*up), std::move(*down));
}

void LineCallAudio::send(std::span<const std::int16_t> block_8k) {
  const auto done = up_.process(block_8k, scratch_);
  rings_->to_call.write(std::span<const std::int16_t>(scratch_).first(done.produced));
}

void LineCallAudio::receive(std::span<std::int16_t> block_8k) {
  if (const auto queued = rings_->from_call.size(); queued > kMaxQueued48k) {
    rings_->from_call.discard(queued - kMaxQueued48k);
  }
  const auto got = rings_->from_call.read(scratch_);
  std::fill(scratch_.begin() + static_cast<std::ptrdiff_t>(got), scratch_.end(), std::int16_t{0});
  const auto done = down_.process(scratch_, block_8k);
  std::fill(block_8k.begin() + static_cast<std::ptrdiff_t>(done.produced), block_8k.end(),
            std::int16_t{0});
}

void LineCallAudio::flush() {
  rings_->from_call.discard(rings_->from_call.size());
}

}  // namespace tipring::client
