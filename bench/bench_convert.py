"""What subtoolkit's conversion costs on top of OpenCC itself.

The reference is one bare ``opencc.OpenCC(config).convert`` pass over the same string in the same
run, so a slow or busy machine slows both sides and the ratio stays meaningful. Measured, for s2tw
and s2twp, on the sample script repeated to a few megabytes:

* ``text``: our converter (overrides dictionary in OpenCC's config, quote mapping) on the script;
* ``script file``: :func:`convert_script` (line ends kept, lengths counted) on the same script;
* ``srt file``: the script cut into 16-character subtitle lines, as an SRT file, through
  :func:`convert_srt` (text-level parsing, tags kept, each cue converted as one piece), against a
  bare pass over the whole SRT text;
* ``build``: constructing the converter (writing and loading our config) against OpenCC's own.

Times are the best of several runs. Run with ``.venv/bin/python bench/bench_convert.py``.

Recorded on the shared 2-core VM (Python 3.11, opencc 1.4.2, 23 overrides), ours/bare:

    config  text  script file  srt file  build
    s2tw    1.29  1.47         4.39      10.1  (49 ms vs 5 ms, once per process)
    s2twp   1.37  1.45         5.91      10.6

The text overhead is OpenCC's dictionary group with our entries first (~1.25×) plus the quote
pass; the SRT overhead is Python's line-by-line parse (OpenCC itself is one call for all cues).

Since ``convert`` reads subtitles with the project's strict reader (every timestamp parsed and
checked, so an unreadable cue is refused instead of converted around), the srt-file ratio on a
busy shared VM measured 6.5 (s2tw) and 7.8 (s2twp), against 3.4 and 5.9 for the older
line scan in a run beside it: about 35 µs per cue, ≈1.4 MB/s, still tens of milliseconds for a
feature-length file of 1,000 cues.
"""

from __future__ import annotations


import opencc

from subtoolkit.chinese.convert import Converter, get_converter, project_terms
from subtoolkit.chinese.files import convert_script, convert_srt

from common import best_of, script_of_size  # noqa: E402  (bench/common.py, beside this script)






def stamp(ms: int) -> str:
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def srt_of(text: str, width: int = 16) -> str:
    """Every paragraph cut into lines of ``width`` characters, two lines per cue."""
    out: list[str] = []
    n = 0
    for para in text.splitlines():
        chunks = [para[i : i + width] for i in range(0, len(para), width)]
        for i in range(0, len(chunks), 2):
            n += 1
            s, e = n * 2000, n * 2000 + 1800
            out.append(f"{n}\n{stamp(s)} --> {stamp(e)}\n" + "\n".join(chunks[i : i + 2]) + "\n\n")
    return "".join(out)


def measure(config: str, text: str, srt: str, mb_text: float, mb_srt: float) -> list[tuple[str, float, float, float]]:
    """(what, MB, bare seconds, our seconds) for one config."""
    bare = opencc.OpenCC(config)
    ours = get_converter(config)
    t_bare = best_of(lambda: bare.convert(text))
    return [
        ("text", mb_text, t_bare, best_of(lambda: ours.convert(text))),
        ("script file", mb_text, t_bare, best_of(lambda: convert_script(text, ours))),
        ("srt file", mb_srt, best_of(lambda: bare.convert(srt)), best_of(lambda: convert_srt(srt, ours))),
        ("build", 0.0, best_of(lambda: opencc.OpenCC(config)),
         best_of(lambda: Converter(config, terms=project_terms()))),
    ]


def main() -> None:
    text = script_of_size(4)
    srt = srt_of(text)
    mb_text = len(text.encode("utf-8")) / 1e6
    mb_srt = len(srt.encode("utf-8")) / 1e6
    print(f"sample script repeated to {mb_text:.1f} MB ({len(text):,} characters); as SRT {mb_srt:.1f} MB, "
          f"{srt.count(' --> '):,} cues")
    print(f"opencc {opencc.__version__}, {len(project_terms())} project overrides\n")
    print(f"{'config':<7} {'what':<13} {'MB':>5} {'bare s':>8} {'ours s':>8} {'ours/bare':>10}")
    for config in ("s2tw", "s2twp"):
        for what, mb, t_ref, t_ours in measure(config, text, srt, mb_text, mb_srt):
            size = f"{mb:5.1f}" if mb else "    -"
            print(f"{config:<7} {what:<13} {size} {t_ref:8.3f} {t_ours:8.3f} {t_ours / t_ref:10.2f}")
    print("\nratios > 1 are our overhead; 'build' is paid once per process and config (get_converter caches it)")


if __name__ == "__main__":
    main()
