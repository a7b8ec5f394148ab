"""Script lines → typed blocks: a pure, rule-based parser for 解说词 house styles.

How it works, in two steps:

1. :func:`classify` looks at one line and returns *items*: a marker (``【解说】``), a speaker label
   (``薛澜（清华大学教授）：``), a caption, a heading, or plain prose. Each convention is one
   ``rule_*`` function below with an example in its docstring; :data:`RULES` lists them in the
   order they are tried. A new house style usually needs one more rule there, nothing else.
2. :func:`parse_lines` walks the items with a small state machine (who is speaking, are we in a
   caption run) and emits :class:`~subtoolkit.model.Block` objects.

Everything the parser keeps out of block texts (markers, speaker labels, Word artefacts, the
trailing source note) is recorded in :attr:`Script.removed`, so a test can prove that no source
character is lost.

**Where an interview ends** (``interview_span``):

- ``"paragraph"``: a speaker line introduces exactly one paragraph; the next paragraph is narration
  again. This is how scripts that never mark narration explicitly are written (the sample script).
- ``"marker"``: speech runs until the next marker (narration marker, another speaker, a caption
  run, a heading). This is how scripts that write ``【解说】`` before every narration passage work.
- ``"auto"`` (default): ``"marker"`` when a narration marker appears *after* the first speaker or
  sync-sound marker — i.e. the document uses narration markers to end speech — else
  ``"paragraph"``. A lone ``解说词：`` at the top labels the document and does not count.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from subtoolkit.errors import Diagnostic, ScriptError
from subtoolkit.model import Block, BlockKind, Removed, Script, Speaker
from subtoolkit.text.names import looks_like_name, split_name_role

InterviewSpan = Literal["auto", "paragraph", "marker"]

# ---------------------------------------------------------------------------------------------
# Brackets

_CLOSERS = {"（": "））", "(": "）)", "【": "】", "[": "]］", "［": "］]", "〔": "〕", "〖": "〗"}
_OPENERS_BY_CLOSER: dict[str, str] = {}
for _o, _cs in _CLOSERS.items():
    for _c in _cs:
        _OPENERS_BY_CLOSER.setdefault(_c, "")
        _OPENERS_BY_CLOSER[_c] += _o

COLONS = "：:"
_NARRATION_WORDS = ("解说词", "解说", "配音", "画外音", "旁白")
_SYNC_WORDS = ("同期声", "同期", "采访", "现场声", "现场")
_HEADING_WORDS = ("序", "序幕", "片头", "片尾", "结语", "尾声", "引子", "开篇", "结束语", "后记")
_TITLE_WORDS = ("标题", "片名", "推出片名", "总标题")
_SUBTITLE_HEADING_WORDS = ("小标题", "章节", "段落标题")
_ROLE_LABELS = frozenset(("记者", "主持人", "村民", "群众", "工人", "男子", "女子", "市民", "居民", "游客", "患者"))

# Word artefacts that survive a .docx → text export.
_ARTEFACTS = re.compile(
    r"\[bookmark:[^\]]*\]"  # pandoc/Word "Save as text": [bookmark: _GoBack]
    r"|\[\]\{#[^}]*\}"  # pandoc markdown anchors: []{#_GoBack .anchor}
    r"|\{#_[A-Za-z0-9_]+[^}]*\}"
)
_SOURCE_NOTE = re.compile(r"[（(]\s*(?:来源|稿件来源|文章来源|本文来源|资料来源)\s*[：:][^（）()]*[）)]\s*$")
_SOURCE_LINE = re.compile(r"^(?:来源|稿件来源|文章来源|本文来源|资料来源)\s*[：:].*$")
_EPISODE = re.compile(r"^第[一二三四五六七八九十百零〇两0-9]+[集章部篇回节](?:[\s：:·].*)?$")
_TITLE_LINE = re.compile(r"^《([^《》]+)》(?:\s*(?:解说词|解说稿|文稿|脚本))?$")


def match_bracket(s: str, start: int) -> int | None:
    """Index of the bracket closing the one at ``start`` (nested, full- and half-width mixed).

    >>> s = "辛鸣（中央党校（国家行政学院）教授）："
    >>> s[match_bracket(s, 2)]
    '）'
    >>> match_bracket("【字幕", 0) is None
    True
    """
    stack: list[str] = []
    for i in range(start, len(s)):
        ch = s[i]
        if ch in _CLOSERS:
            stack.append(ch)
        elif ch in _OPENERS_BY_CLOSER and stack:
            if stack[-1] in _OPENERS_BY_CLOSER[ch]:
                stack.pop()
                if not stack:
                    return i
    return None


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch).startswith("P") and ch not in "·•・"


def has_punctuation(s: str) -> bool:
    return any(_is_punct(ch) for ch in s)


def _strip_colon(s: str) -> tuple[str, str]:
    """Split a leading colon (and spaces) off ``s``: returns ``(removed, rest)``."""
    m = re.match(r"^\s*[：:]?\s*", s)
    assert m is not None
    return m.group(0), s[m.end() :]


# ---------------------------------------------------------------------------------------------
# Items: what one line says


@dataclass(frozen=True)
class Item:
    """One thing a line says. ``removed`` is source text that belongs to no block."""

    kind: Literal["prose", "title", "heading", "caption", "caption_run", "narration", "speaker"]
    text: str = ""
    speaker: Speaker | None = None
    removed: tuple[tuple[str, str], ...] = ()  # (text, reason)


@dataclass(frozen=True)
class Context:
    """What the rules may know about the surroundings of a line."""

    expecting_speech: bool = False
    has_title: bool = False
    alone: bool = True  # the line is a paragraph of its own (not part of a wrapped paragraph)
    in_captions: bool = False  # inside a 【字幕】 run: short lines are captions, not headings


Rule = Callable[[str, Context], "list[Item] | None"]


def _marker(text: str, reason: str = "marker") -> tuple[tuple[str, str], ...]:
    return ((text, reason),) if text else ()


def _speaker_items(designation: str, rest: str, prefix: str) -> list[Item]:
    """Items for a sync/interview marker followed by ``rest`` on the same line.

    ``rest`` may be a speaker designation (``职务 姓名``), ``姓名：speech`` or the speech itself.
    """
    name, role = split_name_role(designation) if designation else (None, None)
    speaker = Speaker(name, role) if (name or role) else None
    removed = prefix
    rest_stripped = rest.strip()
    if speaker is None and rest_stripped:
        label = re.match(r"^([^：:，。！？]{1,24})[：:]\s*", rest_stripped)
        if label and not has_punctuation(label.group(1).replace(" ", "")):
            n, r = split_name_role(label.group(1))
            if n or (r and len(r) <= 12):
                speaker = Speaker(n, r)
                removed += rest[: rest.index(rest_stripped) + label.end()]
                rest_stripped = rest_stripped[label.end() :]
                return [Item("speaker", rest_stripped, speaker, _marker(removed, "speaker label"))]
        if not has_punctuation(rest_stripped) and len(rest_stripped) <= 20:
            n, r = split_name_role(rest_stripped)
            if n is not None:
                return [Item("speaker", "", Speaker(n, r), _marker(removed + rest, "speaker label"))]
    lead, body = _strip_colon(rest)
    return [Item("speaker", body.strip(), speaker, _marker(removed + lead, "speaker label"))]


def rule_bracket_marker(line: str, ctx: Context) -> list[Item] | None:
    """A line opening with a bracketed marker.

    ``【解说】…`` ``[解说]`` ``【配音】`` ``【画外音】`` → narration;
    ``［字幕］text`` ``[字幕：text]`` ``【字幕：text】`` ``【字幕】`` (alone: a caption run) → caption;
    ``【同期】姓名`` ``【同期】职务 姓名`` ``【同期声】…`` ``【采访】姓名 职务`` ``【采访·职务姓名】speech``
    → interview; ``【序】`` ``【片头】`` → heading; ``【标题】text`` ``【推出片名：第一集 历史之约】`` → title.
    """
    if not line or line[0] not in "【[［〔〖":
        return None
    end = match_bracket(line, 0)
    if end is None:
        known = "字幕|解说|配音|画外音|旁白|同期|采访|现场|标题|片名|推出片名|小标题|序|片头|片尾|结语|尾声"
        if re.match(rf"^[【\[［〔〖]\s*(?:{known})", line):
            raise ScriptError(
                f"unterminated bracket {line[0]!r} in marker",
                hint=f"close it with {_CLOSERS[line[0]][0]!r}",
            )
        return None
    marker, inner, rest = line[: end + 1], line[1:end].strip(), line[end + 1 :]
    word = re.match(r"^([^：:·・\s]+)\s*([：:·・\s]\s*)?(.*)$", inner, re.S)
    if word is None:
        return None
    head, tail = word.group(1), word.group(3)

    if head == "字幕":
        if tail:
            at = line.index(tail)
            removed = _marker(line[:at]) + _marker(line[at + len(tail) : end + 1])
            items = [Item("caption", tail.strip(), removed=removed)]
            if rest.strip():
                items += classify(rest.strip(), ctx)
            return items
        lead, body = _strip_colon(rest)
        if body.strip():
            return [Item("caption", body.strip(), removed=_marker(marker + lead))]
        return [Item("caption_run", removed=_marker(line))]
    if head in _NARRATION_WORDS and not tail:
        lead, body = _strip_colon(rest)
        return [Item("narration", body.strip(), removed=_marker(marker + lead))]
    if head in _SYNC_WORDS:
        if tail:  # 【采访·村支书王大明】speech
            return _speaker_items(tail, rest, marker)
        return _speaker_items("", rest, marker)
    if head in _HEADING_WORDS and not tail:
        items = [Item("heading", head, removed=_marker(line[0]) + _marker(line[end]))]
        if rest.strip():
            items += classify(rest.strip(), ctx)
        return items
    if head in _TITLE_WORDS or head in _SUBTITLE_HEADING_WORDS:
        kind: Literal["title", "heading"] = "title" if head in _TITLE_WORDS and not ctx.has_title else "heading"
        if tail:
            idx = line.index(tail)
            return [Item(kind, tail.strip(), removed=_marker(line[:idx]) + _marker(line[idx + len(tail) :]))]
        lead, body = _strip_colon(rest)
        if body.strip():
            body_s = body.strip()
            m = _TITLE_LINE.match(body_s)
            if m:  # 【标题】《片名》
                return [Item(kind, m.group(1),
                             removed=_marker(marker + lead + "《") + _marker(body_s[len(m.group(1)) + 1 :]))]
            return [Item(kind, body_s, removed=_marker(marker + lead))]
        return None
    return None


def rule_sync_plain(line: str, ctx: Context) -> list[Item] | None:
    """Sync sound without brackets: ``同期声（…）：`` ``同期声：`` ``同期声 姓名`` ``现场声：``."""
    m = re.match(r"^(同期声|同期|现场声|采访)(?=[（(：:\s]|$)", line)
    if m is None:
        return None
    after = line[m.end() :]
    if after[:1] in "（(":
        end = match_bracket(after, 0)
        if end is None:
            raise ScriptError("unterminated bracket in sync-sound label", hint="close the （ before the colon")
        designation = after[1:end]
        lead, body = _strip_colon(after[end + 1 :])
        name, role = split_name_role(designation)
        speaker = Speaker(name, role) if (name or role) else None
        return [Item("speaker", body.strip(), speaker, _marker(line[: m.end() + end + 1] + lead, "speaker label"))]
    if after[:1] in COLONS:
        return _speaker_items("", after[1:], line[: m.end() + 1])
    return _speaker_items("", after, line[: m.end()])


def rule_narration_plain(line: str, ctx: Context) -> list[Item] | None:
    """``解说词：`` ``解说：`` ``旁白：`` ``画外音：`` ``配音：`` with or without text after the colon."""
    m = re.match(r"^(?:解说词|解说|旁白|画外音|配音)\s*[：:]\s*", line)
    if m is None:
        return None
    return [Item("narration", line[m.end() :].strip(), removed=_marker(line[: m.end()]))]


def rule_markdown_heading(line: str, ctx: Context) -> list[Item] | None:
    """``# 《片名》`` / ``## 直面风险`` in a Markdown script: the first level-1 heading is the title."""
    m = re.match(r"^(#{1,6})\s+(.+?)\s*#*$", line)
    if m is None or not ctx.alone:
        return None
    body = m.group(2)
    t = _TITLE_LINE.match(body)
    text = t.group(1) if t else body
    kind: Literal["title", "heading"] = "title" if len(m.group(1)) == 1 and not ctx.has_title else "heading"
    start = line.index(text)
    return [Item(kind, text, removed=_marker(line[:start]) + _marker(line[start + len(text) :]))]


