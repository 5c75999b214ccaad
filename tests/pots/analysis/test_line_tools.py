#!/usr/bin/env python3
"""`tipring-cli line-analyze` and `tipring-cli line-generate` as black boxes (issue 7 item 8
and its "Checked by" recordings):

* round trips: line-generate writes tones, DTMF, caller-ID bursts (Bell 202 SDMF/MDMF,
  type 2, V.23 ETSI, DTMF caller ID) and alerting tones; line-analyze finds each of them,
  checked field by field;
* bad input: missing, corrupt, non-8 kHz, non-mono and 8-bit files give a message that names
  the problem and exit code 4; bad command lines exit 2; the call options still work;
* independent recordings, not made by our generator: DTMF synthesised by sox at the ITU-T
  Q.24 edges (+-1.5 % accepted, +-3.5 % rejected, twist, 40 ms), speech from espeak-ng
  (talk-off: no digits), and spandsp's DTMF and ADSI transmitters (Bell 202 and V.23
  caller-ID bursts, ETSI CLIP-DTMF caller ID).

usage: test_line_tools.py TIPRING_CLI SPANDSP_RECORDER [unittest args]
"""
import json
import math
import shutil
import subprocess
import sys
import tempfile
import unittest
import wave
from pathlib import Path

CLI, RECORDER = (sys.argv.pop(1) for _ in range(2))
TIMEOUT_S = 60

LOW_HZ = [697, 770, 852, 941]
HIGH_HZ = [1209, 1336, 1477, 1633]
KEYS = ["123A", "456B", "789C", "*0#D"]
ALL_KEYS = "123A456B789C*0#D"


def key_frequencies(key):
    for row, keys in enumerate(KEYS):
        if key in keys:
            return LOW_HZ[row], HIGH_HZ[keys.index(key)]
    raise ValueError(key)


def dbm0_to_full_scale(dbm0):
    # ITU-T G.711: a full-scale sine is +3.14 dBm0.
    return 10 ** ((dbm0 - 3.14) / 20)


def run(*args, check=True):
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True,
                            timeout=TIMEOUT_S)
    if check and result.returncode != 0:
        raise AssertionError(f"{args[0]} exited {result.returncode}: {result.stderr}")
    return result


class LineToolCase(unittest.TestCase):
    def setUp(self):
        self._dir = tempfile.TemporaryDirectory(prefix="line-tools-")
        self.dir = Path(self._dir.name)

    def tearDown(self):
        self._dir.cleanup()

    def path(self, name):
        return self.dir / name

    def generate(self, *steps, plan=None):
        out = self.path(f"generated-{len(list(self.dir.iterdir()))}.wav")
        args = [CLI, "line-generate", "--output", out]
        if plan:
            args += ["--plan", plan]
        run(*args, *steps)
        return out

    def analyze(self, wav, plan=None):
        args = [CLI, "line-analyze", wav] + (["--plan", plan] if plan else [])
        result = run(*args)
        return json.loads(result.stdout)

    def keys(self, analysis):
        return "".join(d["key"] for d in analysis["dtmf"])


