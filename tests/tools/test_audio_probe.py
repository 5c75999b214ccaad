#!/usr/bin/env python3
"""audio_probe measures what it claims: a tone's frequency and level, silence as silence,
and a delayed copy of a signal as highly correlated while an unrelated one is not."""
import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

PROBE = sys.argv.pop(1) if len(sys.argv) > 1 else "audio_probe"


def sox(*args):
    subprocess.run(["sox", *map(str, args)], check=True, capture_output=True)


def probe(*args):
    r = subprocess.run([PROBE, *map(str, args)], capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


class AudioProbeTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.d = Path(self.dir.name)

    def tearDown(self):
        self.dir.cleanup()

    def test_tone_frequency_level_and_share(self):
        f = self.d / "tone.wav"
        sox("-n", "-r", 48000, "-b", 16, "-c", 1, f, "synth", 2, "sine", 1000, "vol", 0.5)
        r = probe("tone", f, "--freq", 1000, "--freq", 1500)
        self.assertAlmostEqual(r["dominant_hz"], 1000, delta=5)
        self.assertAlmostEqual(r["rms_dbfs"], -6.0, delta=0.5)
        self.assertGreater(r["tones"]["1000"]["share"], 0.95)
        self.assertLess(r["tones"]["1500"]["share"], 0.01)
        self.assertGreater(r["active_ratio"], 0.99)

    def test_silence_is_inactive(self):
        f = self.d / "silence.wav"
        sox("-n", "-r", 8000, "-b", 16, "-c", 1, f, "trim", 0, 1)
        r = probe("tone", f, "--freq", 1000)
        self.assertEqual(r["active_ratio"], 0)
        self.assertLess(r["rms_dbfs"], -80)  # sox dithers 16-bit silence

    def test_delayed_copy_correlates_and_noise_does_not(self):
        ref = self.d / "ref.wav"
        sox("-n", "-r", 48000, "-b", 16, "-c", 1, ref, "synth", 3, "pinknoise", "vol", 0.3)
        delayed = self.d / "delayed.wav"
        sox(ref, delayed, "pad", 0.37, 0, "repeat", 1)
        r = probe("correlate", ref, delayed, "--skip", 1, "--seconds", 2)
        self.assertGreater(r["max_corr"], 0.95)
        other = self.d / "other.wav"
        sox("-n", "-r", 48000, "-b", 16, "-c", 1, other, "synth", 3, "whitenoise", "vol", 0.3)
        r = probe("correlate", ref, other, "--skip", 0.5, "--seconds", 2)
        self.assertLess(r["max_corr"], 0.3)

    def test_rejects_non_wav(self):
        f = self.d / "x.wav"
        f.write_bytes(b"not a wav")
        r = subprocess.run([PROBE, "tone", f], capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn("not a RIFF/WAVE", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