def rule_title(line: str, ctx: Context) -> list[Item] | None:
    """``《生命重于泰山》`` alone on a line is the film's title (a later one is a heading)."""
    m = _TITLE_LINE.match(line)
    if m is None or not ctx.alone:
        return None
    kind: Literal["title", "heading"] = "heading" if ctx.has_title else "title"
    return [Item(kind, m.group(1), removed=_marker("《") + _marker(line[len(m.group(1)) + 1 :]))]


def rule_episode(line: str, ctx: Context) -> list[Item] | None:
    """``第一集 历史之约``: an episode or chapter heading."""
    if (not ctx.alone or ctx.in_captions or len(line) > 30 or not _EPISODE.match(line)
            or re.search(r"[，。！？；]", line)):
        return None
    return [Item("heading", line)]


def rule_paren_heading(line: str, ctx: Context) -> list[Item] | None:
    """``（结语）``: a short bracketed label alone on a line is a section heading.

    When speech is expected (after a speaker line) ``（…）`` wraps the speech instead.
    """
    m = re.match(r"^[（(]([^（）()]{1,12})[）)]$", line)
    if m is None or ctx.expecting_speech or ctx.in_captions or not ctx.alone or has_punctuation(m.group(1)):
        return None
    return [Item("heading", m.group(1).strip(), removed=_marker(line[0]) + _marker(line[-1]))]


