"""Writers on hand-made timelines: escaping, ordering, voice spans, limits, oracles."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from subtitle_helpers import node_validate

from subtoolkit.errors import TimelineError
from subtoolkit.subtitles.formats import get_format
from subtoolkit.subtitles.formats.ass import compose_ass
from subtoolkit.subtitles.formats.common import SPOKEN, TrackOptions, clock_ms
from subtoolkit.subtitles.formats.srt import compose_srt
from subtoolkit.subtitles.formats.vtt import compose_vtt
from subtoolkit.model import BlockKind, Cue, Speaker, Timeline

K = BlockKind


def tl(*cues: Cue) -> Timeline:
    return Timeline(tuple(cues), fps=25)


def test_vtt_escapes_and_voice_spans(tmp_path: Path) -> None:
    t = tl(
        Cue(0, K.NARRATION, ("a < b & c > d",), 0, 1000),
        Cue(1, K.INTERVIEW, ("我们<要>守住", "底线&红线"), 1080, 3000, Speaker("A&B<x>", "教授")),
    )
    text = compose_vtt(t)
    assert "a &lt; b &amp; c &gt; d" in text
    assert "<v A&amp;B&lt;x&gt;>我们&lt;要&gt;守住\n底线&amp;红线</v>" in text
    p = tmp_path / "x.vtt"
    p.write_text(text, encoding="utf-8")
    r = node_validate([p])[str(p)]
    assert r["errors"] == [] and len(r["cues"]) == 2


def test_tracks_are_sorted_and_filtered() -> None:
    t = tl(Cue(1, K.CAPTION, ("字幕",), 2000, 3000), Cue(0, K.NARRATION, ("后",), 5000, 6000),
           Cue(2, K.NARRATION, ("先",), 0, 1000))
    srt = compose_srt(t)
    assert srt.index("先") < srt.index("后") and "字幕" not in srt
    with_captions = compose_srt(t, TrackOptions(include=SPOKEN | {K.CAPTION}))
    assert with_captions.index("先") < with_captions.index("字幕") < with_captions.index("后")


def test_ass_escapes_override_syntax_and_refuses_overflow() -> None:
    t = tl(Cue(0, K.NARRATION, ("{\\b1}粗体\\N",), 0, 1000))
    text = compose_ass(t)
    assert "｛＼b1｝粗体＼N" in text
    with pytest.raises(TimelineError, match="9:59:59.99"):
        compose_ass(tl(Cue(0, K.NARRATION, ("晚",), 36_000_000, 36_001_000)))


def test_clock() -> None:
    assert clock_ms(0) == "00:00:00.000" and clock_ms(100 * 3_600_000, ",") == "100:00:00,000"


@given(st.lists(st.tuples(st.integers(0, 10_000_000), st.integers(1, 7000),
                          st.text(alphabet="安全生产责任abc<>&", min_size=1, max_size=10)), min_size=1, max_size=30))
def test_srt_round_trips_through_srt_package(items: list[tuple[int, int, str]]) -> None:
    import srt

    t = tl(*(Cue(i, K.NARRATION, (txt,), s, s + d) for i, (s, d, txt) in enumerate(items)))
    parsed = list(srt.parse(compose_srt(t) + "\n"))
    want = sorted(((s, s + d, txt) for s, d, txt in items), key=lambda x: (x[0], x[1]))
    got = [(round(p.start.total_seconds() * 1000), round(p.end.total_seconds() * 1000), p.content) for p in parsed]
    assert sorted(got) == sorted(want)
    assert [g[0] for g in got] == sorted(g[0] for g in got)


_LINE_TEXT = st.text(alphabet=st.sampled_from(list('安全生产abc<>&"\\\t\x00 🙂é，。')), max_size=12)
_CUES = st.lists(st.tuples(st.integers(-2000, 40_000_000), st.integers(0, 7000), st.sampled_from(list(K)),
                           st.lists(_LINE_TEXT, max_size=3).map(tuple)), max_size=20)


@given(_CUES, st.sampled_from([25.0, 29.97, 23.976, 24.0]), st.text(max_size=8))
def test_json_is_json_dumps_with_indent_1(items: list[tuple[int, int, BlockKind, tuple[str, ...]]], fps: float,
                                          name: str) -> None:
    """compose_json formats the cues itself; the text is json.dumps(indent=1)'s, to the byte."""
    import json

    from subtoolkit.subtitles.formats.json_timeline import compose_json

    t = Timeline(tuple(Cue(n, kind, lines, s, s + d) for n, (s, d, kind, lines) in enumerate(items)), fps=fps,
                 profile=name)
    data = t.to_json()
    data["cues"].sort(key=lambda c: (c["start_ms"], c["end_ms"]))
    assert compose_json(t) == json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def test_registry() -> None:
    assert get_format("vtt").suffix == ".vtt"
    with pytest.raises(Exception, match="unknown subtitle format"):
        get_format("sub")


