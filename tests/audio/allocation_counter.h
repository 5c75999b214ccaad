// Counts heap allocations made through operator new, separately for threads that are
// inside the real-time audio callback (tipring::audio::in_audio_callback()). Linking
// allocation_counter.cpp into a test binary replaces the global operator new.
#pragma once

#include <cstdint>

namespace tipring::audio::testing {

std::uint64_t allocations_in_audio_callback();
std::uint64_t allocations_total();

}  // namespace tipring::audio::testing