def rule_speaker_line(line: str, ctx: Context) -> list[Item] | None:
    """``薛澜（清华大学教授）：`` / ``张勤岳(原天嘉宜公司总经理、法定代表人)：`` / nested
    ``辛鸣（中央党校（国家行政学院）教授）：``, with the speech in the next paragraph or after the colon.
    """
    m = re.match(r"^([\u3400-\u9fffA-Za-z·•・]{1,10})\s*[（(]", line)
    if m is None:
        return None
    open_at = m.end() - 1
    end = match_bracket(line, open_at)
    if end is None:
        if re.search(r"[：:]\s*$", line) or (looks_like_name(m.group(1)) and any(c in line for c in COLONS)):
            raise ScriptError("unterminated bracket in speaker line", hint="close the （ before the colon")
        return None
    after = line[end + 1 :]
    colon = re.match(r"^\s*[：:]\s*", after)
    if colon is None:
        return None
    name = m.group(1)
    role = line[open_at + 1 : end].strip()
    if not (looks_like_name(name) or len(name) <= 4):
        return None
    label = line[: end + 1 + colon.end()]
    return [Item("speaker", after[colon.end() :].strip(), Speaker(name, role or None), _marker(label, "speaker label"))]


def rule_bare_name(line: str, ctx: Context) -> list[Item] | None:
    """``姓名：speech`` where the prefix is clearly a name (short, no punctuation, a surname).

    ``在忏悔录中，王珉写道：“……”`` is narration: the prefix has punctuation and ends in a verb.
    """
    m = re.match(r"^([^\s：:，。！？、；“”]{1,8})\s*[：:]\s*", line)
    if m is None:
        return None
    label = m.group(1)
    if looks_like_name(label):
        speaker = Speaker(label, None)
    elif label in _ROLE_LABELS:
        speaker = Speaker(None, label)
    else:
        return None
    return [Item("speaker", line[m.end() :].strip(), speaker, _marker(line[: m.end()], "speaker label"))]