class RoundTrip(LineToolCase):
    """line-generate → line-analyze: what was written is found, where it was written."""

    def test_dtmf_keys_are_found_with_their_start_times(self):
        wav = self.generate("silence:300", "dtmf:159#:100:100", "silence:200",
                            "dtmf:*0D:60:60")
        analysis = self.analyze(wav)
        self.assertEqual(self.keys(analysis), "159#*0D")
        # 300 ms lead, 200 ms per key; the second string starts after 300+800+200 ms.
        expected = [300, 500, 700, 900, 1300, 1420, 1540]
        for digit, start in zip(analysis["dtmf"], expected):
            with self.subTest(key=digit["key"]):
                self.assertAlmostEqual(digit["start_ms"], start, delta=15)
        self.assertEqual(analysis["tones"], [])
        self.assertEqual(analysis["caller_id"], [])

    def test_progress_tones_of_each_plan_are_named(self):
        cases = [("US", "busy", 3000), ("US", "ringback", 13000), ("UK", "busy", 3000),
                 ("DE", "reorder", 2000), ("FR", "dial", 3000), ("JP", "ringback", 7000),
                 ("AU", "busy", 3000), ("ITU", "dial", 3000)]
        for plan, tone, ms in cases:
            with self.subTest(plan=plan, tone=tone):
                wav = self.generate("silence:500", f"tone:{tone}:{ms}", "silence:500", plan=plan)
                analysis = self.analyze(wav, plan=plan)
                self.assertEqual(analysis["tone_plan"], plan)
                self.assertEqual([t["tone"] for t in analysis["tones"]], [tone])
                self.assertAlmostEqual(analysis["tones"][0]["start_ms"], 500, delta=100)
                self.assertEqual(analysis["dtmf"], [])

    def test_fsk_caller_id_formats_decode_field_by_field(self):
        # (step, expected fields, start of the message type byte after the burst starts)
        type1_ms = (300 + 180) * 1000 / 1200  # seizure + marks at 1200 baud
        cases = [
            ("cid:mdmf:5551234:JOHN DOE:11260930",
             {"format": "mdmf", "number": "5551234", "name": "JOHN DOE", "when": "11-26 09:30"},
             type1_ms),
            ("cid:sdmf:2125550100::01021530",
             {"format": "sdmf", "number": "2125550100", "name": "", "when": "01-02 15:30"},
             type1_ms),
            ("cid:type2:4085551212:ALICE",
             {"format": "mdmf", "number": "4085551212", "name": "ALICE"}, 80 * 1000 / 1200),
            ("cid:etsi:0612345678:Jean Dupont",
             {"format": "mdmf", "number": "0612345678", "name": "Jean Dupont"}, type1_ms),
            ("cid:mdmf:P:O", {"format": "mdmf", "number": "", "number_absent": "P", "name": "",
                              "name_absent": "O"}, type1_ms),
        ]
        for step, fields, start_ms in cases:
            with self.subTest(step=step):
                analysis = self.analyze(self.generate("silence:500", step, "silence:300"))
                self.assertEqual(len(analysis["caller_id"]), 1, analysis)
                message = analysis["caller_id"][0]
                self.assertNotIn("error", message)
                for name, value in fields.items():
                    self.assertEqual(message.get(name), value, name)
                if "when" not in fields:
                    self.assertNotIn("when", message)
                self.assertAlmostEqual(message["start_ms"], 500 + start_ms, delta=10)
                self.assertEqual(analysis["dtmf"], [])

    def test_dtmf_caller_id_and_alerting_tone(self):
        analysis = self.analyze(self.generate("silence:200", "alert:80", "silence:300",
                                              "dtmf-cid:5551234", "silence:200",
                                              "dtmf-cid:P"))
        self.assertEqual(len(analysis["alerts"]), 1)
        self.assertAlmostEqual(analysis["alerts"][0]["start_ms"], 200, delta=15)
        self.assertAlmostEqual(analysis["alerts"][0]["duration_ms"], 80, delta=10)
        ids = analysis["dtmf_caller_id"]
        self.assertEqual([c["keys"] for c in ids], ["A5551234C", "B10C"])
        self.assertEqual(ids[0]["number"], "5551234")
        self.assertAlmostEqual(ids[0]["start_ms"], 580, delta=15)
        self.assertEqual(ids[1]["number"], "")
        self.assertEqual(ids[1]["number_absent"], "P")

    def test_generated_file_is_8khz_mono_16_bit_of_the_steps_length(self):
        wav = self.generate("silence:250", "dtmf:1", "tone:busy:500", plan="US")
        with wave.open(str(wav)) as w:
            self.assertEqual((w.getframerate(), w.getnchannels(), w.getsampwidth()),
                             (8000, 1, 2))
            self.assertEqual(w.getnframes(), (250 + 200 + 500) * 8)


