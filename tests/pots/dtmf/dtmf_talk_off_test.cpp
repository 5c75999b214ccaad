// Talk-off: speech and music must not produce DTMF keys (ITU-T Q.24 §4; the classic check
// is the Bellcore talk-off tape, for which espeak-ng speech and synthetic music stand in).
#include "pots/dtmf/dtmf_detector.h"
#include "pots/dtmf/dtmf_generator.h"
#include "test_signals.h"

#include <cmath>
#include <numbers>
#include <random>
#include <string>

#include <gtest/gtest.h>

namespace tipring::pots {
namespace {

using test::Buffer;

std::string detect(const Buffer& samples) {
  DtmfDetector detector;
  std::vector<DtmfDigit> digits;
  detector.process(samples, digits);
  std::string keys;
  for (const auto& d : digits) {
    keys += d.key;
  }
  return keys;
}

// A plucked note: fundamental plus decaying harmonics, like a piano or guitar.
void add_note(Buffer& out, std::size_t at, double hz, double dbm0, double ms) {
  const double amplitude = dbm0_to_amplitude(dbm0);
  const auto length = static_cast<std::size_t>(samples_from_ms(ms));
  constexpr double kHarmonicGain[] = {1.0, 0.5, 0.3, 0.2, 0.1};
  for (std::size_t n = 0; n < length && at + n < out.size(); ++n) {
    const double t = static_cast<double>(n) / kSampleRateHz;
    const double envelope = std::min(1.0, t / 0.01) * std::exp(-t * 2.0);
    double v = 0.0;
    for (std::size_t h = 0; h < 5; ++h) {
      const double f = hz * static_cast<double>(h + 1);
      if (f < 3800.0) {
        v += kHarmonicGain[h] * std::sin(2.0 * std::numbers::pi * f * t);
      }
    }
    out[at + n] = saturate(out[at + n] + amplitude * envelope * v);
  }
}

double midi_hz(int note) {
  return 440.0 * std::pow(2.0, (note - 69) / 12.0);
}

TEST(DtmfTalkOff, SpeechProducesNoKeys) {
  const std::vector<std::pair<std::string, std::string>> utterances = {
      {"en-us", "The quick brown fox jumps over the lazy dog. Please call me back at nine."},
      {"en+f3", "Hello, this is an automated message about your account balance and payment."},
      {"en+m3", "One two three four five six seven eight nine zero, star, pound."},
      {"de",
       "Guten Tag, hier spricht der Anrufbeantworter. Bitte hinterlassen Sie eine Nachricht."},
      {"fr", "Bonjour, veuillez patienter, votre correspondant va vous repondre."},
      {"en+f4", "Aaaaah eeeeee ooooh, singing a long vowel higher and higher."},
  };
  std::size_t total_samples = 0;
  for (const auto& [voice, text] : utterances) {
    auto spoken = test::speech(text, voice);
    if (!spoken) {
      GTEST_SKIP() << "espeak-ng is not available";
    }
    total_samples += spoken->size();
    EXPECT_EQ(detect(*spoken), "") << voice << ": " << text;
    // Louder speech (+6 dB) and speech with line noise.
    test::apply_gain(*spoken, 6.0);
    test::add_noise(*spoken, -40.0, 3);
    EXPECT_EQ(detect(*spoken), "") << voice << " louder: " << text;
  }
  EXPECT_GT(ms_from_samples(static_cast<std::int64_t>(total_samples)), 20000.0);
}

TEST(DtmfTalkOff, SpeechDoesNotHideRealKeys) {
  auto spoken = test::speech("Please enter your account number now.", "en-us");
  if (!spoken) {
    GTEST_SKIP() << "espeak-ng is not available";
  }
  const Buffer signal = test::concat({*spoken, generate_dtmf("4711", {}), *spoken});
  EXPECT_EQ(detect(signal), "4711");
}

TEST(DtmfTalkOff, ChordsOfHarmonicNotesProduceNoKeys) {
  std::mt19937 rng(2024);
  std::uniform_int_distribution<int> note(55, 90);  // G3 .. F#6
  std::uniform_int_distribution<int> voices(2, 4);
  std::uniform_real_distribution<double> length_ms(120.0, 400.0);
  Buffer music(static_cast<std::size_t>(samples_from_ms(60000)), 0);
  std::size_t at = 0;
  while (at < music.size()) {
    const double ms = length_ms(rng);
    const int count = voices(rng);
    for (int v = 0; v < count; ++v) {
      add_note(music, at, midi_hz(note(rng)), -16.0, ms * 1.5);
    }
    at += static_cast<std::size_t>(samples_from_ms(ms));
  }
  EXPECT_EQ(detect(music), "");
}

TEST(DtmfTalkOff, TwoNoteIntervalsNearKeyPairsAreRejectedByTheirHarmonics) {
  // F5 (698.5 Hz) and E6 (1318.5 Hz) sit within 1.5 % of key 2's pair; as pure sines they
  // would be a key, played as instrument notes their harmonics give them away.
  Buffer music(static_cast<std::size_t>(samples_from_ms(1500)), 0);
  add_note(music, 0, midi_hz(77), -10.0, 1400);
  add_note(music, 0, midi_hz(88), -10.0, 1400);
  EXPECT_EQ(detect(music), "");
  EXPECT_EQ(detect(test::tones({{midi_hz(77), -10.0}, {midi_hz(88), -10.0}}, 200)), "2")
      << "control: the same pair as pure sines";
}

TEST(DtmfTalkOff, SweepsProduceNoKeys) {
  for (double seconds : {0.5, 1.0, 3.0}) {
    for (bool up : {true, false}) {
      const double f0 = up ? 300.0 : 3400.0;
      const double f1 = up ? 3400.0 : 300.0;
      const auto length = static_cast<std::size_t>(seconds * kSampleRateHz);
      Buffer sweep(length);
      double phase = 0.0;
      for (std::size_t n = 0; n < length; ++n) {
        const double hz = f0 + (f1 - f0) * static_cast<double>(n) / static_cast<double>(length);
        phase += 2.0 * std::numbers::pi * hz / kSampleRateHz;
        sweep[n] = saturate(dbm0_to_amplitude(-6.0) * std::sin(phase));
      }
      EXPECT_EQ(detect(sweep), "") << seconds << " s " << (up ? "up" : "down");
      // A sweep over a held harmonic note.
      Buffer mixed = sweep;
      add_note(mixed, 0, midi_hz(79), -12.0, seconds * 1000.0);
      EXPECT_EQ(detect(mixed), "") << seconds << " s over a note";
    }
  }
}

}  // namespace
}  // namespace tipring::pots
