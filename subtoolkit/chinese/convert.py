"""Simplified ↔ Traditional conversion: OpenCC plus the fixes a documentary needs.

Three things are added to a bare ``opencc.OpenCC(config)``:

* **Overrides.** OpenCC segments by maximum matching over its phrase list, so a phrase can swallow
  the first character of the next word (这只船只能 → 船隻能, 被发明 → 被髮明). The project dictionary
  ``assets/opencc/overrides.txt`` and the user's own dictionary (names, places) are put *first* in
  OpenCC's segmentation and in its first conversion group, through a config JSON of our own that
  references the wheel's ``.ocd2`` dictionaries by absolute path. Later stages of the chain (the
  Taiwan phrase stage of s2twp, the variant stages) get a protecting entry ``target → final form``
  so an override is not undone afterwards (s2twp would otherwise turn 的士兵 into 計程車兵).
* **Quotes.** OpenCC leaves punctuation alone; Taiwan and Hong Kong write 「」『』 where the
  mainland writes “”‘’, and the reverse configs map them back.
* **Facts the subtitle writer needs:** the BCP-47 tag a config produces and whether it keeps the
  number of characters (so line breaks computed on the Simplified text can be copied by index).

OpenCC is imported only when a converter is built. Converter objects wrap a C++ object and are not
picklable: build one per process with :func:`get_converter`, which caches per config and dictionary
content.
"""

from __future__ import annotations

import copy
import functools
import json
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from subtoolkit.chinese.configs import (  # re-exported: callers of the converter find them here too
    CONFIGS as CONFIGS,
    DEFAULT_CONFIG as DEFAULT_CONFIG,
    ConfigInfo as ConfigInfo,
    config_info as config_info,
)
from subtoolkit.errors import ConvertError
from subtoolkit.text.ingest import split_lines

# shipped in the wheel as subtoolkit.assets (the top-level assets/ folder of the checkout)
PROJECT_DICT: Traversable = files("subtoolkit.assets") / "opencc" / "overrides.txt"
REGIONS = ("TW", "HK")


# --- quotes -------------------------------------------------------------------------------------

_SINGLE_QUOTES = re.compile("[‘’]")
_TO_CURLY = str.maketrans({"「": "“", "」": "”", "『": "‘", "』": "’"})


def quotes_to_corner(text: str) -> str:
    """“” → 「」 always; ‘’ → 『』 only where they pair up.

    ’ is also the apostrophe of Latin text (Xi’an, don’t), and turning it into 』 would be a
    visible error, so only a ’ that closes an open ‘ is mapped, and never one between two Latin
    letters.

    >>> quotes_to_corner("他说：“这叫‘开小灶’，Xi’an 也有。”")
    '他说：「这叫『开小灶』，Xi’an 也有。」'
    """
    text = text.replace("“", "「").replace("”", "」")
    if "‘" not in text:
        return text
    # Only the single-quote marks are visited (a Python loop over every character of a
    # multi-megabyte script would cost more than OpenCC's whole pass).
    pairs: dict[int, str] = {}
    open_at: list[int] = []
    for m in _SINGLE_QUOTES.finditer(text):
        i = m.start()
        if m.group() == "‘":
            open_at.append(i)
        elif (0 < i < len(text) - 1 and text[i - 1].isascii() and text[i - 1].isalpha()
              and text[i + 1].isascii() and text[i + 1].isalpha()):
            continue  # an apostrophe inside a Latin word (Xi’an, don’t)
        elif open_at:
            pairs[open_at.pop()] = "『"
            pairs[i] = "』"
    pieces: list[str] = []
    at = 0
    for i in sorted(pairs):
        pieces.append(text[at:i])
        pieces.append(pairs[i])
        at = i + 1
    pieces.append(text[at:])
    return "".join(pieces)


def quotes_to_curly(text: str) -> str:
    """「」 → “”, 『』 → ‘’: corner brackets are never anything but quotes, so no pairing is needed."""
    return text.translate(_TO_CURLY)


