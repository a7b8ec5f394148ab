"""The neural voice's front end: script text to the syllables and prosody marks its model reads.

The acoustic model was trained on the Biaobei corpus's own transcription: each syllable as an
initial and a tone-numbered final, ``#0`` between the syllables of a prosodic word, ``#1`` between
prosodic words, ``#2`` between prosodic phrases, ``#3`` between intonational phrases (where the
corpus has commas), ``sil`` at both ends. The stages here produce exactly that, and nothing in
them touches audio, so they are tested on their own:

1. Normalisation through the project's own spoken forms (:func:`subtoolkit.tts.text.spoken_form`:
   ``1818年`` → 一八一八年, ``80.6%`` → 百分之八十点六), the readings the timing estimator counts.
2. Words: the user's pronunciation dictionary first (longest match), then jieba on the rest.
3. Pinyin per word from pypinyin's phrase dictionary, so polyphones follow the word (银行 yin2
   hang2, 行走 xing2 zou3, 重庆 chong2, 重要 zhong4, 朝阳区 chao2, 朝阳 zhao1).
4. Tone sandhi: 一 and 不 by the next syllable, a third tone before a third within a prosodic word.
5. Prosody: punctuation gives ``#3`` (，；：—) and ``#2`` (、), word boundaries ``#1`` after short
   words are grouped into prosodic words the way the corpus groups them (陪外孙, 玩滑梯).

Latin letters are read the way Mandarin speakers name them (A ei1, B bi4, W da2 bu5 liu1):
the model has no English phones. Dictionary readings and letters are taken as written, with no
sandhi applied: the user wrote what should be heard.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from subtoolkit.errors import VoiceError

FRONT_END_REVISION = 1
"""Bump when a change here could change what the voice says (it goes into the cache key)."""

MAX_SYLLABLES = 48
"""Longest stretch read in one model call. The corpus's sentences are mostly under 40 syllables;
a longer sentence is cut at its clause marks (then word boundaries) and read in pieces."""
SENTENCE_PAUSE_MS = 250
CLAUSE_PAUSE_MS = 120
"""Silence between the pieces of a long sentence cut at a comma (the model's own ``#3`` pause
inside a piece is about this long)."""

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_SYLLABLE = re.compile(r"^[a-zü]+[1-5]$")

LETTERS: dict[str, tuple[str, ...]] = {
    "A": ("ei1",),
    "B": ("bi4",),
    "C": ("xi1",),
    "D": ("di4",),
    "E": ("yi4",),
    "F": ("ai4", "fu5"),
    "G": ("ji4",),
    "H": ("ai4", "qi1"),
    "I": ("ai4",),
    "J": ("jie4",),
    "K": ("kai4",),
    "L": ("ai4", "le5"),
    "M": ("ai4", "mu5"),
    "N": ("en1",),
    "O": ("ou1",),
    "P": ("pi1",),
    "Q": ("qiu1",),
    "R": ("a4", "er5"),
    "S": ("ai4", "si1"),
    "T": ("ti4",),
    "U": ("you1",),
    "V": ("wei1",),
    "W": ("da2", "bu5", "liu1"),
    "X": ("ai4", "ke4", "si1"),
    "Y": ("wai4",),
    "Z": ("zei4",),
}
"""How a Mandarin narrator names Latin letters, in syllables the model has."""

BREAK_AFTER: dict[str, str] = {
    "，": "#3",
    ",": "#3",
    "；": "#3",
    ";": "#3",
    "：": "#3",
    ":": "#3",
    "—": "#3",
    "…": "#3",
    "、": "#2",
    "（": "#2",
    "）": "#2",
    "(": "#2",
    ")": "#2",
}
"""Prosody mark a punctuation mark stands for inside a sentence; any other mark (quotes, book
title marks, ·, spaces) is a plain word boundary, ``#1``."""