# Cues as the writers may meet them: any kind, times past 100 h and below zero, lines with what
# each format escapes (& < > for VTT, \ { } for ASS, quotes and control characters for JSON).
_SPEAKERS = st.one_of(st.none(), st.builds(Speaker, st.one_of(st.none(), st.text("甲乙<&>\n ", max_size=4)),
                                           st.one_of(st.none(), st.text("教授&>", max_size=3))))
_ANY_CUES = st.lists(st.tuples(st.integers(-2000, 400_000_000), st.integers(0, 7000), st.sampled_from(list(K)),
                               st.lists(_LINE_TEXT, max_size=3).map(tuple), _SPEAKERS), max_size=20)


def _any_timeline(items: list[tuple[int, int, BlockKind, tuple[str, ...], Speaker | None]]) -> Timeline:
    return tl(*(Cue(n, kind, lines, s, s + d, spk) for n, (s, d, kind, lines, spk) in enumerate(items)))


@given(_ANY_CUES, st.sampled_from([SPOKEN, frozenset(K)]))
@example([(-1, 1, K.NARRATION, ("负",), None), (-3_600_001, 2, K.INTERVIEW, (), Speaker("甲"))], SPOKEN)
def test_srt_is_the_text_of_a_new_pysrt_item_per_cue(items: list[tuple[int, int, BlockKind, tuple[str, ...],
                                                                         Speaker | None]],
                                                      include: frozenset[BlockKind]) -> None:
    """compose_srt refills one item and formats its times itself; the text is that of a fresh pysrt
    item per cue with pysrt's own times, negative times (written as zero) included."""
    import pysrt

    t = _any_timeline(items)
    cues = sorted((c for c in t.cues if c.kind in include), key=lambda c: (c.start_ms, c.end_ms))
    want = "\n".join(str(pysrt.SubRipItem(n, start=pysrt.SubRipTime.from_ordinal(c.start_ms),
                                          end=pysrt.SubRipTime.from_ordinal(c.end_ms), text="\n".join(c.lines)))
                     for n, c in enumerate(cues, start=1))
    assert compose_srt(t, TrackOptions(include=include)) == want


def _vtt_line_by_line(t: Timeline, include: frozenset[BlockKind]) -> str:
    """WebVTT as written before the writer formatted whole cues: clock_ms twice, each line escaped."""
    from subtoolkit.subtitles.formats.vtt import escape

    out = ["WEBVTT", ""]
    for n, cue in enumerate(sorted((c for c in t.cues if c.kind in include), key=lambda c: (c.start_ms, c.end_ms)),
                            start=1):
        text = "\n".join(escape(l) for l in cue.lines)
        if cue.kind is K.INTERVIEW and cue.speaker is not None and cue.speaker.label:
            text = f"<v {escape(cue.speaker.label.replace(chr(10), ' ')).strip()}>{text}</v>"
        out += [str(n), f"{clock_ms(cue.start_ms)} --> {clock_ms(cue.end_ms)}", text, ""]
    return "\n".join(out)


@given(_ANY_CUES, st.sampled_from([SPOKEN, frozenset(K)]))
def test_vtt_is_the_line_by_line_text(items: list[tuple[int, int, BlockKind, tuple[str, ...], Speaker | None]],
                                      include: frozenset[BlockKind]) -> None:
    t = _any_timeline(items)
    try:
        want = _vtt_line_by_line(t, include)
    except ValueError:
        with pytest.raises(ValueError, match="negative time"):
            compose_vtt(t, TrackOptions(include=include))
        return
    assert compose_vtt(t, TrackOptions(include=include)) == want


@given(st.integers(0, 10**12), st.sampled_from([".", ","]))
def test_clock_is_hours_minutes_seconds_milliseconds(ms: int, sep: str) -> None:
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, milli = divmod(rem, 1000)
    assert clock_ms(ms, sep) == f"{h:02d}:{m:02d}:{s:02d}{sep}{milli:03d}"


@given(st.lists(st.text(alphabet='甲乙\\{}N\n', max_size=6), max_size=4))
def test_ass_text_escapes_each_line(lines: list[str]) -> None:
    from subtoolkit.subtitles.formats.ass import ass_text

    assert ass_text(lines) == r"\N".join(l.replace("\\", "＼").replace("{", "｛").replace("}", "｝") for l in lines)
