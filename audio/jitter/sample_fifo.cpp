#include "audio/jitter/sample_fifo.h"

#include <algorithm>

namespace tipring::audio {

SampleFifo::SampleFifo(std::size_t capacity, std::size_t headroom)
    : data_(capacity + headroom), headroom_(headroom), begin_(headroom) {}

std::span<std::int16_t> SampleFifo::reserve_back(std::size_t count) {
  if (begin_ + size_ + count > data_.size()) {
    compact();
  }
  count = std::min(count, data_.size() - begin_ - size_);
  return {data_.data() + begin_ + size_, count};
}

void SampleFifo::consume(std::size_t count) {
  count = std::min(count, size_);
  begin_ += count;
  size_ -= count;
  if (size_ == 0) {
    begin_ = headroom_;
  }
}

std::span<std::int16_t> SampleFifo::grow_front(std::size_t count) {
  if (begin_ < count) {
    compact();
  }
  count = std::min(count, begin_);
  begin_ -= count;
  size_ += count;
  return {data_.data() + begin_, count};
}

void SampleFifo::clear() {
  begin_ = headroom_;
  size_ = 0;
}

void SampleFifo::compact() {
  const auto first = data_.begin() + static_cast<std::ptrdiff_t>(begin_);
  const auto last = first + static_cast<std::ptrdiff_t>(size_);
  const auto destination = data_.begin() + static_cast<std::ptrdiff_t>(headroom_);
  if (begin_ > headroom_) {
    std::copy(first, last, destination);
  } else {
    std::copy_backward(first, last, destination + static_cast<std::ptrdiff_t>(size_));
  }
  begin_ = headroom_;
}

}  // namespace tipring::audio