PARTICLES = frozenset("的地得了着过们吗呢吧啊呀嘛么")
"""One-syllable words that lean on the word before them (no boundary of their own)."""
_NUMERALS = frozenset("零〇一二两三四五六七八九十百千万亿")
_ERHUA_WORDS = frozenset(
    {"哪儿", "这儿", "那儿", "玩儿", "一点儿", "一会儿", "一块儿", "事儿", "活儿", "味儿", "模样儿"}
)
_ALIASES = {"n": "en", "ng": "en", "m": "mu", "hm": "hen", "hng": "heng", "ê": "ei", "yo": "you"}
"""Interjection syllables outside the table, read as their nearest neighbour (嗯 n2 → en2)."""
_RANK = {"": 0, "#0": 0, "#1": 1, "#2": 2, "#3": 3}


@dataclass(frozen=True)
class Syllable:
    """One syllable as read: tone-numbered pinyin after sandhi, and the text it reads."""

    pinyin: str
    text: str


@dataclass(frozen=True)
class Word:
    """A run the reader treats as one word; ``fixed`` readings (dictionary, letters) skip sandhi."""

    text: str
    syllables: tuple[Syllable, ...]
    fixed: bool = False


@dataclass(frozen=True)
class Phrase:
    """What one model call reads: prosodic words with the mark after each (the last has none),
    then ``pause_after_ms`` of silence before the next phrase of the same segment."""

    words: tuple[Word, ...]
    breaks: tuple[str, ...]
    pause_after_ms: int = 0
    text: str = ""
    ends_sentence: bool = True
    sentence: str = ""
    """On the last phrase of a sentence: the script's own text of the whole sentence."""

    @property
    def syllables(self) -> list[Syllable]:
        return [s for w in self.words for s in w.syllables]


@dataclass(frozen=True)
class Reading:
    """A segment's whole reading, sentence by sentence and piece by piece."""

    phrases: tuple[Phrase, ...]

    @property
    def pinyin(self) -> str:
        """The tone-numbered syllables as read, one space apart (what the manifest records)."""
        return " ".join(s.pinyin for p in self.phrases for s in p.syllables)

    def key(self) -> str:
        """Everything that decides the sound, as one string: the cache keys on it."""
        return " | ".join(f"{' '.join(phrase_marks(p))} +{p.pause_after_ms}" for p in self.phrases)


# --- pronunciation dictionary --------------------------------------------------------------------


@dataclass(frozen=True)
class PinyinEntry:
    word: str
    syllables: tuple[str, ...]
    origin: str = ""


def parse_pinyin_dict(text: str, *, path: str = "<pinyin>") -> tuple[PinyinEntry, ...]:
    """Read ``word<TAB>pinyin`` lines (``#`` comments), one tone-numbered syllable per character.

    The same shape as the terms file of ``convert --dict``; strict for the same reason: a line
    that silently does nothing is the worst outcome for a name list.

    >>> parse_pinyin_dict("# names\\n万俟\\tmo4 qi2\\n单田芳\\tshan4 tian2 fang1\\n")[0]
    PinyinEntry(word='万俟', syllables=('mo4', 'qi2'), origin='<pinyin>:2')
    """
    out: dict[str, PinyinEntry] = {}
    hint = "write word<TAB>pinyin with tone numbers, one syllable per character, e.g. 万俟<TAB>mo4 qi2"
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 2:
            what = (
                "no tab between the word and its pinyin" if len(fields) == 1 else f"{len(fields)} tab-separated fields"
            )
            raise VoiceError(what, path=path, line=number, hint=hint)
        word, reading = fields[0].strip(), fields[1].strip().lower().replace("u:", "ü").replace("ü", "v")
        syllables = tuple(reading.split())
        if not word or not syllables:
            raise VoiceError("empty entry", path=path, line=number, hint=hint)
        bad = [s for s in syllables if not _SYLLABLE.match(s) or _symbols_of(s) is None]
        if bad:
            raise VoiceError(
                f"{bad[0]!r} is not a tone-numbered pinyin syllable the voice knows", path=path, line=number, hint=hint
            )
        readable = [c for c in word if _HAN.match(c)]
        if len(readable) != len(syllables):
            raise VoiceError(
                f"{word} has {len(readable)} characters but {len(syllables)} syllables",
                path=path,
                line=number,
                hint=hint,
            )
        earlier = out.get(word)
        if earlier is not None and earlier.syllables != syllables:
            raise VoiceError(
                f"{word} is already read {' '.join(earlier.syllables)} at line {earlier.origin.rsplit(':', 1)[1]}",
                path=path,
                line=number,
                hint="keep one entry",
            )
        out[word] = PinyinEntry(word, syllables, f"{path}:{number}")
    return tuple(out.values())


