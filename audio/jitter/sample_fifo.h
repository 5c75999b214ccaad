// SampleFifo: decoded audio waiting to be played (NetEq's "sync buffer", simplified): a
// fixed-capacity contiguous buffer with headroom at the front so that a pitch period can
// be inserted before the samples not yet played. Allocates only when constructed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace tipring::audio {

class SampleFifo {
public:
  SampleFifo(std::size_t capacity, std::size_t headroom);

  std::size_t size() const { return size_; }
  std::size_t free_space() const { return data_.size() - headroom_ - size_; }
  std::span<std::int16_t> samples() { return {data_.data() + begin_, size_}; }
  // Room for `count` new samples at the back; commit() makes them part of the FIFO.
  std::span<std::int16_t> reserve_back(std::size_t count);
  void commit(std::size_t count) { size_ += count; }
  void consume(std::size_t count);
  // Makes `count` (<= headroom) samples in front of samples() part of the FIFO.
  std::span<std::int16_t> grow_front(std::size_t count);
  void clear();

private:
  void compact();

  std::vector<std::int16_t> data_;
  std::size_t headroom_;
  std::size_t begin_;
  std::size_t size_ = 0;
};

}  // namespace tipring::audio