class BadInput(LineToolCase):
    def write_wav(self, name, rate, channels, width=2, seconds=0.5):
        path = self.path(name)
        with wave.open(str(path), "wb") as w:
            w.setframerate(rate)
            w.setnchannels(channels)
            w.setsampwidth(width)
            w.writeframes(bytes(int(rate * seconds) * channels * width))
        return path

    def assert_rejected(self, wav, *phrases):
        result = run(CLI, "line-analyze", wav, check=False)
        self.assertEqual(result.returncode, 4, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertIn(str(wav), result.stderr)
        for phrase in phrases:
            self.assertIn(phrase, result.stderr)

    def test_missing_file(self):
        self.assert_rejected(self.path("absent.wav"), "no such file")

    def test_sample_rate_other_than_8khz(self):
        self.assert_rejected(self.write_wav("wideband.wav", 16000, 1),
                             "sample rate is 16000 Hz", "8000 Hz")

    def test_stereo(self):
        self.assert_rejected(self.write_wav("stereo.wav", 8000, 2), "has 2 channels", "mono")

    def test_8_bit_samples(self):
        self.assert_rejected(self.write_wav("8bit.wav", 8000, 1, width=1), "16-bit PCM")

    def test_corrupt_files(self):
        cases = {"text.wav": b"this is not audio\n" * 10,
                 "truncated.wav": b"RIFF\x24\x00\x00\x00WAVEfmt ",
                 "empty.wav": b""}
        for name, content in cases.items():
            with self.subTest(name=name):
                path = self.path(name)
                path.write_bytes(content)
                self.assert_rejected(path, "not a usable WAV file")

    def test_bad_command_lines_exit_2_naming_the_argument(self):
        cases = [(["line-analyze"], "needs a WAV file"),
                 (["line-analyze", "--plan", "XX", "a.wav"], "unknown tone plan 'XX'"),
                 (["line-generate", "dtmf:12"], "needs --output"),
                 (["line-generate", "-o", "x.wav"], "at least one step"),
                 (["line-generate", "-o", "x.wav", "dtmf:12E"], "dtmf takes keys"),
                 (["line-generate", "-o", "x.wav", "tone:hum:100"], "unknown tone 'hum'"),
                 (["line-generate", "-o", "x.wav", "cid:sdmf:123:BOB"], "SDMF carries no name"),
                 (["line-generate", "-o", "x.wav", "cid:mdmf:12:X:13011200"], "MMDDHHMM"),
                 (["line-generate", "-o", "x.wav", "silence:-5"], "milliseconds")]
        for args, phrase in cases:
            with self.subTest(args=args):
                result = run(CLI, *args, check=False)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn(phrase, result.stderr)

    def test_unwritable_output_exits_4(self):
        result = run(CLI, "line-generate", "-o", self.path("no/such/dir/x.wav"), "dtmf:1",
                     check=False)
        self.assertEqual(result.returncode, 4)
        self.assertIn("cannot write", result.stderr)

    def test_help_documents_every_step_and_the_call_options_are_untouched(self):
        generate_help = run(CLI, "line-generate", "--help").stdout
        for step in ["silence:MS", "tone:NAME:MS", "dtmf:KEYS", "cid:FORMAT", "sdmf", "mdmf",
                     "type2", "etsi", "dtmf-cid:NUMBER", "alert"]:
            self.assertIn(step, generate_help)
        self.assertIn("8000 Hz", run(CLI, "line-analyze", "--help").stdout)
        main_help = run(CLI, "--help").stdout
        self.assertIn("--account", main_help)
        self.assertIn("line-analyze", main_help)
        no_account = run(CLI, "--no-stdin", check=False)
        self.assertEqual(no_account.returncode, 2)
        self.assertIn("--account is required", no_account.stderr)


@unittest.skipIf(shutil.which("sox") is None, "sox is not installed")
class SoxDtmfAtQ24Edges(LineToolCase):
    """DTMF synthesised by sox, not by pots/: ITU-T Q.24 acceptance and rejection."""

    def sox_dtmf(self, keys, low_scale=1.0, high_scale=1.0, low_dbm0=-8.0, high_dbm0=-6.0,
                 on_ms=100, off_ms=100):
        parts = []
        for i, key in enumerate(keys):
            low, high = key_frequencies(key)
            part = self.path(f"key-{i}.wav")
            run("sox", "-n", "-r", "8000", "-b", "16", part, "synth", on_ms / 1000, "sine",
                low * low_scale, "sine", high * high_scale, "remix", "-m",
                f"1v{dbm0_to_full_scale(low_dbm0):.5f},2v{dbm0_to_full_scale(high_dbm0):.5f}",
                "pad", off_ms / 1000, off_ms / 1000)
            parts.append(part)
        out = self.path("sox-dtmf.wav")
        run("sox", *parts, out)
        return out

    def test_accepts_within_1_5_percent_deviation(self):
        for low, high in [(1.015, 1.015), (0.985, 0.985), (1.015, 0.985), (0.985, 1.015)]:
            with self.subTest(low=low, high=high):
                analysis = self.analyze(self.sox_dtmf(ALL_KEYS, low, high))
                self.assertEqual(self.keys(analysis), ALL_KEYS)

    def test_rejects_beyond_3_5_percent_deviation_of_either_tone(self):
        for low, high in [(1.035, 1.0), (0.965, 1.0), (1.0, 1.035), (1.0, 0.965)]:
            with self.subTest(low=low, high=high):
                self.assertEqual(self.keys(self.analyze(self.sox_dtmf(ALL_KEYS, low, high))), "")

    def test_twist_limits(self):
        cases = [(-10, -6, True, "normal twist +4 dB"), (-6, -14, True, "reverse twist -8 dB"),
                 (-25, -25, True, "-25 dBm0 per tone"), (-14, -6, False, "normal twist +8 dB"),
                 (-4, -16, False, "reverse twist -12 dB")]
        for low, high, accepted, name in cases:
            with self.subTest(name):
                keys = self.keys(self.analyze(self.sox_dtmf(ALL_KEYS, low_dbm0=low,
                                                            high_dbm0=high)))
                self.assertEqual(keys, ALL_KEYS if accepted else "")

    def test_duration_40_ms_accepted_20_ms_rejected(self):
        self.assertEqual(self.keys(self.analyze(self.sox_dtmf(ALL_KEYS, on_ms=40, off_ms=20))),
                         ALL_KEYS)  # 40 ms pauses: 20 ms after each key, 20 before the next
        self.assertEqual(self.keys(self.analyze(self.sox_dtmf(ALL_KEYS, on_ms=20, off_ms=50))),
                         "")

    def test_start_times_follow_the_recording(self):
        analysis = self.analyze(self.sox_dtmf("5739", on_ms=80, off_ms=60))
        self.assertEqual(self.keys(analysis), "5739")
        for i, digit in enumerate(analysis["dtmf"]):
            self.assertAlmostEqual(digit["start_ms"], 60 + i * 200, delta=15)


@unittest.skipIf(shutil.which("espeak-ng") is None or shutil.which("sox") is None,
                 "espeak-ng or sox is not installed")
class EspeakTalkOff(LineToolCase):
    """Speech must not produce digits (Q.24 talk-off)."""

    TEXTS = [
        ("en-us", "Please call me back at five five five, one two three four. Thank you, "
                  "and have a wonderful evening. The quick brown fox jumps over the lazy dog."),
        ("en", "Seven eight nine, zero, star, pound. She sells sea shells by the sea shore."),
        ("de", "Guten Tag, hier spricht der automatische Anrufbeantworter. Bitte sprechen Sie "
               "nach dem Signalton."),
        ("fr", "Bonjour, vous etes bien chez Pierre. Laissez un message apres le bip sonore."),
        ("en-us+f3", "Hello? Hello? Can you hear me? I am calling about your appointment."),
    ]

    def assert_is_speech(self, wav):
        # No digits from silence would prove nothing: the recording must be long and loud.
        with wave.open(str(wav)) as w:
            frames = w.readframes(w.getnframes())
            seconds = w.getnframes() / w.getframerate()
        samples = memoryview(frames).cast("h")
        rms = math.sqrt(sum(v * v for v in samples) / max(len(samples), 1))
        self.assertGreater(seconds, 2.0)
        self.assertGreater(rms, 1000)

    def test_speech_produces_no_digits(self):
        for voice, text in self.TEXTS:
            with self.subTest(voice=voice):
                raw = self.path("speech-raw.wav")
                wav = self.path("speech.wav")
                run("espeak-ng", "-v", voice, "-w", raw, text)
                run("sox", raw, "-r", "8000", "-c", "1", "-b", "16", wav, "norm", "-3")
                self.assert_is_speech(wav)
                analysis = self.analyze(wav)
                self.assertEqual(analysis["dtmf"], [], f"talk-off by {voice}")
                self.assertEqual(analysis["caller_id"], [])


@unittest.skipIf(shutil.which("sox") is None, "sox is not installed")
class SoxMusicTalkOff(LineToolCase):
    """Music must not produce digits either: plucked-string two-note chords (thirds, fifths,
    octaves, twelfths) stepping chromatically through the DTMF band, synthesised by sox."""

    def test_plucked_chords_produce_no_digits(self):
        parts = []
        # Semitones from A4 (440 Hz): notes from A3 (220 Hz) to E7 (2.6 kHz).
        for root in range(-12, 31):
            for interval in (i for i in (4, 7, 12, 19) if root + i <= 31):
                part = self.path(f"chord-{len(parts):04d}.wav")
                run("sox", "-n", "-r", "8000", "-b", "16", part, "synth", "0.15", "pluck",
                    f"%{root}", "pluck", f"%{root + interval}", "remix", "-m", "1v0.4,2v0.4")
                parts.append(part)
        music = self.path("music.wav")
        run("sox", *parts, music)
        with wave.open(str(music)) as w:
            self.assertGreater(w.getnframes(), 8000 * 15)
        self.assertEqual(self.analyze(music)["dtmf"], [])


class SpandspRecordings(LineToolCase):
    """spandsp's DTMF and ADSI transmitters (an independent implementation) → line-analyze."""

    def record(self, *args):
        out = self.path("spandsp.wav")
        run(RECORDER, args[0], out, *args[1:])
        return out

    def test_spandsp_dtmf_at_its_default_and_edge_levels(self):
        for low_dbm0, twist_db, on_ms, off_ms in [(-10, 2, 100, 100), (-10, 4, 50, 50),
                                                  (-6, -8, 40, 40), (-24, 0, 60, 60)]:
            with self.subTest(level=low_dbm0, twist=twist_db, on=on_ms):
                analysis = self.analyze(self.record("dtmf", ALL_KEYS, low_dbm0, twist_db,
                                                    on_ms, off_ms))
                self.assertEqual(self.keys(analysis), ALL_KEYS)
                self.assertAlmostEqual(analysis["dtmf"][0]["start_ms"], 100, delta=15)

    def test_spandsp_clip_dtmf_caller_id(self):
        cases = [("A5551234C", {"number": "5551234"}),
                 ("D0612345678#", {"number": "0612345678"}),
                 ("B10C", {"number": "", "number_absent": "P"}),
                 ("B00C", {"number": "", "number_absent": "O"})]
        for keys, fields in cases:
            with self.subTest(keys=keys):
                analysis = self.analyze(self.record("dtmf-cid", keys))
                self.assertEqual(self.keys(analysis), keys)
                self.assertEqual(len(analysis["dtmf_caller_id"]), 1, analysis)
                found = analysis["dtmf_caller_id"][0]
                self.assertEqual(found["keys"], keys)
                self.assertNotIn("error", found)
                for name, value in fields.items():
                    self.assertEqual(found.get(name), value, name)
                self.assertAlmostEqual(found["start_ms"], 100, delta=15)

    @staticmethod
    def mdmf(params):
        body = b"".join(bytes([kind, len(value)]) + value for kind, value in params)
        return (bytes([0x80, len(body)]) + body).hex()

    def test_spandsp_adsi_caller_id_bursts(self):
        when = (0x01, b"11260930")
        cases = [
            ("class", 300, 180, self.mdmf([when, (0x02, b"5551234"), (0x07, b"JOHN DOE")]),
             {"format": "mdmf", "when": "11-26 09:30", "number": "5551234",
              "name": "JOHN DOE"}),
            ("class", 300, 180, (bytes([0x04, 18]) + b"11260930" + b"2125550100").hex(),
             {"format": "sdmf", "when": "11-26 09:30", "number": "2125550100"}),
            ("class", 0, 80, self.mdmf([(0x02, b"4085551212"), (0x08, b"P")]),
             {"format": "mdmf", "number": "4085551212", "name": "", "name_absent": "P"}),
            ("clip", 300, 180, self.mdmf([when, (0x02, b"0612345678"),
                                          (0x07, b"Jean Dupont")]),
             {"format": "mdmf", "number": "0612345678", "name": "Jean Dupont"}),
            ("clip", 300, 180, self.mdmf([(0x04, b"O"), (0x08, b"O")]),
             {"format": "mdmf", "number": "", "number_absent": "O", "name_absent": "O"}),
        ]
        for standard, seizure, marks, message, fields in cases:
            with self.subTest(standard=standard, message=message):
                analysis = self.analyze(self.record("adsi", standard, seizure, marks, message))
                self.assertEqual(len(analysis["caller_id"]), 1, analysis)
                found = analysis["caller_id"][0]
                self.assertNotIn("error", found)
                for name, value in fields.items():
                    self.assertEqual(found.get(name), value, name)
                # 100 ms lead-in, then the preamble at 1200 baud.
                self.assertAlmostEqual(found["start_ms"], 100 + (seizure + marks) / 1.2,
                                       delta=10)
                self.assertEqual(analysis["dtmf"], [])


if __name__ == "__main__":
    unittest.main()