def load_pinyin_dict(path: str | Path) -> tuple[PinyinEntry, ...]:
    """Read a pronunciation dictionary file (UTF-8, with or without BOM)."""
    from subtoolkit import fsio

    text = fsio.read_user_text(path, what="pronunciation dictionary", option="--pinyin", error=VoiceError)
    return parse_pinyin_dict(text, path=str(path))


def default_pinyin_dict() -> Path:
    """Where the CLI looks for the pronunciation dictionary when ``--pinyin`` is not given:
    ``$SUBTOOLKIT_PINYIN``, else ``pinyin.txt`` beside the terms dictionary
    (``$XDG_CONFIG_HOME/subtoolkit/pinyin.txt``, ``~/.config/…``)."""
    from subtoolkit.paths import user_pinyin_path

    return user_pinyin_path()


# --- symbols -------------------------------------------------------------------------------------


SYLLABLES = frozenset(
    """
a ai an ang ao ba bai ban bang bao be bei ben beng bi bian biao bie bin bing bo bu ca cai can cang cao ce cen
ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo ci cong
cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di dia dian diao die ding diu dong dou du duan dui
dun duo e ei en eng er fa fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua
guai guan guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji
jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua
kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu lo long
lou lu luan lue lun luo lv lve ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na
nai nan nang nao ne nei nen neng ni nia nian niang niao nie nin ning niu nong nou nu nuan nue nuo nv nve o
ou pa pai pan pang pao pe pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing
qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang sao se
sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si
song sou su suan sui sun suo ta tai tan tang tao te tei teng ti tian tiao tie ting tong tou tu tuan tui tun
tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan
yang yao ye yi yin ying yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang
zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun
zuo""".split()
)
"""The toneless syllables the voice can say: Standard Mandarin's, ü written v."""

_INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r", "z", "c", "s")
_ZERO_INITIAL = {
    "yi": "i",
    "ya": "ia",
    "ye": "ie",
    "yao": "iao",
    "you": "iou",
    "yan": "ian",
    "yin": "in",
    "yang": "iang",
    "ying": "ing",
    "yong": "iong",
    "wu": "u",
    "wa": "ua",
    "wo": "uo",
    "wai": "uai",
    "wei": "uei",
    "wan": "uan",
    "wen": "uen",
    "wang": "uang",
    "weng": "ueng",
    "yu": "v",
    "yue": "ve",
    "yuan": "van",
    "yun": "vn",
}


def split_syllable(base: str) -> tuple[str, str]:
    """A toneless syllable as (initial, final) in the corpus transcription's symbols: ``^`` for
    no initial, written-out finals (iu → iou, ui → uei, un → uen), ü after j/q/x, and ``ii``/``iii``
    for the apical vowels of zi/ci/si and zhi/chi/shi/ri.

    >>> [split_syllable(s) for s in ("hang", "yin", "jun", "liu", "shi", "zi", "lve", "wen")]
    [('h', 'ang'), ('^', 'in'), ('j', 'vn'), ('l', 'iou'), ('sh', 'iii'), ('z', 'ii'), ('l', 've'), ('^', 'uen')]
    """
    if base in _ZERO_INITIAL:
        return "^", _ZERO_INITIAL[base]
    ini = next((i for i in _INITIALS if base.startswith(i) and len(base) > len(i)), "^")
    fin = base[len(ini) :] if ini != "^" else base
    if ini in ("j", "q", "x") and fin.startswith("u"):
        fin = "v" + fin[1:]
    elif fin == "i" and ini in ("z", "c", "s"):
        fin = "ii"
    elif fin == "i" and ini in ("zh", "ch", "sh", "r"):
        fin = "iii"
    elif fin == "ue":
        fin = "ve"
    fin = {"iu": "iou", "ui": "uei", "un": "uen", "vn": "vn"}.get(fin, fin)
    return ini, fin


