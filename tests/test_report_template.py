"""report.html is rendered from templates shipped in the package, with every user text escaped."""

from __future__ import annotations

from importlib.resources import files

from conftest import script

from subtoolkit.deliver.report import render_report
from subtoolkit.subtitles.profiles import load_profile
from subtoolkit.subtitles.tracks import make_timeline


def test_templates_ship_inside_the_package() -> None:
    folder = files("subtoolkit") / "deliver" / "templates"
    assert {"report.html.j2", "report.css", "report.js"} <= {p.name for p in folder.iterdir()}


def test_user_text_is_escaped_and_our_code_is_not() -> None:
    parsed = script("""
        # <script>alert(1)</script>

        【解说】
        生命重于泰山 & <b>安全</b>。
    """)
    profile = load_profile()
    timeline = make_timeline(parsed, profile)
    page = render_report(parsed, timeline, profile=profile, problems=[], variants={}, audio_src='a"b.mp3',
                         audio_note="<i>note</i>", language_tag="zh-Hans")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<i>note</i>" not in page and "&lt;i&gt;note&lt;/i&gt;" in page
    assert 'src="a&#34;b.mp3"' in page
    assert "const DATA = JSON.parse(" in page and "c.lines.join('\\n')" in page  # the script, verbatim
    data = page.split('<script type="application/json" id="data">', 1)[1].split("</script>", 1)[0]
    assert page.count("<script") == 2 and "</" not in data  # the data cannot close its script element early