def apply_quotes(text: str, style: str | None) -> str:
    if style == "corner":
        return quotes_to_corner(text)
    if style == "curly":
        return quotes_to_curly(text)
    return text


# --- dictionaries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One dictionary entry: Simplified ``source`` → Traditional ``target``, optionally for one region.

    ``origin`` is ``path:line`` so a conflict can point at both lines.
    """

    source: str
    target: str
    region: str | None = None
    origin: str = ""

    def applies_to(self, info: ConfigInfo) -> bool:
        return self.region is None or self.region == info.region


def parse_terms(text: str, *, path: str = "<dict>") -> tuple[Term, ...]:
    """Read the dictionary format: ``Simplified<TAB>Traditional[<TAB>TW|HK]``, ``#`` comments.

    Strict, because OpenCC itself would take a space in the target as a second candidate and drop
    it, and a malformed line silently doing nothing is the worst outcome for a name list.

    >>> parse_terms("# names\\n张勤岳\\t張勤岳\\n悉尼\\t雪梨\\tTW\\n")
    (Term(source='张勤岳', target='張勤岳', region=None, origin='<dict>:2'), Term(source='悉尼', target='雪梨',
    region='TW',
    origin='<dict>:3'))
    """
    terms: list[Term] = []
    seen: dict[tuple[str, str | None], Term] = {}
    for number, line in enumerate(split_lines(text.lstrip("\ufeff")), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        hint = "write Simplified<TAB>Traditional, optionally <TAB>TW or <TAB>HK"
        if len(fields) not in (2, 3):
            what = ("no tab between the Simplified and the Traditional term" if len(fields) == 1
                    else f"{len(fields)} tab-separated fields")
            raise ConvertError(what, path=path, line=number, hint=hint)
        source, target = fields[0].strip(), fields[1].strip()
        region = fields[2].strip().upper() if len(fields) == 3 and fields[2].strip() else None
        if not source or not target:
            raise ConvertError("empty term", path=path, line=number, hint=hint)
        if any(ch.isspace() for ch in source + target):
            raise ConvertError("a term contains a space", path=path, line=number,
                               hint="OpenCC dictionaries cannot hold spaces; split the entry")
        if region is not None and region not in REGIONS:
            raise ConvertError(f"unknown region {fields[2].strip()!r}", path=path, line=number,
                               hint="use TW or HK, or leave the column out")
        term = Term(source, target, region, f"{path}:{number}")
        earlier = seen.get((source, region))
        if earlier is not None:
            if earlier.target != target:
                raise ConvertError(
                    f"{source} is already mapped to {earlier.target} at line {earlier.origin.rsplit(':', 1)[1]}",
                    path=path,
                    line=number,
                    hint="keep one entry, or scope them to TW and HK",
                )
            continue
        seen[(source, region)] = term
        terms.append(term)
    return tuple(terms)


def load_terms(path: str | Path | Traversable) -> tuple[Term, ...]:
    """Read a dictionary file (UTF-8, with or without BOM)."""
    from subtoolkit import fsio

    source = None if isinstance(path, (str, Path)) else path
    text = fsio.read_user_text(str(path), what="dictionary file", option="--dict", error=ConvertError, source=source)
    return parse_terms(text, path=str(path))


@functools.lru_cache(maxsize=1)
def project_terms() -> tuple[Term, ...]:
    """The shipped overrides (read once per process)."""
    if not PROJECT_DICT.is_file():
        raise ConvertError(
            "project dictionary missing", path=str(PROJECT_DICT), hint="reinstall subtoolkit; the package is incomplete"
        )
    return load_terms(PROJECT_DICT)


def merge_terms(project: Sequence[Term], user: Sequence[Term]) -> tuple[Term, ...]:
    """User entries replace project entries with the same source and region (the user knows the film)."""
    user_keys = {(t.source, t.region) for t in user}
    return tuple(t for t in project if (t.source, t.region) not in user_keys) + tuple(user)


# --- building the OpenCC config -----------------------------------------------------------------


def _share_dir() -> Path:
    import opencc

    return Path(opencc.__file__).resolve().parent / "clib" / "share" / "opencc"


@functools.cache
def _bare(config: str) -> Any:
    """A built-in OpenCC converter, unchanged (used for variant forms and as the benchmark reference)."""
    import opencc

    return opencc.OpenCC(config)


def _absolute_files(node: Any, share: Path) -> None:
    """Point every ``ocd2`` reference at the wheel, since our config lives in a temporary folder."""
    if isinstance(node, dict):
        if node.get("type") == "ocd2" and "file" in node:
            node["file"] = str(share / node["file"])
        for value in node.values():
            _absolute_files(value, share)
    elif isinstance(node, list):
        for value in node:
            _absolute_files(value, share)


def stage_tables(info: ConfigInfo, terms: Sequence[Term]) -> tuple[dict[str, str], dict[str, str]]:
    """The entries for the first stage (and segmentation) and for every later stage.

    Forward: ``source → target`` first, then ``target → final form`` so the Taiwan phrase and
    variant stages leave an overridden span alone but still apply 爲 → 為. Reverse: the Traditional
    forms (OpenCC standard and regional) map back to the source, and later stages keep it.
    """
    first: dict[str, str] = {}
    later: dict[str, str] = {}
    # Region-scoped entries come last so they replace an unscoped entry for the same source.
    applicable = sorted((t for t in terms if t.applies_to(info)), key=lambda t: t.region is not None)
    variant = _bare(info.variant_config).convert if info.variant_config else (lambda s: s)
    if not info.reverse:
        for t in applicable:
            first[t.source] = t.target
            later[t.target] = variant(t.target)
        return first, later
    origins: dict[str, Term] = {}
    for t in applicable:
        for key in dict.fromkeys((t.target, variant(t.target))):
            earlier = origins.get(key)
            if earlier is not None and earlier.source != t.source:
                raise ConvertError(
                    f"{key} maps back to both {earlier.source} ({earlier.origin}) and {t.source}",
                    path=t.origin.rsplit(":", 1)[0],
                    line=int(t.origin.rsplit(":", 1)[1]),
                    hint=f"{info.name} cannot choose; keep one of the entries or scope them to a region",
                )
            origins[key] = t
            first[key] = t.source
        later[t.source] = t.source
    return first, later


def _write_dict(path: Path, table: dict[str, str]) -> None:
    lines = [f"{k}\t{v}\n" for k, v in sorted(table.items())]
    path.write_text("".join(lines), encoding="utf-8")


def _ours_first(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    # short_circuit: at each position our dictionary decides when it has a match at all, even if
    # OpenCC's phrase list holds a longer one starting there (that is what an override means).
    return {"type": "group", "match_policy": "short_circuit", "dicts": [ours, theirs]}


def build_config(info: ConfigInfo, terms: Sequence[Term], folder: Path, part: str = "all") -> Path:
    """Write our config for ``info`` (and its dictionaries) into ``folder``; return the JSON path.

    ``part`` = ``"first"`` keeps segmentation and the first stage only (characters, lengths kept);
    ``"rest"`` keeps the later stages only (the regional phrase and variant stages). Together they
    let :meth:`Converter.convert_lines` convert characters across a line break and wording per line.
    """
    share = _share_dir()
    source = share / f"{info.name}.json"
    try:
        base = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConvertError(f"cannot read OpenCC's config ({exc})", path=str(source),
                           hint="reinstall opencc==1.4.2") from None
    config = copy.deepcopy(base)
    _absolute_files(config, share)
    first, later = stage_tables(info, terms)
    _write_dict(folder / "first.txt", first)
    _write_dict(folder / "later.txt", later)
    first_dict = {"type": "text", "file": str(folder / "first.txt")}
    later_dict = {"type": "text", "file": str(folder / "later.txt")}
    if "segmentation" in config:
        config["segmentation"]["dict"] = _ours_first(first_dict, config["segmentation"]["dict"])
    chain = config["conversion_chain"]
    chain[0]["dict"] = _ours_first(first_dict, chain[0]["dict"])
    for stage in chain[1:]:
        stage["dict"] = _ours_first(later_dict, stage["dict"])
    if part == "first":
        del chain[1:]
    elif part == "rest":
        config.pop("segmentation", None)
        del chain[:1]
    config["name"] = f"subtoolkit: {base.get('name', info.name)} + overrides ({part})"
    path = folder / f"{info.name}.{part}.json"
    path.write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _build_opencc(info: ConfigInfo, terms: Sequence[Term], part: str = "all") -> Any:
    """Construct OpenCC from a generated config. OpenCC reads every file in its constructor, so the
    temporary folder is removed straight away and nothing accumulates in a cache directory."""
    import opencc

    with tempfile.TemporaryDirectory(prefix="subtoolkit-opencc-") as tmp:
        path = build_config(info, terms, Path(tmp), part)
        try:
            return opencc.OpenCC(str(path))
        except RuntimeError as exc:  # OpenCC reports every load failure as RuntimeError
            raise ConvertError(f"OpenCC rejected the generated {info.name} config: {exc}",
                               hint="check the dictionary entries") from None


# --- the converter ------------------------------------------------------------------------------


class Converter:
    """One config, with overrides and quote mapping. Build it with :func:`get_converter`.

    Not picklable (it wraps OpenCC's C++ object): worker processes build their own.
    """

    def __init__(self, config: str = DEFAULT_CONFIG, *, terms: Sequence[Term] = ()) -> None:
        self.info = config_info(config)
        self.terms = tuple(terms)
        self._opencc = _build_opencc(self.info, self.terms)
        self._split: tuple[Any, Any] | None = None
        self._preserves_length = self.info.preserves_length and all(
            len(t.source) == len(t.target) for t in self.terms if t.applies_to(self.info)
        )

    @property
    def config(self) -> str:
        return self.info.name

    @property
    def language_tag(self) -> str:
        return self.info.language_tag

    @property
    def preserves_length(self) -> bool:
        """True when every output has exactly as many characters as its input.

        A dictionary entry whose two sides differ in length breaks that even for s2tw, so it is
        counted (once, in the constructor) rather than assumed from the config name.
        """
        return self._preserves_length

    def convert(self, text: str) -> str:
        if not text:
            return text
        return apply_quotes(self._opencc.convert(text), self.info.quote_style)

    def convert_lines(self, lines: Iterable[str]) -> list[str]:
        """Convert pieces of one running text (the lines of a cue, the runs of a paragraph).

        Each piece keeps its place: piece *i* of the output is the conversion of piece *i*. When
        the config keeps lengths, the pieces are converted as one string and cut back at the same
        offsets, so a word split across a line break or a Word run (头|发) still converts as a
        word and quotes pair across lines. Under s2twp, a piece converts on its own unless a word
        crosses a boundary; then the characters are converted on the whole text (OpenCC's first
        stage keeps lengths) and only the Taiwan wording stage runs per piece, so 头|发 still
        becomes 頭|髮 and only a phrase split across pieces (互联|网) keeps mainland wording.
        """
        pieces = list(lines)
        if len(pieces) < 2:
            return [self.convert(p) for p in pieces]
        joined_in = "".join(pieces)
        if self.preserves_length:
            return _cut(self.convert(joined_in), pieces) or [self.convert(p) for p in pieces]
        each = [self.convert(p) for p in pieces]
        if "".join(each) == self.convert(joined_in):
            return each
        first, rest = self._stages()
        cut = _cut(apply_quotes(first.convert(joined_in), self.info.quote_style), pieces)
        if cut is None:  # a length-changing user entry in the first stage: offsets are lost
            return each
        return [rest.convert(c) if c else c for c in cut]

    def convert_groups(self, groups: Iterable[Sequence[str]]) -> list[list[str]]:
        """:meth:`convert_lines` for many groups (every cue of a file) with one OpenCC call.

        A call into OpenCC costs about as much as converting a subtitle line, so the groups are
        converted as one newline-joined string; no OpenCC phrase contains a line break, so the
        result is the one each group would get alone. Quotes are still paired within a group.
        """
        lists = [list(g) for g in groups]
        if any("\n" in p or "\r" in p for g in lists for p in g):
            return [self.convert_lines(g) for g in lists]
        whole = self._convert_many(["".join(g) for g in lists])
        if self.preserves_length:
            return [_cut(text, g) or self.convert_lines(g) for g, text in zip(lists, whole)]
        flat = self._convert_many([p for g in lists for p in g])
        out: list[list[str]] = []
        at = 0
        for g, text in zip(lists, whole):
            each = flat[at : at + len(g)]
            at += len(g)
            out.append(each if len(g) < 2 or "".join(each) == text else self.convert_lines(g))
        return out

    def _convert_many(self, texts: list[str]) -> list[str]:
        """``[self.convert(t) for t in texts]`` for newline-free texts, in one OpenCC call."""
        if not texts:
            return []
        converted = self._opencc.convert("\n".join(texts)).split("\n")
        if len(converted) != len(texts):  # pragma: no cover - OpenCC keeps every newline
            return [self.convert(t) for t in texts]
        return [apply_quotes(t, self.info.quote_style) for t in converted]

    def _stages(self) -> tuple[Any, Any]:
        if self._split is None:
            self._split = (_build_opencc(self.info, self.terms, "first"), _build_opencc(self.info, self.terms, "rest"))
        return self._split

    def __reduce__(self) -> tuple[Any, ...]:
        raise TypeError("Converter is not picklable (it wraps OpenCC's C++ object); call get_converter() in each "
                        "process")

    def __repr__(self) -> str:
        return f"Converter({self.config!r}, terms={len(self.terms)})"


def _cut(text: str, pieces: Sequence[str]) -> list[str] | None:
    """``text`` cut at the offsets of ``pieces``, or None when the lengths do not add up."""
    if len(text) != sum(map(len, pieces)):
        return None
    out: list[str] = []
    at = 0
    for p in pieces:
        out.append(text[at : at + len(p)])
        at += len(p)
    return out


@functools.lru_cache(maxsize=32)
def _cached(config: str, terms: tuple[Term, ...]) -> Converter:
    return Converter(config, terms=terms)


def get_converter(config: str = DEFAULT_CONFIG, *, user_dict: str | Path | None = None,
                  overrides: bool = True) -> Converter:
    """The converter for ``config`` with the project overrides and ``user_dict``, built once per process.

    The cache key is the dictionary *content*, so editing the user's file between calls is seen.
    ``overrides=False`` gives plain OpenCC plus quotes (for comparison and benchmarks).
    """
    config_info(config)
    terms = project_terms() if overrides else ()
    if user_dict is not None:
        terms = merge_terms(terms, load_terms(user_dict))
    return _cached(config, tuple(terms))


def convert_text(text: str, config: str = DEFAULT_CONFIG, *, user_dict: str | Path | None = None) -> str:
    """Convert ``text`` with ``config`` (overrides and quotes included).

    Convenient for one-off calls; it re-reads ``user_dict`` each time, so a loop over many texts
    should take :func:`get_converter` once and call its methods.
    """
    return get_converter(config, user_dict=user_dict).convert(text)


def convert_lines(lines: Iterable[str], config: str = DEFAULT_CONFIG, *,
                  user_dict: str | Path | None = None) -> list[str]:
    """Convert the display lines of one cue; see :meth:`Converter.convert_lines`."""
    return get_converter(config, user_dict=user_dict).convert_lines(lines)


def default_user_dict() -> Path:
    """Where the CLI looks for the user's dictionary when ``--dict`` is not given.

    ``$SUBTOOLKIT_DICT`` if set, else ``$XDG_CONFIG_HOME/subtoolkit/dict.txt`` (``~/.config/…``)
    on Linux; see :mod:`subtoolkit.paths`.
    """
    from subtoolkit.paths import user_dict_path

    return user_dict_path()