def _symbols_of(syllable: str) -> tuple[str, ...] | None:
    """The model symbols of one tone-numbered syllable (``hang2`` → ``h ang2``), erhua
    (``nar3``) as the corpus writes it (``n a3 er5``); None when the voice has no such syllable."""
    base, tone = syllable[:-1].replace("ü", "v"), syllable[-1]
    if tone not in "12345":
        return None
    base = _ALIASES.get(base, base)
    if base in SYLLABLES:
        ini, fin = split_syllable(base)
        return (ini, fin + tone)
    if base.endswith("r") and base[:-1] in SYLLABLES and base != "er":
        ini, fin = split_syllable(base[:-1])
        return (ini, fin + tone, "er5")
    return None


def phrase_marks(phrase: Phrase) -> list[str]:
    """The symbol sequence of a phrase, without the end marker: ``sil … sil``."""
    out = ["sil"]
    for k, word in enumerate(phrase.words):
        for j, syl in enumerate(word.syllables):
            symbols = _symbols_of(syl.pinyin)
            if symbols is None:  # parse_pinyin_dict and _word_syllables only let known syllables through
                raise VoiceError(
                    f"the voice has no syllable {syl.pinyin!r} (for “{syl.text}”)",
                    hint="fix the pronunciation dictionary entry",
                )
            out.extend(symbols)
            if j < len(word.syllables) - 1:
                out.append("#0")
        if k < len(phrase.words) - 1:
            out.append(phrase.breaks[k] or "#1")
    out.append("sil")
    return out


# --- words and readings --------------------------------------------------------------------------


def _jieba_cut() -> Callable[[str], list[str]]:
    """jieba's ``cut`` (HMM on): the subtitles' cutter over the sorted dictionary
    (:func:`subtoolkit.subtitles.words.cutter`), the same words as jieba's own tokenizer
    (``tests/test_words.py``) for 0.04 s of set-up instead of the 0.5 s jieba takes to load its
    prefix dictionary, and one dictionary in the process where a run needing both had two."""
    from subtoolkit.subtitles.words import cutter

    return cutter()


@lru_cache(maxsize=8192)
def _word_syllables(word: str) -> tuple[str, ...]:
    """pypinyin's reading of one word (its phrase dictionary decides polyphones), one per character."""
    from pypinyin import Style, lazy_pinyin

    out = lazy_pinyin(
        word, style=Style.TONE3, neutral_tone_with_five=True, errors=lambda chunk: ["?" + c for c in chunk]
    )
    result = []
    for ch, syl in zip(word, out):
        if syl.startswith("?") or _symbols_of(syl) is None:
            raise VoiceError(
                f"no reading for “{ch}” in “{word}”", hint=f"add it to the pronunciation dictionary: {ch}<TAB>pinyin"
            )
        result.append(syl)
    if len(out) != len(word):
        raise VoiceError(f"no reading for “{word}”", hint=f"add it to the pronunciation dictionary: {word}<TAB>pinyin")
    return tuple(result)


_Token = tuple[str, object]  # ("word", Word) or ("mark", str)


def _tokens(text: str, entries: dict[str, tuple[str, ...]], longest: int) -> list[_Token]:
    """Words and the break each punctuation mark stands for, in reading order."""
    out: list[_Token] = []
    han_run: list[str] = []
    latin_run: list[str] = []

    def flush_han() -> None:
        if han_run:
            for w in _jieba_cut()("".join(han_run)):
                syls = [Syllable(p, c) for p, c in zip(_word_syllables(w), w)]
                if len(w) > 1 and w[-1] == "儿" and (w in _ERHUA_WORDS or syls[-1].pinyin == "er5"):
                    last = syls[-2]  # 哪儿 na3 er2 → nar3: the corpus writes erhua on the syllable before
                    syls[-2:] = [Syllable(last.pinyin[:-1] + "r" + last.pinyin[-1], last.text + "儿")]
                out.append(("word", Word(w, tuple(syls))))
            han_run.clear()

    def flush_latin() -> None:
        if latin_run:
            letters = "".join(latin_run)
            syl = tuple(Syllable(p, ch) for ch in letters for p in LETTERS[ch.upper()])
            out.append(("word", Word(letters, syl, fixed=True)))
            latin_run.clear()

    i = 0
    n = len(text)
    while i < n:
        match = None
        for size in range(min(longest, n - i), 0, -1):
            if text[i : i + size] in entries:
                match = text[i : i + size]
                break
        if match is not None:
            flush_han()
            flush_latin()
            readable = [c for c in match if _HAN.match(c)]
            syl = tuple(Syllable(p, c) for p, c in zip(entries[match], readable))
            out.append(("word", Word(match, syl, fixed=True)))
            i += len(match)
            continue
        ch = text[i]
        if _HAN.match(ch):
            flush_latin()
            han_run.append(ch)
        elif ch.isascii() and ch.isalpha():
            flush_han()
            latin_run.append(ch)
        elif ch == " " and latin_run and i + 1 < n and text[i + 1].isascii() and text[i + 1].isalpha():
            pass  # spelled letters (W H O) stay one word
        else:
            flush_han()
            flush_latin()
            if unicodedata.category(ch)[0] in "LN":
                raise VoiceError(
                    f"no reading for “{ch}”", hint=f"add it to the pronunciation dictionary: {ch}<TAB>pinyin"
                )
            out.append(("mark", BREAK_AFTER.get(ch, "#1")))
        i += 1
    flush_han()
    flush_latin()
    return out


