"""``report.html``: one self-contained page a producer opens to see the film's shape.

No network and no CDN: styles, script and data are inline; the only other file the page touches is
the audio beside it. Runtime per section, a timeline strip (inline SVG, coloured by block kind),
speaking-rate and reading-speed figures, every validator problem, the speakers, and a player that
plays the scratch voiceover with the subtitle track (switchable between variants) in sync. The
player builds its text tracks from the embedded timelines with the browser's own TextTrack API, so
what the page shows is exactly what the JSON timeline says.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING

from subtoolkit.deliver.paperwork import block_spans, timecode
from subtoolkit.model import BlockKind, Script, Speaker, Timeline
from subtoolkit.subtitles.profiles import Profile
from subtoolkit.subtitles.segment import text_width
from subtoolkit.text.spoken import count_syllables
from subtoolkit.subtitles.tracks import summarize
from subtoolkit.subtitles.timecode import clock, parse_fps
from subtoolkit.subtitles.validate import Problem

if TYPE_CHECKING:
    from jinja2 import Environment
    from markupsafe import Markup

COLOURS = {
    "narration": "#4e79a7",
    "interview": "#59a14f",
    "caption": "#edc948",
    "heading": "#e15759",
    "title": "#b07aa1",
}


@dataclass(frozen=True)
class Figures:
    narration_syllables_per_s: float
    interview_syllables_per_s: float
    mean_reading_cps: float
    max_reading_cps: float
    max_reading_cue: int


def figures(script: Script, timeline: Timeline) -> Figures:
    """Speaking rate (syllables over shown time) per kind, and reading speed over dialogue cues."""
    def rate(kind: BlockKind) -> float:
        spans = [s for s in block_spans(script, timeline) if s.block.kind is kind]
        secs = sum(s.duration_ms for s in spans) / 1000
        return sum(count_syllables(s.block.text) for s in spans) / secs if secs else 0.0

    cps: list[tuple[float, int]] = []
    for i, c in enumerate(timeline.cues):
        if c.kind.spoken and c.end_ms > c.start_ms:
            cps.append((sum(text_width(l) for l in c.lines) / ((c.end_ms - c.start_ms) / 1000), i))
    mean = sum(v for v, _ in cps) / len(cps) if cps else 0.0
    top = max(cps) if cps else (0.0, -1)
    return Figures(rate(BlockKind.NARRATION), rate(BlockKind.INTERVIEW), mean, top[0], top[1])


def _track_json(timeline: Timeline) -> list[dict[str, object]]:
    return [
        {"start_ms": c.start_ms, "end_ms": c.end_ms, "block": c.block, "kind": c.kind.value, "lines": list(c.lines)}
        for c in sorted(timeline.cues, key=lambda c: c.start_ms)
        if c.kind.spoken
    ]


def _speaker_names(script: Script, timeline: Timeline) -> dict[Speaker, Speaker]:
    """Each script speaker as the track names them (a Traditional track's cues carry converted speakers)."""
    named: dict[Speaker, Speaker] = {}
    for c in timeline.cues:
        original = script.blocks[c.block].speaker
        if c.speaker is not None and original is not None:
            named.setdefault(original, c.speaker)
    return named


# Steps the time axis may use, in seconds: the smallest giving at most AXIS_TICKS labels wins.
AXIS_STEPS = (10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200)
AXIS_TICKS = 10
AXIS_LAST = 92  # % of the strip: a label of about 55 px still fits on a 700 px window
AXIS_LAST_PHONE = 85  # and on a 390 px phone


def _axis(t0: int, span: int) -> list[dict[str, object]]:
    """Time labels under the strip, each at its own time (the strip runs from ``t0`` over ``span`` ms).

    A label starts at its time, so one too near the right end would run off the strip: past
    :data:`AXIS_LAST` % there is none, and past :data:`AXIS_LAST_PHONE` % it is a ``tail`` that a
    phone hides, as it hides every other (``minor``) label, for which a narrow strip has no room.
    """
    step = next((s * 1000 for s in AXIS_STEPS if span / (s * 1000) <= AXIS_TICKS), AXIS_STEPS[-1] * 1000)
    first = -(-t0 // step) * step
    ticks: list[dict[str, object]] = []
    for n, t in enumerate(range(first, t0 + span + 1, step)):
        pct = (t - t0) / span * 100
        if pct > AXIS_LAST:
            break
        classes = " ".join(c for c in ("minor" if n % 2 else "", "tail" if pct > AXIS_LAST_PHONE else "") if c)
        ticks.append({"t": t, "classes": classes, "left": f"{pct:.3f}", "label": clock(t)})
    return ticks


@dataclass(frozen=True)
class _Rect:
    start: str
    x: str
    y: int
    w: str
    h: int
    fill: str
    label: str


def _svg_strip(script: Script, timeline: Timeline, width: int = 1000, height: int = 46) -> dict[str, object] | None:
    """The timeline strip's blocks, in the SVG's own units (the template draws them)."""
    spans = block_spans(script, timeline)
    if not spans:
        return None
    t0 = min(s.start_ms for s in spans)
    total = max(s.end_ms for s in spans) - t0 or 1
    fps = parse_fps(timeline.fps)
    rects = []
    for s in spans:
        kind = s.block.kind.value
        y, h = (0, height) if kind in ("heading", "title") else (8, height - 16)
        rects.append(_Rect(f"{s.start_ms / 1000:.3f}", f"{(s.start_ms - t0) / total * width:.2f}", y,
                           f"{max(s.duration_ms / total * width, 0.6):.2f}", h, COLOURS[kind],
                           f"{timecode(s.start_ms, fps, timeline.drop_frame)} {kind}: {s.block.text[:40]}"))
    return {"width": width, "height": height, "rects": rects}


@lru_cache(maxsize=1)
def _environment() -> Environment:
    """The report's templates, shipped inside the package (``deliver/templates``), HTML-escaped."""
    from jinja2 import Environment, FunctionLoader, StrictUndefined

    folder = files("subtoolkit") / "deliver" / "templates"
    return Environment(loader=FunctionLoader(lambda name: (folder / name).read_text(encoding="utf-8")),
                       autoescape=True, keep_trailing_newline=True, undefined=StrictUndefined)


def _asset(name: str) -> Markup:
    """A stylesheet or script inlined as it is (ours, not user text: nothing to escape)."""
    from markupsafe import Markup

    return Markup((files("subtoolkit") / "deliver" / "templates" / name).read_text(encoding="utf-8"))


def render_report(
    script: Script,
    timeline: Timeline,
    *,
    profile: Profile,
    problems: Sequence[Problem],
    variants: Mapping[str, Timeline],
    audio_src: str | None,
    audio_note: str,
    language_tag: str = "zh-Hans",
) -> str:
    """The whole page as one string. ``variants`` maps language tags to timelines of other scripts."""
    s = summarize(script, timeline)
    f = figures(script, timeline)
    fps = parse_fps(timeline.fps)
    title = script.title or "解说词"
    spans = block_spans(script, timeline)
    t0 = min((sp.start_ms for sp in spans), default=0)
    span_total = (max((sp.end_ms for sp in spans), default=1) - t0) or 1
    tracks = {language_tag: _track_json(timeline)}
    for tag, tl in variants.items():
        tracks[tag] = _track_json(tl)
    data = {"tracks": tracks, "default_track": language_tag, "t0": t0, "span": span_total, "audio": audio_src}

    speakers: dict[Speaker, list[int]] = {}
    first_at: dict[Speaker, int] = {}
    for sp in spans:
        if sp.block.kind is BlockKind.INTERVIEW and sp.block.speaker is not None:
            speakers.setdefault(sp.block.speaker, []).append(sp.duration_ms)
            first_at.setdefault(sp.block.speaker, sp.start_ms)
    counts: dict[str, int] = {}
    for b in script.blocks:
        counts[b.kind.value] = counts.get(b.kind.value, 0) + 1
    from markupsafe import Markup

    page = _environment().get_template("report.html.j2").render(
        title=title, blocks=len(script.blocks), kinds=", ".join(f"{v} {k}" for k, v in counts.items()),
        profile=profile.name, fps=f"{timeline.fps:g}",
        kpi={"runtime": clock(s.runtime_ms), "cues": s.dialogue_cues, "narration": f"{f.narration_syllables_per_s:.2f}",
             "interview": f"{f.interview_syllables_per_s:.2f}",
             "reading": f"{f.mean_reading_cps:.1f} / {f.max_reading_cps:.1f}",
             "reading_limit": f"{profile.max_reading_cps:g}"},
        audio_src=audio_src, audio_note=audio_note, strip=_svg_strip(script, timeline), colours=list(COLOURS.items()),
        sections=[{"name": sec.name, "start": clock(sec.start_ms), "runs": clock(sec.duration_ms), "cues": sec.cues}
                  for sec in s.sections],
        speakers=_speaker_bodies(script, timeline, variants, language_tag, speakers, first_at),
        axis=_axis(t0, span_total),
        problems=[{"severity": p.severity, "severity_class": "err" if p.severity == "error" else "warn",
                   "cue": p.cue + 1, "code": p.code, "message": p.message,
                   "timecode": timecode(timeline.cues[p.cue].start_ms, fps, timeline.drop_frame)
                   if 0 <= p.cue < len(timeline.cues) else ""}
                  for p in problems],
        data_json=Markup(json.dumps(data, ensure_ascii=False).replace("</", "<\\/")),  # no early </script>
        css=_asset("report.css"), js=_asset("report.js"),
    )
    return page


def _speaker_bodies(script: Script, timeline: Timeline, variants: Mapping[str, Timeline], language_tag: str,
                    speakers: dict[Speaker, list[int]], first_at: dict[Speaker, int]) -> list[dict[str, object]]:
    """One table body per track: a Traditional track names its speakers in Traditional characters."""
    fps = parse_fps(timeline.fps)
    bodies: list[dict[str, object]] = []
    for tag, tl in {language_tag: timeline, **variants}.items():
        named = _speaker_names(script, tl)
        rows = [{"name": named.get(k, k).name or "—", "role": named.get(k, k).role or "",
                 "first": timecode(first_at[k], fps, timeline.drop_frame), "times": len(v),
                 "seconds": f"{sum(v) / 1000:.0f}"} for k, v in speakers.items()]
        bodies.append({"tag": tag, "hidden": tag != language_tag, "rows": rows})
    return bodies