def rule_short_heading(line: str, ctx: Context) -> list[Item] | None:
    """``直面风险``: a short line with no punctuation, alone, is a section heading."""
    if ctx.expecting_speech or ctx.in_captions or not ctx.alone:
        return None
    compact = line.replace(" ", "")
    if not (1 <= len(compact) <= 12) or has_punctuation(compact):
        return None
    if not re.search(r"[\u3400-\u9fff]", compact):
        return None
    return [Item("heading", line)]


RULES: tuple[Rule, ...] = (
    rule_bracket_marker,
    rule_sync_plain,
    rule_narration_plain,
    rule_markdown_heading,
    rule_title,
    rule_episode,
    rule_paren_heading,
    rule_speaker_line,
    rule_bare_name,
    rule_short_heading,
)


def classify(line: str, ctx: Context = Context()) -> list[Item]:
    """Items of one stripped, artefact-free line: the first rule that matches wins.

    >>> [i.kind for i in classify("【字幕：十八届中央纪委六次全会】习近平：要把权力关进制度的笼子里。")]
    ['caption', 'speaker']
    """
    for rule in RULES:
        items = rule(line, ctx)
        if items is not None:
            return items
    return [Item("prose", line)]


# ---------------------------------------------------------------------------------------------
# The walk


@dataclass
class _State:
    span: Literal["paragraph", "marker"]
    path: str | None
    blocks: list[Block] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    title: str | None = None
    section: str | None = None
    mode: Literal["narration", "interview", "caption"] = "narration"
    mode_before_captions: Literal["narration", "interview"] = "narration"
    speaker: Speaker | None = None
    pending: Speaker | None = None  # a speaker line waiting for its speech
    pending_line: int = 0
    pending_is_set: bool = False

    def emit(self, kind: BlockKind, text: str, first: int, last: int, speaker: Speaker | None = None) -> None:
        section = self.section
        if kind is BlockKind.TITLE:
            section = None
        self.blocks.append(Block(kind, text, first, last, speaker, section))

    def drop_pending(self, why: str) -> None:
        if self.pending_is_set:
            self.warnings.append(
                Diagnostic(
                    f"speaker line with no speech ({why})",
                    line=self.pending_line,
                    hint="put the speech in the next paragraph or after the colon",
                    path=self.path,
                )
            )
            self.pending_is_set = False
            self.pending = None