def _yi_bu(words: list[Word]) -> list[Word]:
    """一 and 不 by the syllable after them (their lexical tones yi1 and bu4 are the base).

    一 is yi4/yi2 before the units 百千万亿 (一百 yi4 bai3, 一万 yi2 wan4), keeps its first tone as a
    digit or ordinal (十一, 第一, 一九八一) and at the end of a word (统一, 唯一), is neutral between
    a repeated verb (看一看), and otherwise yi2 before a fourth (or neutral) tone and yi4 before the
    others. 不 is bu2 before a fourth tone and neutral between a repeated word (好不好).
    """
    flat = [(wi, si, s) for wi, w in enumerate(words) for si, s in enumerate(w.syllables)]
    tones = [s.pinyin for _, _, s in flat]
    for k, (wi, si, s) in enumerate(flat):
        if words[wi].fixed or s.text not in ("一", "不"):
            continue
        prev = flat[k - 1][2].text if k > 0 else ""
        nxt = flat[k + 1][2] if k + 1 < len(flat) else None
        if nxt is None:
            tones[k] = "yi1" if s.text == "一" else "bu4"
        elif s.text == "一" and nxt.text in "百千万亿":
            tones[k] = "yi2" if nxt.pinyin[-1] in "45" else "yi4"
        elif s.text == "一" and (prev == "第" or prev in _NUMERALS or nxt.text in _NUMERALS):
            tones[k] = "yi1"
        elif prev and prev == nxt.text:
            tones[k] = "yi5" if s.text == "一" else "bu5"
        elif s.text == "不":
            tones[k] = "bu2" if nxt.pinyin[-1] == "4" else "bu4"
        elif len(words[wi].syllables) > 1 and si == len(words[wi].syllables) - 1:
            tones[k] = "yi1"
        else:
            tones[k] = "yi2" if nxt.pinyin[-1] in "45" else "yi4"
    out = []
    k = 0
    for w in words:
        out.append(Word(w.text, tuple(Syllable(tones[k + j], s.text) for j, s in enumerate(w.syllables)), w.fixed))
        k += len(w.syllables)
    return out


def _third_tones(word: Word) -> Word:
    """Third tone before third inside a prosodic word: all but the last of a run become second
    (你好 ni2 hao3, 展览馆 zhan2 lan2 guan3)."""
    if word.fixed:
        return word
    syl = list(word.syllables)
    for j in range(len(syl) - 2, -1, -1):
        if syl[j].pinyin.endswith("3") and word.syllables[j + 1].pinyin.endswith("3"):
            syl[j] = Syllable(syl[j].pinyin[:-1] + "2", syl[j].text)
    return Word(word.text, tuple(syl), word.fixed)


