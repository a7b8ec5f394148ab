"""Fit the neural reference's mel → features map (``assets/neural-mel-map.txt``) and show how near it comes.

The map (see :mod:`subtoolkit.align.melref`) is fitted on the installed neural voice's phrases of
narration blocks that neither the tests nor the benchmarks read (the sample's blocks from
:data:`FIT_BLOCKS`), each rendered to its mel spectrogram and vocoded, the audio analysed as the
reference's audio is. It is then checked on blocks the benchmark does read: per frame, the
distance between the mel-derived and the vocoded reading's normalised cepstra, against the
distance between two unrelated frames, and the ends of the sound.

Run with ``.venv/bin/python bench/fit_mel_map.py [--write]``; ``--write`` replaces the shipped table.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "seeds" / "shengming-zhongyu-taishan.txt"
FIT_BLOCKS = slice(40, 70)
CHECK_BLOCKS = slice(0, 6)


def phrases(texts: list[str]) -> list[list[tuple[np.ndarray, np.ndarray, int]]]:
    """Per text: each phrase's mel, its vocoded audio and the pause after it (rate 0, the reference's)."""
    from subtoolkit.tts.neural import _default_engine, pace_for
    from subtoolkit.tts.pinyin import phrase_marks

    engine = _default_engine()
    out = []
    with engine.pool.runtime() as rt:
        for text in texts:
            reading = engine.reading(text)
            cue = []
            for k, phrase in enumerate(reading.phrases):
                mel, _ = rt.mel(phrase_marks(phrase), pace_for(0))
                cue.append((mel[0], rt.vocode(mel), phrase.pause_after_ms if k < len(reading.phrases) - 1 else 0))
            out.append(cue)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="write the fitted table into assets/")
    args = parser.parse_args()
    from subtoolkit.align.melref import MAP_FILE, distances_to_reading, features_from_mels, fit_map
    from subtoolkit.align.plan import block_text, narration_blocks
    from subtoolkit.align.reference import analyse_references, sound_edges
    from subtoolkit.text.ingest import read_source
    from subtoolkit.text.parse import parse_lines

    script = parse_lines(read_source(SAMPLE).lines)
    blocks = narration_blocks(script)
    fit = phrases([block_text(script.blocks[b]) for b in blocks[FIT_BLOCKS]])
    table = fit_map([(mel, audio) for cue in fit for mel, audio, _ in cue])
    print(f"fitted on {sum(len(c) for c in fit)} phrases of {len(fit)} blocks, "
          f"{sum(len(m) for c in fit for m, _, _ in c) * 0.0125 / 60:.1f} min")

    check = phrases([block_text(script.blocks[b]) for b in blocks[CHECK_BLOCKS]])
    dist, rand, edge, lead = [], [], [], []
    rng = np.random.default_rng(0)
    for cue in check:
        audio = np.concatenate([np.concatenate([a, np.zeros(int(p * 24), dtype=np.float32)]) for _, a, p in cue])
        ref = analyse_references([("", audio, 24000)])[0]
        frames, duration, onset, offset = features_from_mels([(m, p) for m, _, p in cue], table)
        assert len(frames) == len(ref.frames) and abs(duration - ref.duration_ms) < 0.1, (len(frames), len(ref.frames))
        d_near, d_far, _ = distances_to_reading(ref.frames, frames, rng)
        dist += list(d_near)
        rand += list(d_far)
        on, off = sound_edges(audio, 24000)
        edge += [onset - on, offset - off]
        # how long the sound runs before it clears a clean recording's threshold (45 dB under the
        # level): what a cue start on a pause rests on, mel-derived less vocoded
        level = float(np.percentile(ref.frames.energy_db, 97))
        first_voc = int(np.flatnonzero(ref.frames.energy_db > level - 45)[0]) * 10 - on
        first_mel = int(np.flatnonzero(frames.energy_db > level - 45)[0]) * 10 - onset
        lead.append(first_mel - first_voc)
    e = np.abs(edge)
    print(f"sound ends signed error: onsets mean {np.mean(edge[0::2]):+.1f} ms, "
          f"offsets mean {np.mean(edge[1::2]):+.1f} ms")
    print(f"checked on {len(check)} blocks: cepstral distance to the vocoded reading, median "
          f"{np.median(dist):.2f} (unrelated frames {np.median(rand):.2f}, "
          f"ratio {np.median(dist) / np.median(rand):.2f}); "
          f"sound ends |error| median {np.median(e):.1f} ms, max {e.max():.1f} ms; lead before a -45 dB "
          f"threshold, mel less vocoded: mean {np.mean(lead):+.1f} ms, max |{np.max(np.abs(lead)):.0f}| ms")
    if args.write:
        path = ROOT / "assets" / MAP_FILE
        head = ("# The neural reference's mel -> features map (subtoolkit/align/melref.py), fitted by\n"
                "# bench/fit_mel_map.py: 80 rows per mel frame read (the frame before, the frame, the frame\n"
                "# after), then the constant; columns: the analysis's 40 log mel bands, the energy (dB), the\n"
                "# 12.5 ms frame's loudness (dB). Then two rows: the predicted energy's quantiles and the\n"
                "# measured energy's (1 to 99 %, dB).\n")
        body = "\n".join(" ".join(f"{v:.7g}" for v in row) for row in table)
        path.write_text(head + body + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
