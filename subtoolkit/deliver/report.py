"""``report.html``: one self-contained page a producer opens to see the film's shape.

No network and no CDN: styles, script and data are inline; the only other file the page touches is
the audio beside it. Runtime per section, a timeline strip (inline SVG, coloured by block kind),
speaking-rate and reading-speed figures, every validator problem, the speakers, and a player that
plays the scratch voiceover with the subtitle track (switchable between variants) in sync. The
player builds its text tracks from the embedded timelines with the browser's own TextTrack API, so
what the page shows is exactly what the JSON timeline says.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from subtoolkit.deliver.paperwork import block_spans, timecode
from subtoolkit.model import BlockKind, Script, Speaker, Timeline
from subtoolkit.subtitles.profiles import Profile
from subtoolkit.subtitles.segment import text_width
from subtoolkit.text.spoken import count_syllables
from subtoolkit.subtitles.tracks import summarize
from subtoolkit.subtitles.timecode import clock, parse_fps
from subtoolkit.subtitles.validate import Problem

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


def _speaker_names(script: Script, timeline: Timeline) -> dict[Speaker, Speaker]:
    """Each script speaker as the track names them (a Traditional track's cues carry converted speakers)."""
    named: dict[Speaker, Speaker] = {}
    for c in timeline.cues:
        original = script.blocks[c.block].speaker
        if c.speaker is not None and original is not None:
            named.setdefault(original, c.speaker)
    return named


def _track_json(timeline: Timeline) -> list[dict[str, object]]:
    return [
        {"start_ms": c.start_ms, "end_ms": c.end_ms, "block": c.block, "kind": c.kind.value, "lines": list(c.lines)}
        for c in sorted(timeline.cues, key=lambda c: c.start_ms)
        if c.kind.spoken
    ]


def _svg_strip(script: Script, timeline: Timeline, width: int = 1000, height: int = 46) -> str:
    spans = block_spans(script, timeline)
    if not spans:
        return ""
    t0 = min(s.start_ms for s in spans)
    total = max(s.end_ms for s in spans) - t0 or 1
    fps = parse_fps(timeline.fps)
    rects = []
    for s in spans:
        x = (s.start_ms - t0) / total * width
        w = max(s.duration_ms / total * width, 0.6)
        kind = s.block.kind.value
        y, h = (0, height) if kind in ("heading", "title") else (8, height - 16)
        label = html.escape(f"{timecode(s.start_ms, fps)} {kind}: {s.block.text[:40]}")
        rects.append(
            f'<rect class="blk" data-start="{s.start_ms / 1000:.3f}" x="{x:.2f}" y="{y}" width="{w:.2f}" height="{h}" fill="{COLOURS[kind]}"><title>{label}</title></rect>'
        )
    return (
        f'<svg id="strip" viewBox="0 0 {width} {height}" preserveAspectRatio="none" role="img" '
        f'aria-label="timeline of the film by block kind">{"".join(rects)}'
        f'<line id="playhead" x1="0" x2="0" y1="0" y2="{height}" stroke="#000" stroke-width="1.5"/></svg>'
    )


_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#1f2a36;color:#fff;padding:18px 28px}header h1{margin:0;font-size:24px}header p{margin:4px 0 0;opacity:.8}
main{max-width:1100px;margin:0 auto;padding:8px 28px 40px}section{margin:22px 0}h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eee}th{background:#f0f0f0}
td.num{text-align:right;font-variant-numeric:tabular-nums}.big{font-size:30px;font-weight:600}
.kpis{display:flex;gap:28px;flex-wrap:wrap}.kpi{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:10px 16px}.kpi small{display:block;color:#666}
#strip{width:100%;height:56px;background:#fff;border:1px solid #ddd;cursor:pointer}.legend span{display:inline-block;margin-right:16px}.legend i{display:inline-block;width:12px;height:12px;margin-right:5px;vertical-align:-1px}
#screen{background:#111;color:#fff;min-height:110px;display:flex;align-items:flex-end;justify-content:center;padding:18px;border-radius:6px 6px 0 0;font-size:26px;text-align:center;white-space:pre-line}
#controls{background:#222;padding:8px;border-radius:0 0 6px 6px;display:flex;gap:12px;align-items:center}#controls audio{flex:1}#controls select{font-size:14px}
.warn{color:#8a5a00}.err{color:#b00020}.muted{color:#777}
"""

_JS = """
const DATA = JSON.parse(document.getElementById('data').textContent);
const audio = document.getElementById('player');
const screen = document.getElementById('screen');
const picker = document.getElementById('variant');
const tracks = {};
for (const [tag, cues] of Object.entries(DATA.tracks)) {
  const track = audio.addTextTrack('subtitles', tag, tag);
  cues.forEach((c, i) => {
    const cue = new VTTCue(c.start_ms / 1000, c.end_ms / 1000, c.lines.join('\\n'));
    cue.id = String(i);
    track.addCue(cue);
  });
  track.mode = 'disabled';
  track.addEventListener('cuechange', () => show());
  tracks[tag] = track;
  const opt = document.createElement('option');
  opt.value = tag; opt.textContent = tag; picker.appendChild(opt);
}
function current() { return tracks[picker.value]; }
function show() {
  const t = current();
  const active = t && t.activeCues ? Array.from(t.activeCues) : [];
  screen.textContent = active.map(c => c.text).join('\\n');
}
function choose(tag) {
  for (const [k, t] of Object.entries(tracks)) t.mode = (k === tag) ? 'hidden' : 'disabled';
  for (const body of document.querySelectorAll('tbody.speakers')) body.hidden = body.dataset.track !== tag;
  picker.value = tag; show();
}
picker.addEventListener('change', () => choose(picker.value));
choose(DATA.default_track);
const strip = document.getElementById('strip');
const head = document.getElementById('playhead');
audio.addEventListener('timeupdate', () => {
  const x = (audio.currentTime * 1000 - DATA.t0) / DATA.span * 1000;
  head.setAttribute('x1', x); head.setAttribute('x2', x);
});
if (strip) strip.addEventListener('click', (e) => {
  const r = strip.getBoundingClientRect();
  audio.currentTime = (DATA.t0 + (e.clientX - r.left) / r.width * DATA.span) / 1000;
});
window.subtoolkit = {tracks, choose, audio};
"""


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
    esc = html.escape
    title = script.title or "解说词"
    spans = block_spans(script, timeline)
    t0 = min((sp.start_ms for sp in spans), default=0)
    span_total = (max((sp.end_ms for sp in spans), default=1) - t0) or 1
    tracks = {language_tag: _track_json(timeline)}
    for tag, tl in variants.items():
        tracks[tag] = _track_json(tl)
    data = {"tracks": tracks, "default_track": language_tag, "t0": t0, "span": span_total}

    rows_sections = "".join(
        f"<tr><td>{esc(sec.name)}</td><td class=num>{clock(sec.start_ms)}</td><td class=num>{clock(sec.duration_ms)}</td><td class=num>{sec.cues}</td></tr>"
        for sec in s.sections
    )
    speakers: dict[Speaker, list[int]] = {}
    first_at: dict[Speaker, int] = {}
    for sp in spans:
        if sp.block.kind is BlockKind.INTERVIEW and sp.block.speaker is not None:
            speakers.setdefault(sp.block.speaker, []).append(sp.duration_ms)
            first_at.setdefault(sp.block.speaker, sp.start_ms)
    # one body per track: a Traditional track names its speakers in Traditional characters
    bodies = []
    for tag, tl in {language_tag: timeline, **variants}.items():
        named = _speaker_names(script, tl)
        rows = "".join(
            f"<tr><td>{esc(named.get(k, k).name or '—')}</td><td>{esc(named.get(k, k).role or '')}</td>"
            f"<td class=num>{timecode(first_at[k], fps)}</td><td class=num>{len(v)}</td>"
            f"<td class=num>{sum(v) / 1000:.0f} s</td></tr>"
            for k, v in speakers.items()
        )
        hidden = "" if tag == language_tag else " hidden"
        bodies.append(f'<tbody class="speakers" data-track="{esc(tag)}"{hidden}>{rows}</tbody>')
    rows_speakers = "".join(bodies)
    if problems:
        rows_problems = "".join(
            f"<tr class={'err' if p.severity == 'error' else 'warn'}><td>{p.severity}</td><td class=num>{p.cue + 1}</td>"
            f"<td class=num>{timecode(timeline.cues[p.cue].start_ms, fps) if 0 <= p.cue < len(timeline.cues) else ''}</td><td>{esc(p.code)}</td><td>{esc(p.message)}</td></tr>"
            for p in problems
        )
        problems_html = f"<table><tr><th>severity</th><th>cue</th><th>timecode</th><th>rule</th><th>detail</th></tr>{rows_problems}</table>"
    else:
        problems_html = f"<p>Every cue meets the <b>{esc(profile.name)}</b> profile: line width, lines, durations, gaps, frame grid, reading speed, punctuation.</p>"
    legend = "".join(f'<span><i style="background:{c}"></i>{k}</span>' for k, c in COLOURS.items())
    audio_html = (
        f'<audio id="player" controls preload="auto" src="{esc(audio_src)}"></audio>' if audio_src else '<audio id="player" controls></audio>'
    )
    counts: dict[str, int] = {}
    for b in script.blocks:
        counts[b.kind.value] = counts.get(b.kind.value, 0) + 1
    data_json = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")  # no early </script>
    return f"""<!doctype html>
<html lang="zh-Hans"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; media-src 'self' data: blob:; img-src data:">
<title>《{esc(title)}》 — subtoolkit report</title><style>{_CSS}</style></head>
<body><header><h1>《{esc(title)}》</h1><p>{len(script.blocks)} blocks · {', '.join(f'{v} {k}' for k, v in counts.items())} · profile {esc(profile.name)} · {timeline.fps:g} fps</p></header>
<main>
<section><div class="kpis">
<div class="kpi"><small>estimated runtime</small><span class="big" id="runtime">{clock(s.runtime_ms)}</span></div>
<div class="kpi"><small>subtitle cues (dialogue)</small><span class="big">{s.dialogue_cues}</span></div>
<div class="kpi"><small>narration pace</small><span class="big">{f.narration_syllables_per_s:.2f}</span> syllables/s</div>
<div class="kpi"><small>interview pace</small><span class="big">{f.interview_syllables_per_s:.2f}</span> syllables/s</div>
<div class="kpi"><small>reading speed, mean / max</small><span class="big">{f.mean_reading_cps:.1f} / {f.max_reading_cps:.1f}</span> chars/s (limit {profile.max_reading_cps:g})</div>
</div></section>
<section><h2>Player</h2>
<div id="screen" aria-live="polite"></div>
<div id="controls">{audio_html}<label>subtitles <select id="variant"></select></label></div>
<p class="muted">{esc(audio_note)}</p></section>
<section><h2>Timeline</h2>{_svg_strip(script, timeline)}<p class="legend">{legend}</p></section>
<section><h2>Runtime by section</h2><table><tr><th>section</th><th>starts</th><th>runs</th><th>cues</th></tr>{rows_sections}</table></section>
<section><h2>Speakers</h2><table><thead><tr><th>name</th><th>role</th><th>first appearance</th><th>appearances</th><th>on screen</th></tr></thead>{rows_speakers}</table></section>
<section><h2>Quality check</h2>{problems_html}</section>
</main>
<script type="application/json" id="data">{data_json}</script>
<script>{_JS}</script>
</body></html>
"""