def _prosodic_words(words: list[Word], marks: list[str]) -> tuple[list[Word], list[str]]:
    """Group lexical words into prosodic words, as the corpus groups them: particles lean on the
    word before; a one-syllable word joins the word after it when together they stay within three
    syllables (陪外孙); ``marks[i]`` is the mark after ``words[i]`` (punctuation), "" for none."""
    out: list[Word] = []
    out_marks: list[str] = []
    for w, mark in zip(words, marks):
        n = len(w.syllables)
        if out and not out_marks[-1] and not w.fixed and w.text in PARTICLES and n == 1:
            prev = out[-1]
            out[-1] = Word(prev.text + w.text, prev.syllables + w.syllables, prev.fixed)
            out_marks[-1] = mark
            continue
        if (
            out
            and not out_marks[-1]
            and len(out[-1].syllables) == 1
            and not out[-1].fixed
            and not w.fixed
            and n <= 2
            and out[-1].text not in PARTICLES
        ):
            prev = out[-1]
            out[-1] = Word(prev.text + w.text, prev.syllables + w.syllables)
            out_marks[-1] = mark
            continue
        out.append(w)
        out_marks.append(mark)
    return out, out_marks


def _chunks(words: list[Word], marks: list[str]) -> list[tuple[list[Word], list[str], str]]:
    """Cut a sentence into pieces of at most :data:`MAX_SYLLABLES`, at its strongest marks first."""
    total = sum(len(w.syllables) for w in words)
    if total <= MAX_SYLLABLES or len(words) < 2:
        return [(words, marks, "")]
    best = None
    running = 0
    for i in range(len(words) - 1):
        running += len(words[i].syllables)
        score = (_RANK.get(marks[i], 1), -abs(total / 2 - running))
        if best is None or score > best[0]:
            best = (score, i)
    assert best is not None
    cut = best[1] + 1
    left = _chunks(words[:cut], marks[:cut])
    right = _chunks(words[cut:], marks[cut:])
    last_words, last_marks, _ = left[-1]
    left[-1] = (last_words, last_marks, marks[cut - 1] or "#1")
    return left + right


def read(text: str, entries: Sequence[PinyinEntry] = ()) -> Reading:
    """The reading of a segment's text (see the module notes for the stages).

    >>> read("他还是去了银行。").pinyin
    'ta1 hai2 shi4 qu4 le5 yin2 hang2'
    >>> read("一定不是，你好").pinyin
    'yi2 ding4 bu2 shi4 ni2 hao3'
    """
    from subtoolkit.tts.text import spoken_form, split_sentences

    table = {e.word: e.syllables for e in entries}
    longest = max((len(w) for w in table), default=0)
    phrases: list[Phrase] = []
    for sentence in split_sentences(text):
        tokens = _tokens(spoken_form(sentence), table, longest)
        words: list[Word] = []
        marks: list[str] = []
        for kind, value in tokens:
            if kind == "word":
                words.append(value)  # type: ignore[arg-type]
                marks.append("")
            elif words:
                strongest = max(marks[-1], value, key=lambda m: _RANK.get(m, 0))  # type: ignore[arg-type]
                marks[-1] = strongest
        if not words:  # nothing to read (a stray symbol): its text joins the sentence before
            if phrases:
                phrases[-1] = replace(phrases[-1], sentence=phrases[-1].sentence + sentence)
            continue
        words, marks = _prosodic_words(_yi_bu(words), marks)
        words = [_third_tones(w) for w in words]
        pieces = _chunks(words, marks)
        for k, (ws, ms, cut_mark) in enumerate(pieces):
            last = k == len(pieces) - 1
            pause = (
                SENTENCE_PAUSE_MS
                if last
                else (CLAUSE_PAUSE_MS if _RANK.get(cut_mark, 1) >= 2 else CLAUSE_PAUSE_MS // 2)
            )
            phrases.append(
                Phrase(
                    tuple(ws),
                    tuple(m or "#1" for m in ms[:-1]),
                    pause,
                    "".join(w.text for w in ws),
                    last,
                    sentence if last else "",
                )
            )
    if not phrases:
        raise VoiceError(
            f"nothing to read in “{text[:40]}”", hint="a voiced segment needs characters, letters or digits"
        )
    last = phrases[-1]
    phrases[-1] = replace(last, pause_after_ms=0)
    return Reading(tuple(phrases))


def readings_of(texts: Iterable[str], entries: Sequence[PinyinEntry] = ()) -> list[str]:
    """Tone-numbered pinyin of each text (for reports and tests)."""
    return [read(t, entries).pinyin for t in texts]