def _unwrap_speech(text: str) -> tuple[str, tuple[str, ...]]:
    """Speech written as ``（……）`` or ``[……]`` loses the wrapper (kept in ``removed``)."""
    if len(text) >= 2 and text[0] in "（([［" and match_bracket(text, 0) == len(text) - 1:
        return text[1:-1].strip(), (text[0], text[-1])
    return text, ()


def _join(parts: Sequence[str]) -> str:
    out = ""
    for p in parts:
        if out and out[-1].isascii() and out[-1].isalnum() and p[:1].isascii() and p[:1].isalnum():
            out += " "
        out += p
    return out


def _paragraphs(lines: Sequence[str]) -> list[list[int]]:
    """Group line indexes into paragraphs.

    Scripts either put one paragraph per line (the common Word export) or separate paragraphs with
    blank lines and may hard-wrap inside them. The second style is recognised when blank lines are
    at least half as many as the gaps between text lines.
    """
    content = [i for i, l in enumerate(lines) if l.strip()]
    if len(content) < 2:
        return [[i] for i in content]
    gaps = sum(1 for a, b in zip(content, content[1:]) if b - a > 1)
    blank_separated = gaps >= (len(content) - 1) / 2
    if not blank_separated:
        return [[i] for i in content]
    paras: list[list[int]] = []
    for i in content:
        if paras and paras[-1][-1] == i - 1:
            paras[-1].append(i)
        else:
            paras.append([i])
    return paras


def _clean(line: str) -> tuple[str, list[str]]:
    """Strip Word artefacts; returns the clean line and the artefacts removed."""
    found = _ARTEFACTS.findall(line)
    return _ARTEFACTS.sub("", line), found


def _decide_span(lines: Sequence[str]) -> Literal["paragraph", "marker"]:
    seen_speaker = False
    for raw in lines:
        line = _clean(raw)[0].strip()
        if not line:
            continue
        try:
            items = classify(line)
        except ScriptError:
            continue
        for it in items:
            if it.kind == "speaker":
                seen_speaker = True
            elif it.kind == "narration" and seen_speaker:
                return "marker"
    return "paragraph"


def parse_lines(
    lines: Sequence[str],
    *,
    path: str | None = None,
    interview_span: InterviewSpan = "auto",
) -> Script:
    """Parse normalised source lines (index 0 is line 1) into a :class:`Script`.

    Raises :class:`ScriptError` (with ``path`` and ``line``) for structure that cannot be
    recovered: an unterminated marker bracket, a speaker line at the very end with no speech.
    """
    span: Literal["paragraph", "marker"] = _decide_span(lines) if interview_span == "auto" else interview_span
    st = _State(span=span, path=path)
    cleaned: list[str] = []
    for n, raw in enumerate(lines, start=1):
        clean, artefacts = _clean(raw)
        for a in artefacts:
            st.removed.append(Removed(n, a, "word artefact"))
        cleaned.append(clean.strip())

    # The trailing source note: （来源：…） at the end of the last text line, or a 来源： line.
    last = max((i for i, l in enumerate(cleaned) if l), default=None)
    if last is not None:
        m = _SOURCE_NOTE.search(cleaned[last])
        if m and cleaned[last][: m.start()].strip():
            st.removed.append(Removed(last + 1, m.group(0).strip(), "source note"))
            cleaned[last] = cleaned[last][: m.start()].rstrip()
        elif m or _SOURCE_LINE.match(cleaned[last]):
            st.removed.append(Removed(last + 1, cleaned[last], "source note"))
            cleaned[last] = ""

    for para in _paragraphs(cleaned):
        alone = len(para) == 1
        prose: list[tuple[int, str]] = []
        for i in para:
            n = i + 1
            ctx = Context(
                expecting_speech=st.pending_is_set,
                has_title=st.title is not None,
                alone=alone,
                in_captions=st.mode == "caption",
            )
            try:
                items = classify(cleaned[i], ctx)
            except ScriptError as exc:
                raise ScriptError(exc.what, path=path, line=n, hint=exc.hint) from None
            for it in items:
                for text, reason in it.removed:
                    st.removed.append(Removed(n, text, reason))
                if it.kind == "prose":
                    prose.append((n, it.text))
                    continue
                _flush(st, prose)
                prose = []
                _apply(st, it, n)
        _flush(st, prose)
        # A blank line (or the end of a paragraph in blank-separated scripts) ends a caption run.
        if st.mode == "caption" and _next_is_blank(cleaned, para[-1]):
            st.mode = st.mode_before_captions

    if st.pending_is_set:
        raise ScriptError(
            "speaker line at the end of the script has no speech",
            path=path,
            line=st.pending_line,
            hint="add the speech after the speaker line or remove the line",
        )
    return Script(
        title=st.title,
        blocks=tuple(st.blocks),
        removed=tuple(st.removed),
        warnings=tuple(st.warnings),
        source=path,
    )


