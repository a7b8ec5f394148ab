"""Production notes are listed and kept, but no stage after the parser times, shows or voices them:
not the subtitle tracks, not the runtime, not the voiceover plan, not the talent's narration
script, not the report, not the alignment plan."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

from conftest import script
from typer.testing import CliRunner

from subtoolkit.align.plan import narration_blocks
from subtoolkit.cli import app
from subtoolkit.deliver.paperwork import captions_csv, narration_md
from subtoolkit.deliver.report import render_report
from subtoolkit.model import BlockKind
from subtoolkit.subtitles.profiles import load_profile
from subtoolkit.subtitles.timing import SpeechModel, estimate, plan_block
from subtoolkit.subtitles.tracks import summarize
from subtoolkit.tts.voiceover import _requests

WITH_NOTES = """《运河人家》
记 者：周一帆，吴桐
[画面]
清晨河面、货船、石桥
[解说]
运河边的清晨总是来得早。（删：此句待核实）船工们已经在岸边等着。
【同期】船工 许阿根
这船我撑了四十年。
http://www.example.cn/canal
【解说】
太阳升起来了。
"""
WITHOUT_NOTES = """《运河人家》
[解说]
运河边的清晨总是来得早。船工们已经在岸边等着。
【同期】船工 许阿根
这船我撑了四十年。
【解说】
太阳升起来了。
"""
NOTE_WORDS = ("周一帆", "货船", "待核实", "example")


def _both():  # type: ignore[no-untyped-def]
    return script(WITH_NOTES), script(WITHOUT_NOTES)


def test_notes_are_blocks_but_get_no_cue_and_no_time() -> None:
    with_notes, without = _both()
    notes = [i for i, b in enumerate(with_notes.blocks) if b.kind is BlockKind.NOTE]
    assert len(notes) == 4
    profile = load_profile("netflix-zh-hans")
    tl = estimate(with_notes, profile)
    assert not any(c.block in notes for c in tl.cues)
    assert all(plan_block(i, with_notes.blocks[i], profile, SpeechModel.from_profile(profile)) == [] for i in notes)
    # the runtime is the same as for the script written without them
    assert summarize(with_notes, tl).runtime_ms == summarize(without, estimate(without, profile)).runtime_ms


def test_notes_stay_out_of_paperwork_report_voiceover_and_alignment() -> None:
    s, _ = _both()
    profile = load_profile("netflix-zh-hans")
    tl = estimate(s, profile)
    md = narration_md(s, tl)
    csv = captions_csv(s, tl)
    html = render_report(s, tl, profile=profile, problems=[], variants={}, audio_src=None, audio_note="")
    model = SpeechModel.from_profile(profile)
    planned = [p for i, b in enumerate(s.blocks) for p in plan_block(i, b, profile, model, Fraction(25))]
    requests = _requests(planned, s, voice="zh-CN-YunjianNeural", interview_voice=None, rate=0)
    spoken_text = "".join(r.text for r in requests)
    for word in NOTE_WORDS:
        assert word not in md and word not in csv and word not in spoken_text
        assert word not in json.dumps([c.to_json() for c in tl.cues], ensure_ascii=False)
    assert "船工们已经在岸边等着" in spoken_text and "note" in html  # counted in the header, never drawn
    assert all(s.blocks[i].kind is BlockKind.NARRATION for i in narration_blocks(s))


def test_parse_lists_notes_and_subtitles_leave_them_out(tmp_path: Path) -> None:
    src = tmp_path / "canal.txt"
    src.write_text(WITH_NOTES, encoding="utf-8")
    runner = CliRunner()
    r = runner.invoke(app, ["parse", str(src), "--json"])
    assert r.exit_code == 0, r.stderr
    kinds = [b["kind"] for b in json.loads(r.stdout)["blocks"]]
    assert kinds.count("note") == 4
    args = ["subtitles", str(src), "-o", str(tmp_path / "out"), "--format", "srt"]
    args += ["--include", "captions,headings,title"]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.stderr
    srt = next((tmp_path / "out").glob("*.srt")).read_text(encoding="utf-8")
    assert "运河边的清晨" in srt and not any(w in srt for w in NOTE_WORDS)