def _next_is_blank(cleaned: Sequence[str], i: int) -> bool:
    return i + 1 >= len(cleaned) or not cleaned[i + 1]


def _apply(st: _State, it: Item, n: int) -> None:
    if it.kind == "title":
        st.drop_pending("a title follows")
        if st.title is None:
            st.title = it.text
            st.emit(BlockKind.TITLE, it.text, n, n)
        else:
            st.section = it.text
            st.emit(BlockKind.HEADING, it.text, n, n)
        st.mode = "narration"
    elif it.kind == "heading":
        st.drop_pending("a heading follows")
        st.section = it.text
        st.emit(BlockKind.HEADING, it.text, n, n)
        st.mode = "narration"
    elif it.kind == "caption":
        st.emit(BlockKind.CAPTION, it.text, n, n)
    elif it.kind == "caption_run":
        if st.mode != "caption":
            st.mode_before_captions = "interview" if st.mode == "interview" else "narration"
        st.mode = "caption"
    elif it.kind == "narration":
        st.drop_pending("a narration marker follows")
        st.mode = "narration"
        st.speaker = None
        if it.text:
            st.emit(BlockKind.NARRATION, it.text, n, n)
    elif it.kind == "speaker":
        st.drop_pending("another speaker follows")
        if it.text:
            text, wrap = _unwrap_speech(it.text)
            for w in wrap:
                st.removed.append(Removed(n, w, "speech brackets"))
            st.emit(BlockKind.INTERVIEW, text, n, n, it.speaker)
            if st.span == "marker":
                st.mode, st.speaker = "interview", it.speaker
            else:
                st.mode, st.speaker = "narration", None
        else:
            st.pending, st.pending_line, st.pending_is_set = it.speaker, n, True
            st.mode = "narration" if st.span == "paragraph" else "interview"
            st.speaker = it.speaker


def _flush(st: _State, prose: list[tuple[int, str]]) -> None:
    if not prose:
        return
    text = _join([t for _, t in prose])
    first, last = prose[0][0], prose[-1][0]
    if st.pending_is_set:
        speaker = st.pending
        st.pending_is_set, st.pending = False, None
        text, wrap = _unwrap_speech(text)
        for w in wrap:
            st.removed.append(Removed(first, w, "speech brackets"))
        st.emit(BlockKind.INTERVIEW, text, first, last, speaker)
        if st.span == "paragraph":
            st.mode, st.speaker = "narration", None
    elif st.mode == "interview":
        st.emit(BlockKind.INTERVIEW, text, first, last, st.speaker)
    elif st.mode == "caption":
        for n, t in prose:
            st.emit(BlockKind.CAPTION, t, n, n)
    else:
        st.emit(BlockKind.NARRATION, text, first, last)


def parse_text(text: str, *, path: str | None = None, interview_span: InterviewSpan = "auto") -> Script:
    """Parse a script held in a string (tests and library users); see :func:`parse_lines`."""
    from subtoolkit.text.ingest import normalise_line, split_lines

    return parse_lines([normalise_line(l) for l in split_lines(text)], path=path, interview_span=interview_span)


def iter_spoken(script: Script) -> Iterable[tuple[int, Block]]:
    """Blocks that are heard (narration and interviews) with their index in ``script.blocks``."""
    return ((i, b) for i, b in enumerate(script.blocks) if b.kind.spoken)
