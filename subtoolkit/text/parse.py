"""Script lines → typed blocks: a pure, rule-based parser for 解说词 house styles.

How it works, in two steps:

1. :func:`classify` looks at one line and returns *items*: a marker (``【解说】``), a speaker label
   (``薛澜（清华大学教授）：``), a caption, a heading, a production note, or plain prose. Each
   convention is one ``rule_*`` function below with an example in its docstring; :data:`RULES`
   lists them in the order they are tried. A new house style usually needs one more rule there,
   or only more marker words in a style file (:class:`Style`).
2. :func:`parse_lines` walks the items with a small state machine (who is speaking, are we in a
   caption run, a shot list, an exchange) and emits :class:`~subtoolkit.model.Block` objects.

Matching is done on the line folded to Simplified characters (:func:`subtoolkit.text.fold.fold`, same
length), text is always cut from the line as written: 【解說詞】 works like 【解说词】 and a
Traditional script stays Traditional.

Every block carries two texts (see :class:`~subtoolkit.model.Block`): the clean text, and the text
as written. Everything the parser keeps out of the clean texts (markers, speaker labels, Word
artefacts, inserted pinyin, the trailing source note) is recorded in :attr:`Script.removed`, so a
test can prove that no source character is lost. The text as written is cut from the source by
position, not rebuilt: each item a rule returns carries its span in the line (``Item.span``, set
where a line says several things), the walk turns spans into slices of the line as written
(:func:`_pieces`), and a marker or label line waiting for the block it introduces is held with
its slice (``_State.hold``) and goes into that block's lines and text as written — or, when it
introduces nothing, becomes a block of its own with an empty clean text. Production text that is
neither heard nor shown (shot lists, credits, page furniture, editing notes) becomes a ``note``
block: listed, kept, never timed or voiced.

**Where an interview ends** (``interview_span``):

- ``"paragraph"``: a speaker line introduces exactly one paragraph; the next paragraph is narration
  again. This is how scripts that never mark narration explicitly are written (the sample script).
  Speech lines wrapped in ``（…）`` right after it continue the exchange.
- ``"marker"``: speech runs until the next marker (narration marker, another speaker, a caption
  run, a heading). This is how scripts that write ``【解说】`` before every narration passage work.
- ``"auto"`` (default): ``"marker"`` when a narration marker appears *after* the first speaker or
  sync-sound marker — i.e. the document uses narration markers to end speech — else
  ``"paragraph"``. A lone ``解说词：`` at the top labels the document and does not count.
"""

from __future__ import annotations

import re
import string
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from subtoolkit.errors import Diagnostic, ScriptError
from subtoolkit.text.fold import TRADITIONAL_CHARS, fold
from subtoolkit.model import Block, BlockKind, Removed, Script, Speaker
from subtoolkit.text.names import contains_role, ends_with_role, looks_like_name, split_name_role
from subtoolkit.text.style import KINDS, NO_STYLE, Style

InterviewSpan = Literal["auto", "paragraph", "marker"]

# ---------------------------------------------------------------------------------------------
# Brackets

_CLOSERS = {"（": "））", "(": "）)", "【": "】", "[": "]］", "［": "］]", "〔": "〕", "〖": "〗", "〈": "〉"}
_OPENERS_BY_CLOSER: dict[str, str] = {}
for _o, _cs in _CLOSERS.items():
    for _c in _cs:
        _OPENERS_BY_CLOSER.setdefault(_c, "")
        _OPENERS_BY_CLOSER[_c] += _o

_BRACKET_CHAR = re.compile("[" + re.escape("".join(_CLOSERS) + "".join(_OPENERS_BY_CLOSER)) + "]")

COLONS = "：:"
# Marker words, in Simplified (lines are folded before matching).
# 旁述 (Hong Kong), 过音 / OS / VO (Taiwan, Singapore, English-speaking crews: off-screen voice, voice-over).
_NARRATION_WORDS = ("解说词", "解说", "配音", "画外音", "旁白", "正文", "解说稿", "旁述", "过音", "OS", "VO", "V/O",
                    "NARRATOR", "NARRATION", "VOICEOVER", "VOICE-OVER")
_SYNC_WORDS = ("同期声", "同期", "采访", "现场声", "现场同期", "现场", "同期音", "原声", "受访者", "受访", "访谈",
               "专访", "采访对象", "受访人", "被访者", "SOT", "SB", "口述", "自述", "口述实录", "电话录音", "录音",
               "电话采访", "电话连线", "视频连线",
               "INTERVIEW", "SOUNDBITE", "访问")  # SB: a sound bite (Taiwan newsrooms); 访问: an interview (Hong Kong)
# Presenters' and reporters' turns: heard, read by someone other than the narrator. A marker word
# maps to the role that speaks it.
_PRESENTER_MARKERS = {"导语": "主持人", "口播": "主持人", "串场": "主持人", "演播室": "主持人", "出镜": "出镜记者",
                      "记者出镜": "出镜记者", "现场报道": "出镜记者", "记者现场报道": "出镜记者",
                      "记者连线": "出镜记者", "STAND": "出镜记者", "STANDUP": "出镜记者", "STAND-UP": "出镜记者"}
_PRESENTER_LABELS = frozenset(("主持人", "女播", "男播", "主播", "播音员", "男主持", "女主持", "女主播", "男主播",
                               "播音"))
# 主持人串场 主持人口播 男播导语: a presenter's label with the kind of turn after it (value: the turn word).
# 主持人结束语 主持人开场白: the presenter's opening or closing words (结束语 alone is a section of the film).
_PRESENTER_TURNS = {p + w: w for p in _PRESENTER_LABELS
                    for w in (*(m for m in _PRESENTER_MARKERS if not m.isascii()), "结束语", "结语", "开场白", "小结")}
_HEADING_WORDS = ("序", "序幕", "片头", "片尾", "结语", "尾声", "引子", "开篇", "结束语", "后记")
# The film's opening and closing sequences: with a description after them (〖片头〗航拍海湾 〖片尾〗演职员表)
# the line says what the sequence shows, a production note, not a section of the narration.
_SEQUENCE_WORDS = frozenset(("片头", "片尾"))
# On-screen text: 字幕, and what other crews call it (SUPER / CG in Singapore and Taiwan, 字卡).
# 屏幕文字 画面文字: the words put on the screen, as some provincial stations write it.
# 花字: a short video's decorated on-screen words (the vertical-video trade's name for a caption).
_CAPTION_WORDS = ("字幕", "字卡", "字幕条", "字条", "屏幕字", "屏幕文字", "画面文字", "屏显", "SUPER", "CG", "CAPTION",
                  "花字")
# 【人物】姓名 身份: a name super introducing the person whose words follow.
_PERSON_WORDS = ("人物", "人物介绍", "人名条", "人物条", "人物简介")
# Of those, the ones that may stand alone above a sentence introducing the person (何春燕，42岁，食堂负责人。),
# which is then on-screen text, not the person's words.
_INTRO_WORDS = frozenset(("人物", "人物介绍", "人物简介"))
_TITLE_WORDS = ("标题", "片名", "推出片名", "总标题", "本集名", "推出本集名", "分集片名", "集名", "推出集名")
# 【专栏】《支部书记说》: a recurring column of the programme, named in 《》
_SUBTITLE_HEADING_WORDS = ("小标题", "章节", "段落标题", "专栏", "栏目", "板块", "小栏目", "单元")
# Shot and scene notes: what the picture shows, never heard. Alone they open a shot list.
_SCENE_WORDS = ("画面", "镜头", "场景", "空镜", "空景", "空镜头", "音乐", "音效", "背景音乐", "特技", "特效", "转场",
                "资料画面", "资料", "动画", "定版", "落版", "黑场", "淡入", "淡出", "叠化", "闪白", "音乐起", "音乐止",
                # NS: natural sound under the picture, described, not spoken
                "NS", "NAT", "NATS", "NATSOT", "NAT SOT", "NAT SOUND",
                # a radio feature's mix cues and a film's songs: what is heard under the voice, not said
                "压混", "混音", "垫乐", "现场音", "环境音", "环境声", "片尾曲", "片头曲", "主题曲", "插曲", "配乐",
                # a web article's placeholders for its media
                "图片", "视频", "图", "音频", "动图", "GIF",
                # an English-speaking crew's cues
                "MUSIC", "SFX", "FX", "SOUND", "AMBIENCE", "ATMOS", "GFX", "GRAPHICS", "B-ROLL", "ARCHIVE", "SHOT",
                "VISUAL", "VISUALS", "PICTURE", "CUT TO", "FADE IN", "FADE OUT", "TRANSITION",
                # an audio guide's signal between stops
                "提示音", "背景音", "按键音",
                # background music, as short-video and web crews write it (【BGM：轻快吉他】 【BGM渐弱】)
                "BGM",
                # an advert's end card: the brand's logo, the station's, a frozen last frame (【LOGO】南江文明　5秒)
                "LOGO", "标版", "台标", "定格")
_LATIN_CUE_WORDS = frozenset(w for w in _SCENE_WORDS if w.isascii())
# A cue word with what happens to it (【音乐起】 【音乐渐收】 【空镜头】): a note like the word alone.
# Alone on a line, only a picture word opens a shot list ([画面] then the shots); a cue (【音乐起】
# 【特效】 【定版】) is a note of its own.
_RUN_WORDS = frozenset(("画面", "镜头", "场景", "空镜", "空景", "空镜头", "资料画面", "资料", "动画"))
# 【影像资料】 【历史画面】 【航拍镜头】 【背景音乐】: what kind of picture or sound, then the word.
_CUE_SUFFIXES = ("资料", "画面", "镜头", "音乐", "音效", "片段", "空镜")
_CUE_PREFIXES = ("资料", "音乐", "音效", "背景音乐", "空镜", "空景", "特效", "特技", "转场", "画面", "镜头", "定版",
                 "落版", "BGM")
# 专家声音 嘉宾原声 村民声音: a person's recorded voice (not the sound of a place: 环境声音 背景声音)
_VOICE_SUFFIXES = ("声音", "原声")
_SOUND_PREFIXES = ("环境", "背景", "自然", "现场", "音乐", "动物")
_NOTE_WORDS = ("删", "注", "备注", "编者按", "编者注", "编辑", "视频编辑", "导演", "摄像", "记者", "作者")
# An interview written as questions and answers under one interviewee (【采访】姓名 then 问：… 答：…).
_QUESTION_LABELS = frozenset(("问", "提问", "记者问", "主持人问", "Q"))
_ANSWER_LABELS = frozenset(("答", "回答", "A"))
# Characters of an advert or a reenactment given a line by what they are, not a name (【老人】好，好。 奶奶：…):
# family words, and voices by age (童声 老年男声).
_KIN_WORDS = ("奶奶", "爷爷", "外婆", "外公", "姥姥", "姥爷", "妈妈", "爸爸", "母亲", "父亲", "儿子", "女儿", "孙子",
              "孙女", "丈夫", "妻子", "老伴", "姐姐", "哥哥", "弟弟", "妹妹", "男孩", "女孩", "老人", "孩子")
_AGED_VOICE = re.compile(r"^(?:童声|童音|(?:老年|中年|青年|少年)(?:男|女)声?|(?:小)?(?:男|女)孩声?|老人声)$")
# The voice that reads the narration, written before the narration word: 【女声旁白】 男声解说： 【童声配音】.
_NARRATOR_VOICES = ("男声", "女声", "童声", "男", "女")
_ROLE_LABELS = frozenset(("记者", "主持人", "村民", "群众", "工人", "男子", "女子", "市民", "居民", "游客", "患者",
                          # people a scene's turns are given to without a name (小朋友：好咸喔！ 工作人员：对。)
                          "小朋友", "孩子", "孩子们", "学生", "同学", "家长", "工作人员", "店员", "服务员", "顾客",
                          "乘客", "路人", "观众", "网友", "老人", "大爷", "大妈", "阿姨", "师傅", "司机", "志愿者",
                          "队员", "船员", "渔民", "农民", "牧民", "医生", "护士", "民警", "众人"))

# Word artefacts that survive a .docx → text export.
_ARTEFACTS = re.compile(
    r"\[bookmark:[^\]]*\]"  # pandoc/Word "Save as text": [bookmark: _GoBack]
    r"|\[\]\{#[^}]*\}"  # pandoc markdown anchors: []{#_GoBack .anchor}
    r"|\{#_[A-Za-z0-9_]+[^}]*\}"
    r"|\^[plmtbs](?![a-z])"  # Word's search codes typed into the text by a failed replace: ^p ^l ^t
)
# A timecode before the text (00:01:23:10, 01:23:10.500, [01:23], （00:12）, a range with --> or -):
# where the editor is to place the line; kept out of the text, listed like an artefact.
_TC = r"\d{1,2}:\d{2}:\d{2}(?:[:;.,]\d{2,3})?"
_TC_BRACKETED = r"[\[［(（]\s*\d{1,2}:\d{2}(?::\d{2})?(?:[:;.,]\d{2,3})?\s*[\]］)）]"
_TIMECODE = re.compile(
    rf"^\s*(?:{_TC}|{_TC_BRACKETED})(?:\s*(?:-->|[-–—~～])\s*(?:{_TC}|{_TC_BRACKETED}))?(?:(?<=[\]］)）])\s*|\s+)(?=\S)"
)
# Pinyin a web page inserted after a character: 協(xié)調(diào). Only a reading with a tone mark counts,
# so (SQUA WKING) or (上) stay.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN = re.compile(rf"(?<=[\u3400-\u9fff])\((?=[a-zü]*[{_TONED}])[a-zü{_TONED}]{{1,7}}\)")
_SOURCE_NOTE = re.compile(r"[（(]\s*(?:来源|稿件来源|文章来源|本文来源|资料来源)\s*[：:][^（）()]*[）)]\s*$")
_SOURCE_LINE = re.compile(r"^(?:来源|稿件来源|文章来源|本文来源|资料来源)\s*[：:].*$")
_NUM = "一二三四五六七八九十百零〇两0-9"
_EPISODE = re.compile(rf"^第[{_NUM}]+(?:篇章|部分|[集章部篇回节场幕])(?:[\s：:·《].*)?$")
_TITLE_LINE = re.compile(r"^《([^《》]+)》(?:\s*(?:解说词|解说稿|文稿|脚本))?$")
_SENTENCE_END = re.compile(r"[。！？!?；;…]")
_TITLE_SIGNAL = re.compile(rf"《[^》]+》|第[{_NUM}]+[集季期部篇章回]|解说词|解说稿|文稿|台本|脚本|纪录片|专题片|宣传片")
_SECTION_LABEL = re.compile(rf"[{_NUM}]+|[上中下]篇?|第[{_NUM}]+[部分章节篇集]")
_WRAPPED = re.compile(r"^[（(].*[）)]$")
_QUOTED = re.compile(r'^(?:“[^“”]+”|"[^"]+"|「[^「」]+」)$')

# Production text recognised on the whole line (folded): credits and bylines, editor's notes,
# page furniture. One regex each, tried once per line.
_S = r"\s*"
_CREDIT_WORDS = (
    "记者|摄像|摄影|编辑|责任编辑|责编|文稿作者|作者|撰稿|撰文|文案|文案配音员|配音员|配音演员|导演|编导|"
    "总导演|制片|制片人|监制|策划|主编|出品|出品人|后期|剪辑|视频编辑|通讯员|审核|校对|统筹|翻译|字幕制作|"
    "配音|解说|旁白|播音|主持|主持人|"
    "制作|制作人|联合出品|出品单位|摄制|录音|灯光|美术|作曲|调色|包装|总监制|总策划|总制片人|执行导演|执行制片|制片主任|"
    "艺术总监|技术总监|航拍|摄影记者|文字记者|制作单位|摄制单位|承制单位|拍摄日期|拍摄时间|拍摄地点|"
    "剪接|收音|编审|助理编导|行政监制|资料搜集|"
    # a dubbed film's credits: the original, the dubbing studio, its director, the mix; a short video's shoot
    "原片|译制|译制导演|配音导演|混录|拍摄|"  # 剪接 收音: editing and sound, in Hong Kong and Taiwan credits
    # a screenplay's (a reenactment's) writers, cast and location; an interview record's transcriber and compiler
    "编剧|原著|改编|主演|场记|拍摄地|外景地|听打|速记|整理|"
    # a credit word with its rank before it
    "总撰稿|总编导|总编辑|总摄像|总剪辑|总制片|总顾问|执行主编|执行总监|执行策划|特约撰稿|特约记者|特约编辑"
)
_CREDIT_PREFIX = r"(?:本期|本集|本片|本节目)?"
_CREDIT_ALT = "(?:" + "|".join(_S.join(w) for w in _CREDIT_WORDS.split("|")) + ")"
# Words that are also a marker or a speaker's role: a credit only when names follow (配音：李易),
# never alone (配音： opens narration) or with speech (记者：好的).
_CREDIT_NEEDS_NAMES = frozenset("记者 配音 解说 旁白 播音 主持 主持人".split())
# Words that are a credit only beside other credits on one line (采访：闻笛　听打：蒋小禾 — who asked the
# questions); alone they label a sound bite (采访：张三).
_CREDIT_AMONG_OTHERS = ("采访", "访谈", "提问", "主访")
_CREDIT_LABEL = re.compile(_CREDIT_ALT + r"\s*[：:]")
_CREDIT_LABEL_AMONG = re.compile("(?:" + "|".join(_CREDIT_AMONG_OTHERS) + "|" + _CREDIT_ALT[3:] + r"\s*[：:]")
_CREDIT = re.compile(
    rf"^{_CREDIT_PREFIX}(?P<word>{_CREDIT_ALT}(?:\s*[/／、·]\s*{_CREDIT_ALT})*){_S}[：:]{_S}"
    r"(?P<who>(?:[^\s。！？!?；;，,、：:]{1,12}(?:\s*[，,、\s]\s*[^\s。！？!?；;，,、：:]{1,12}){0,8})?)\s*$"
)
_CREDIT_FIRST = frozenset(w[0] for w in _CREDIT_WORDS.split("|")) | {"本"}  # 本期 本集 本片 本节目
_CREDIT_FIRST_AMONG = frozenset(w[0] for w in _CREDIT_AMONG_OTHERS)
_NAME_LIST = re.compile(r"\s*[，,、\s]\s*")
# End credits written without a colon: 总导演 郑海峰 / 出品 江州博物馆 江州广播电视台 (words sorted longest first)
_CREDIT_SPACED = re.compile(
    rf"^{_CREDIT_PREFIX}(?P<word>{'|'.join(sorted(_CREDIT_WORDS.split('|'), key=len, reverse=True))})\s+"
    r"(?P<who>[^\s。！？!?；;，,：:]{1,16}(?:\s*[、\s]\s*[^\s。！？!?；;，,：:]{1,16}){0,5})\s*$"
)
_LEAD_NOTE = re.compile(
    r"^(?:编者按|编者注|编后|摘要|内容摘要|内容提要|导读|本集要点|本期要点|原标题|来源|稿件来源|稿源|专题|"
    r"注意事项|免责声明|版权声明|声明|说明|备注|附注|附|关键字|标签|节目时长|时长|片长|播出日期|播出时间|首播|版本|稿号|"
    r"总时长|全片时长|成片时长|总片长|"
    # an interview record's header: when and where it was recorded (采访时间：… 地点：…)
    r"(?:采访|访谈|访问|录音|录制|口述|听打)(?:时间|日期|地点)|"
    r"播出时长|温馨提示|友情提示)"
    r"\s*(?:[：:]|$)"
    r"|^[\u4e00-\u9fff]{2,14}\d{1,2}月\d{1,2}日(?:电|讯)"  # 新华社北京3月17日电: a news dateline
    r"|^[•●▪◆■◇○★☆※]\s*"  # a bulleted list
    r"|^本(?:节目|片|集|期|系列)由\S{1,30}?(?:联合)?(?:出品|制作|摄制|播出|冠名|赞助|支持)"  # 本节目由…出品
    r"|^(?:特别)?鸣谢\s*[：:]"
    r"|^(?:合计|总计|共计)\s*[：:]"  # 合计：11个镜头: the sum under a shot table
    r"|^(?:——|--|—)\s*\S.{0,50}?(?:摄制|出品|制作|承制|录制|监制)$"  # ——某某台 联合摄制
    r"|^(?i:reporter|camera(?:man)?|editor|producer|writer|fixer|video editor|cameraman)\s*[:：]"  # English credits
    r"|^\d{1,3}[.．、]\s*[^\s：:，,。]{1,10}[：:]"  # 1. 字幕识别：… a numbered list of steps or shots
    r"|^镜头\s*\d+"  # 镜头3：…
    # a shot list: 1. 全景 航拍厂区 / 特写：安全帽上的标识 (the shot size opens the line)
    r"|^(?:\d{1,3}[.．、)）]\s*)?(?:大全景|全景|远景|中景|近景|中近景|特写|大特写|航拍|跟拍|俯拍|仰拍|延时|升格|空镜)"
    r"(?:\s|[：:])"
)
# A field of the document's particulars inside a line (after a space): 总时长：约6分钟 / 总时长约18分钟 / 版本：v3
_FIELD = re.compile(rf"[\s\u3000](?:总时长|全片时长|成片时长|时长|片长|播出时长|版本|稿号)\s*(?:[：:]|约?\s*[{_NUM}])")
_URL = re.compile(r"https?://\S+|www\.[a-z0-9-]+\.\S*", re.I)
_FURNITURE = re.compile(  # unmistakable wherever it stands
    r"\d+\s*(?:条评论|人参与|人发表了?评论)|我来说两句|发表评论|版权所有|copyright|©|all rights reserved|powered by|"
    r"不支持\s*flash|>>\s*$|^进入\s*\[|在线观看\s*$|(?:^|\s)分享\s*$",
    re.I,
)
_FURNITURE_LINE = re.compile(  # page furniture when the line is not a sentence
    r"^相关(?:专题|链接|新闻|阅读|文章|报道|视频)|点击(?:下方|上方|这里|此处)?(?:链接|查看|观看|播放|进入|视频)|联系我们|上一篇|下一篇|阅读原文|返回(?:首页|顶部)"
    r"|第\s*\d+\s*页|共\s*\d+\s*页"  # a page header of a printed script: 东江电视台 解说词 第2页
    r"|上一页|下一页|^分享到|【(?:打印|关闭|收藏|推荐|纠错)】|打印本页|关闭窗口"
    r"|点个?\s*[「“\"]?在看|长按(?:识别|扫码)|^[-—–\s]*END[-—–\s]*$"  # a web article's end matter
)
# The end of an English script: THE END, END OF EPISODE 2, END OF PART ONE (looked for on lines opening with t or e).
_END_OF = re.compile(r"^(?:the\s+)?end\s+of\s+(?:episode|part|programme|program|show|film|script|reel)(?:\s+\w+)?\W*$",
                     re.I)
_MENU_SEPARATORS = re.compile(r"[|┊｜丨]")
_BREADCRUMB = re.compile(r"\S\s*[>＞»›]\s*\S")  # 首页 > 电视节目 > 专题片
_DATE = re.compile(r"\d{4}\s*(?:年\s*\d{1,2}\s*月\s*\d{1,2}\s*日?|[-/.]\d{1,2}[-/.]\d{1,2})")
_CLOCK = re.compile(r"\d{1,2}[:：]\d{2}")
# A reporter's byline as the last line of a news item: 记者 张三 李四 报道 / 本台记者张三报道
_BYLINE = re.compile(r"^(?:本台|本报|\S{0,12}?)记者\s*(?:[\u4e00-\u9fff·]{2,4}\s*[、，, ]?\s*){1,4}(?:报道|采写|摄制)$")
_INTRO = re.compile(r"(?:如下|以下|下面是|下文|全文)[^。！？]*[：:]\s*$")
_ABOUT_PROGRAMME = re.compile(r"《[^》]+》.*(?:专题片|纪录片|节目|栏目|系列片|电视片|宣传片)")
_PRODUCTION_VERB = re.compile(r"拍摄|摄制|播出|推出|制作|出品|联合|合作|创作")
_LABEL_HEADING = re.compile(r"^(?:关键词|关键字|本期主题|主题|看点|本集看点)\s*[：:]\s*")
# Inside a line: an editing note （删……） or a credit （视频编辑：…） — production text, not script.
_INLINE_NOTE = re.compile(r"[（(]\s*(?:删[^（）()]*|"
                          r"(?:视频编辑|责任编辑|责编|编辑|记者|摄像|摄影|通讯员|剪辑)\s*[：:][^（）()]*)[）)]")
_DIALOGUE_LABEL = re.compile(r"^([^\s：:，,。！？、；;“”\"《》【】\[\]（）()]{1,6})\s*[：:]")
_INLINE_MARKER = re.compile(
    r"(?<=[。！？!?；;…”」』）)】\s])(?=(?:【(?:解说词|解说|同期声|同期|采访|现场同期|字幕|配音|画外音|旁白|出镜|正文|导语|口播)[^】]{0,30}】"
    r"|(?:解说词|解说|同期声|旁白|旁述|配音)\s*[：:]))"
)
# Every place _INLINE_MARKER matches opens one of these. That pattern starts with a lookbehind, so the
# engine tries it at every character; this one opens with literals and is skipped through in C.
_INLINE_MARKER_WORD = re.compile("【|解说|同期声|旁白|旁述|配音")

# Patterns the rules use, compiled once.
_HAN_CHAR = re.compile(r"[\u3400-\u9fff]")
_LEADING_COLON = re.compile(r"^\s*[：:]?\s*")
_INLINE_LABEL = re.compile(r"^([^：:，。！？]{1,30})[：:]\s*")
_OPEN_MARKER = re.compile(r"^[【\[［〔〖]\s*(?:字幕|解说|配音|画外音|旁白|同期|采访|现场|标题|片名|"
                          r"推出片名|小标题|序|片头|片尾|结语|尾声|画面)")
_MARKER_WORD = re.compile(r"^([^：:·・\s]+)\s*([：:·・\s]\s*)?(.*)$", re.S)
_SYNC_PLAIN = re.compile(r"^(同期声|同期|现场同期|现场声|采访对象|采访|受访者|受访人|被访者|原声|SOT)(?=[（(：:\s]|$)",
                         re.I)
_QUALIFIER = r"(?:\s*[（(][^（）()：:]{1,8}[）)])?"  # 解说（男声）： 主持人（出镜）： 画外音（女）：
_NARRATION_LABEL = re.compile(rf"^(解说词|解说|旁白|画外音|配音|正文|[^\s：:（(]{{1,8}}?){_QUALIFIER}\s*[：:]\s*")
_QUALIFIER_NAME = re.compile(r"\s*[（(]([^（）()：:]{2,8})[）)]")
_PRESENTER_LABEL = re.compile(rf"^([^\s：:，。（(]{{2,7}}){_QUALIFIER}\s*[：:]\s*")
_PLAIN_LABEL = re.compile(r"^([^\s：:，。]{1,6})\s*[：:]\s*")
_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_SENTENCE_PUNCT = re.compile(r"[，。！？；]")
_PAREN_LINE = re.compile(r"^[（(]([^（）()]{1,40})[）)]$")
_NOTE_LABEL = re.compile(r"^([^：:\s]{1,6})\s*[：:]")
_NAME_BRACKET = re.compile(r"^([\u3400-\u9fffA-Za-z·•・]{1,10})\s*[（(]")
_ENDS_WITH_COLON = re.compile(r"[：:]\s*$")
_COLON_AFTER = re.compile(r"^\s*[：:]\s*")
_NAME_LABEL = re.compile(r"^([^\s：:，。！？、；“”]{1,8})\s*[：:]\s*")
_NOT_A_NAME = re.compile(r"[0-9０-９]|说|道|问题|时间|地点")
_OPENS_BRACKET = re.compile(r"^[【\[［〔〖]")


def match_bracket(s: str, start: int) -> int | None:
    """Index of the bracket closing the one at ``start`` (nested, full- and half-width mixed).

    >>> s = "辛鸣（中央党校（国家行政学院）教授）："
    >>> s[match_bracket(s, 2)]
    '）'
    >>> match_bracket("【字幕", 0) is None
    True
    """
    if s[start] in _CLOSERS:  # most brackets hold no other: the next bracket closes this one
        at = start + 1
        while (m := _BRACKET_CHAR.search(s, at)) is not None and m.group() not in _CLOSERS:
            if s[start] in _OPENERS_BY_CLOSER[m.group()]:
                return m.start()
            at = m.end()  # a closer of another kind: the walk below skips it too
        if m is None:
            return None
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


def _designation_ok(s: str) -> bool:
    """A speaker designation: no punctuation but the book-title marks of programme names."""
    return not has_punctuation(s.replace("《", "").replace("》", "").replace("·", ""))


def reads_like_sentence(s: str) -> bool:
    """Whether an unplaced line reads like narration rather than page furniture.

    >>> reads_like_sentence("江水东流，奔向大海。"), reads_like_sentence("SINA English | About")
    (True, False)
    """
    if _HAN_CHAR.search(s) or _SENTENCE_END.search(s):
        return True
    return sum(1 for w in s.split() if w[:1].islower()) >= 3  # English narration without a full stop


def _strip_colon(s: str) -> tuple[str, str]:
    """Split a leading colon (and spaces) off ``s``: returns ``(removed, rest)``."""
    m = _LEADING_COLON.match(s)
    assert m is not None
    return m.group(0), s[m.end() :]


# ---------------------------------------------------------------------------------------------
# Items: what one line says


ItemKind = Literal["prose", "title", "heading", "caption", "caption_run", "narration", "speaker", "note", "note_run",
                   "question", "answer", "attribution", "super", "dubbed", "continued"]


@dataclass(frozen=True)
class Item:
    """One thing a line says. ``removed`` is source text that belongs to no block.

    ``covers``: the line is only a marker and belongs to the block it introduces (``【同期】职务 姓名``
    above the speech, ``[画面]`` above a shot list), so that block's ``lines`` start at it.

    ``span``: where the item stands in the line it was read from (start, end), set where a line
    says several things; ``None`` is the whole line. The walk cuts each block's text as written
    from it (:func:`_line_spans`).
    """

    kind: ItemKind
    text: str = ""
    speaker: Speaker | None = None
    removed: tuple[tuple[str, str], ...] = ()  # (text, reason)
    covers: bool = False
    span: tuple[int, int] | None = None


def _inside(items: list[Item], at: int, length: int) -> list[Item]:
    """Items read from ``line[at : at + length]``, their spans moved onto the whole line."""
    return [replace(it, span=(at + it.span[0], at + it.span[1]) if it.span else (at, at + length)) for it in items]


def _lead(s: str) -> int:
    """How many whitespace characters open ``s``."""
    return len(s) - len(s.lstrip())


@dataclass(frozen=True)
class Context:
    """What the rules may know about the surroundings of a line.

    The defaults are the most permissive values: a line that is prose under the default context is
    prose under every context (the walk relies on this to classify most lines once).
    """

    expecting_speech: bool = False
    has_title: bool = False
    alone: bool = True  # the line is a paragraph of its own (not part of a wrapped paragraph)
    in_captions: bool = False  # inside a 【字幕】 run or a [画面] shot list: short lines belong to the run
    at_top: bool = True  # nothing but titles and notes so far: the title page of the script
    title_line: str | None = None  # the line the title came from (a page header repeats it)
    next_wrapped: bool = False  # the next text line is speech in （…）
    next_speechlike: bool = False  # the next text line ends a sentence or opens with a bracket
    in_short_run: bool = False  # a neighbouring line is also a short phrase (verse-like narration)
    last: bool = False  # the last text line of the file (web pages end mid-marker)
    dialogue: frozenset[str] = frozenset()  # labels that recur as 「X：」 turns in this script
    style: Style = NO_STYLE
    awaiting_name: bool = False  # a sync marker above has named nobody yet (【同期】 alone)
    next_name: bool = False  # the next text line is a person's name alone
    speaking: bool = False  # inside a named speaker's speech that runs until the next marker
    next_timing: bool = False  # the next line is a subtitle cue's timing (00:00:01,000 --> …)
    awaiting_role: bool = False  # the line above was a name super's name alone (【受訪者】 then 陳文彥)
    roles: frozenset[str] = frozenset()  # relations a name super gave a named person (外婆 of 外婆 钟秀英)
    next_intro: bool = False  # the next text line introduces a person (何春燕，42岁，食堂负责人。)


Rule = Callable[[str, str, Context], "list[Item] | None"]


def _marker(text: str, reason: str = "marker") -> tuple[tuple[str, str], ...]:
    return ((text, reason),) if text else ()


def _designation_speaker(text: str) -> Speaker | None:
    """``职务 姓名`` / ``地点 身份 姓名`` / ``姓名 单位 职务`` as a speaker, or ``None``."""
    if not text or len(text) > 48 or not _designation_ok(text):
        return None
    name, role = split_name_role(text)
    return Speaker(name, role) if name is not None else None


_DESIGNATION_SEP = re.compile(r"\s*[|｜丨/／]\s*|\s*[,，]\s*")
_HONORIFIC = re.compile(r"^(?:Dr|Prof|Mr|Mrs|Ms|Mdm|Miss|Sir)\.?\s+", re.I)
_LATIN_NAME = re.compile(r"^[A-Z][a-z'’\-]+(?: [A-Z][a-z'’\-]+){1,3}$")


def separated_designation(text: str, commas: bool = True) -> Speaker | None:
    """A designation whose name and role are set apart by a bar, a slash or a comma:
    ``李文雄／碾米廠第三代經營者`` ``王守田 | 河南周口 种粮大户`` ``陈亚九, 咖啡摊主 Tan Ah Kow``
    ``Dr. Lim Wei Ling, sociologist, NUS`` (the name without its honorific); the role may come
    first (``社区干事 | 何志明``). ``commas``: whether a comma separates too (not on a bare line,
    where ``王府井，北京`` is a place).

    >>> separated_designation("李文雄／第三代經營者")
    Speaker(name='李文雄', role='第三代經營者')
    >>> separated_designation("Dr. Lim Wei Ling, sociologist, NUS")
    Speaker(name='Lim Wei Ling', role='sociologist, NUS')
    """
    text = text.strip()
    if not text or len(text) > 80 or _SENTENCE_END.search(text) or any(c in text for c in COLONS):
        return None
    seps = [m for m in _DESIGNATION_SEP.finditer(text) if commas or m.group().strip() not in ",，"]
    if not seps:
        return None
    first, rest = text[: seps[0].start()], text[seps[0].end() :].strip()
    last, before = text[seps[-1].end() :], text[: seps[-1].start()].strip()
    name = _HONORIFIC.sub("", first)
    if _LATIN_NAME.match(name):  # Zhao Xinyi, Ceramic Artist / 赵心怡 陶艺师: the name in the script's language
        for sep in seps:
            if sep.group().strip() in "/／":
                n, r = split_name_role(text[sep.end() :].strip())
                if n is not None and _HAN_CHAR.search(n):
                    return Speaker(n, " ".join(x for x in (r, text[: sep.start()].strip()) if x))
    if looks_like_name(name) or _LATIN_NAME.match(name):
        return Speaker(name, rest or None)
    if looks_like_name(last):
        return Speaker(last, before or None)
    n, r = split_name_role(first)  # 河南周口 种粮大户 王守田 | …
    if n is not None and _designation_ok(first):
        return Speaker(n, " ".join(x for x in (r, rest) if x) or None)
    return None


# An age after the name in a designation: 老船长 钱阿根（76岁） / 钱阿根 (76): part of the super, not the name.
_AGE = re.compile(r"\s*[（(]\s*(\d{1,3}\s*(?:周岁|岁|歲)?)\s*[）)]$")
_CAPTION_DESIGNATION = re.compile(r"^[（(](?:字幕|人名条|名条)?\s*[：:]?\s*([^（）()：:]{2,40})[）)]$")


def _speaker_items(designation: str, rest: str, prefix: str) -> list[Item]:
    """Items for a sync/interview marker followed by ``rest`` on the same line.

    ``rest`` may be a speaker designation (``职务 姓名``), ``姓名：speech`` or the speech itself.
    """
    name, role = split_name_role(designation) if designation else (None, None)
    speaker = Speaker(name, role) if (name or role) else None
    if designation and name is None:  # （同期声：梅林村党支部书记，贺玉兰）
        speaker = separated_designation(designation) or speaker
    removed = prefix
    rest_stripped = rest.strip()
    age = _AGE.search(rest_stripped) if speaker is None and rest_stripped[-1:] in "）)" else None
    if age is not None and age.start() > 0:
        # 〖同期声〗老船长 钱阿根（76岁）: the designation without its age, the age joins the role
        found = _speaker_items("", rest_stripped[: age.start()], prefix)
        who = found[0].speaker if len(found) == 1 and found[0].covers else None
        if who is not None and who.name:
            role = " ".join(x for x in (who.role, age.group(1)) if x)
            return [Item("speaker", "", Speaker(who.name, role), _marker(removed + rest, "speaker label"), covers=True)]
    if speaker is None and rest_stripped:
        if rest_stripped[:1].isascii() and _LATIN_NAME.match(_HONORIFIC.sub("", rest_stripped.rstrip("：: "))):
            # 原声：Dr. Ingrid Larsen — a foreign speaker's name alone, without the honorific
            who = Speaker(_HONORIFIC.sub("", rest_stripped.rstrip("：: ")), None)
            return [Item("speaker", "", who, _marker(removed + rest, "speaker label"), covers=True)]
        wrapped = _CAPTION_DESIGNATION.match(rest_stripped)
        if wrapped is not None:  # 【同期声】（字幕：大院乡快递站站长 向志华）: the name super in brackets
            who = _designation_speaker(wrapped.group(1).strip()) or separated_designation(wrapped.group(1))
            if who is not None:
                return [Item("speaker", "", who, _marker(removed + rest, "speaker label"), covers=True)]
        who = separated_designation(rest_stripped.rstrip("：: "))
        if who is not None:  # SOT：李文雄／碾米廠第三代經營者 · 【采访】党委书记，苟建平：
            return [Item("speaker", "", who, _marker(removed + rest, "speaker label"), covers=True)]
        label = _INLINE_LABEL.match(rest_stripped)
        if label and _designation_ok(label.group(1).replace(" ", "")):
            n, r = split_name_role(label.group(1))
            if n or (r and len(r) <= 12):
                speaker = Speaker(n, r)
                removed += rest[: rest.index(rest_stripped) + label.end()]
                rest_stripped = rest_stripped[label.end() :]
                return [Item("speaker", rest_stripped, speaker, _marker(removed, "speaker label"),
                             covers=not rest_stripped)]
        if not has_punctuation(rest_stripped) and len(rest_stripped) <= 20 or _designation_speaker(rest_stripped):
            n, r = split_name_role(rest_stripped)
            if n is not None:
                return [Item("speaker", "", Speaker(n, r), _marker(removed + rest, "speaker label"), covers=True)]
            if r is not None and not has_punctuation(r) and ends_with_role(r):
                # （訪問）市區重建局發言人: nobody named, the role is the super
                return [Item("speaker", "", Speaker(None, r), _marker(removed + rest, "speaker label"), covers=True)]
        # 【同期】中共某镇委员会委员、某村党支部书记　宁卫东: a long role title (with 、 （） “”) then the name
        tokens = rest_stripped.split()
        if (len(tokens) >= 2 and looks_like_name(tokens[-1]) and len(rest_stripped) <= 60
                and not _SENTENCE_END.search(rest_stripped)):
            role = rest_stripped[: -len(tokens[-1])].strip()
            return [Item("speaker", "", Speaker(tokens[-1], role), _marker(removed + rest, "speaker label"),
                         covers=True)]
        # 【同期】村民 王大明 那天晚上雨很大。: the designation, a space, then the speech
        words = rest_stripped.split(" ")
        for k in range(min(len(words) - 1, 4), 0, -1):
            head = " ".join(words[:k])
            who = _designation_speaker(head) if looks_like_name(words[k - 1]) else None
            if who is not None and has_punctuation(words[-1]):
                body = rest_stripped[len(head) :].strip()
                cut = rest.index(rest_stripped) + len(head)
                return [Item("speaker", body, who, _marker(removed + rest[:cut], "speaker label"))]
        # 采访：张三（村民） — a designation written as name（role）
        m = _NAME_BRACKET.match(fold(rest_stripped))
        close = match_bracket(rest_stripped, m.end() - 1) if m and len(m.group(1)) <= 4 else None
        if m and close == len(rest_stripped) - 1 and looks_like_name(m.group(1)):
            name, role = rest_stripped[: len(m.group(1))], rest_stripped[m.end() : -1].strip()
            return [Item("speaker", "", Speaker(name, role or None), _marker(removed + rest, "speaker label"),
                         covers=True)]
        colon = _COLON_AFTER.match(rest_stripped[close + 1 :]) if m and close is not None else None
        if m and close is not None and colon is not None:  # 【同期】宋国强（面馆老板）：speech, as 姓名（身份）：
            name, role = rest_stripped[: len(m.group(1))], rest_stripped[m.end() : close].strip()
            cut = rest.index(rest_stripped) + close + 1 + colon.end()
            return [Item("speaker", rest[cut:].strip(), Speaker(name, role or None),
                         _marker(removed + rest[:cut], "speaker label"), covers=not rest[cut:].strip())]
    lead, body = _strip_colon(rest)
    return [Item("speaker", body.strip(), speaker, _marker(removed + lead, "speaker label"), covers=not body.strip())]


# Where in the film a voice's turn stands, written before its word: 【开场口播】 【结尾口播】 【片尾解说】.
_PLACE_PREFIXES = frozenset(("开场", "开头", "结尾", "片头", "片尾", "中段", "收尾"))


def _unplaced(word: str) -> str:
    """A narration or presenter word without the place in the film written before it (``开场口播``
    → ``口播``); any other word as it is."""
    if len(word) > 2 and word[:2] in _PLACE_PREFIXES:
        base = word[2:]
        if base in _NARRATION_WORDS or base in _PRESENTER_MARKERS:
            return base
    return word


_VOICED_NARRATION = frozenset(("男声", "女声", *(v + w for v in _NARRATOR_VOICES for w in _NARRATION_WORDS)))
_VOICE_FIRST = frozenset(v[0] for v in _NARRATOR_VOICES)


def _voiced_narration(word: str) -> bool:
    """``女声旁白`` ``男声解说`` ``女声`` ``男声2`` (folded): the narrator's part, named by the voice that reads it.
    A promotional film's copy shares its narration between a man's and a woman's voice (``【男声】…``
    ``【女声】…``); a dubbing script's ``【中文配音·女声】`` is another convention (:func:`_dubbing`)."""
    return word in _VOICED_NARRATION or word[:2] in ("男声", "女声") and word[2:].isdigit()


def character_voice(word: str) -> bool:
    """``老人`` ``奶奶`` ``小女孩`` ``童声`` ``老年男声`` (folded): a character given a line by what they are —
    a family word, a role a turn is given to without a name, a voice by age — not a narrator's part.

    >>> character_voice("童声"), character_voice("老奶奶"), character_voice("女声"), character_voice("旁白")
    (True, True, False, False)
    """
    if word in _ROLE_LABELS or _AGED_VOICE.match(word) is not None:
        return True
    return 2 <= len(word) <= 4 and word.endswith(_KIN_WORDS)


def _kind_of_word(word: str, style: Style) -> str | None:
    """What a marker word (folded) stands for: built-in words first, then the house style; a cue
    word with what happens to it (``音乐渐收``, ``空镜头``) is a note like the word alone; a voice's
    word with its place in the film (``开场口播``) is the word alone."""
    if word.isascii():
        word = word.upper()  # SOT, VO, os
    else:
        word = _unplaced(word)
    if word in _CAPTION_WORDS or word.endswith("字幕") and len(word) <= 6:  # 片头字幕 片尾字幕
        return "caption"
    if word in _NARRATION_WORDS or word[:1] in _VOICE_FIRST and _voiced_narration(word):
        return "narration"
    if word in _PRESENTER_MARKERS or word in _PRESENTER_TURNS:
        return "presenter"
    if word in _SYNC_WORDS or word in _PERSON_WORDS:
        return "interview"
    if word in _HEADING_WORDS:
        return "heading"
    if word in _TITLE_WORDS or word in _SUBTITLE_HEADING_WORDS:
        return "title"
    if word in _SCENE_WORDS or word in _NOTE_WORDS:
        return "note"
    kind = style.kind_of(word)
    if kind is None and word.isascii():  # a house style's Latin word in any case: cam = CAM
        kind = next((k for k in KINDS if any(w.upper() == word for w in getattr(style, k))), None)
    if kind is None and len(word) <= 6 and (word.startswith(_CUE_PREFIXES) or word.endswith(_CUE_SUFFIXES)):
        return "note"
    if kind is None and len(word) <= 6 and word.endswith(_VOICE_SUFFIXES) and not word.startswith(_SOUND_PREFIXES):
        return "interview"  # （专家声音） 【嘉宾原声】: somebody's recorded voice
    return kind


# A numbered part of a script in brackets: 第3站 (an audio guide's stop), 第二部分, 第4单元, Stop 4, Part 2.
# (第一集 第3期 name an episode: the title rules decide those.)
_ORDINAL_LABEL = re.compile(
    rf"第\s*[{_NUM}]+\s*(?:站|部分|单元|展厅|展区|章|节|篇|幕|场|段|讲|课)|(?i:stop|part|chapter|room|gallery)\s*\d+"
)
_PAREN_MARKER = re.compile(
    r"^[（(](?:[^（）()，。：:、！？\s]{1,8}[）)]|\s*(?:同期声|同期|采访|受访者|口述|字幕|屏幕文字)\s*[：:])"
)


# A person introduced in one sentence: the name, then the age or a description ending in a role.
_PERSON_INTRO = re.compile(r"^([^\s，,。：:（(、]{2,8})[，,]\s*([^。！？!?]{1,40})[。.]?$")
_INTRO_AGE = re.compile(rf"^[{_NUM}]{{1,3}}\s*[岁周]")


def person_intro(key: str) -> bool:
    """Whether ``key`` (folded) introduces a person in one sentence: ``何春燕，42岁，食堂负责人。``
    ``卢德明，81岁，食堂的老顾客。`` ``韦秋月，苗绣传承人。`` — a name, a comma, then the age or words
    ending in a role; nobody speaks of themself (我) in it."""
    m = _PERSON_INTRO.match(key)
    if m is None or "我" in key or not looks_like_name(m.group(1)):
        return False
    about = m.group(2).strip()
    return _INTRO_AGE.match(about) is not None or ends_with_role(about.rstrip("。."))


def _describes(rest: str) -> bool:
    """Whether the text after 片头/片尾 describes the sequence (``航拍海湾，渔船归港`` ``演职员表``) rather
    than being a title, a marker or a sentence of narration."""
    return bool(rest) and rest[0] not in "《【[［〔〖〈（(" and not _SENTENCE_END.search(rest)


# A dubbed voice's part in a dubbing script: 女声 男声 女 男 童声 老年男声 (the voice actor reading an
# interviewee's words in the film's new language).
_DUB_VOICE = re.compile(r"^(?:[老中青少童]年?)?(?:男|女|童)声?\d?$|^(?:男|女)\s*[一二三四1-4]$")


def _dubbing(line: str, end: int, tail_key: str, rest: str, ctx: Context) -> list[Item] | None:
    """``【中文配音·解说】`` ``【中文配音·女声】speech``: a dubbing script's marker, the language of the
    dub before ``配音`` and the part after it. The narrator's part (解说 旁白) is narration; a dubbed
    voice (女声 男声) speaks the words of the person whose original sound is just above, so the
    line is that person's speech (the walk finds them); any other part is left to the other rules."""
    part = _MARKER_WORD.match(tail_key)
    word = part.group(1) if part else tail_key
    lead, body = _strip_colon(rest)
    if _DUB_VOICE.match(word):  # (before the narration words: 女声 alone is also a narrator's voice)
        return [Item("dubbed", body.strip(), removed=_marker(line[: end + 1] + lead, "speaker label"),
                     covers=not body.strip())]
    if _kind_of_word(word, ctx.style) == "narration":
        direction, text = _aside(body.strip())
        return [Item("narration", text, removed=_marker(line[: end + 1] + lead) + direction, covers=not text)]
    return None


def rule_bracket_marker(line: str, key: str, ctx: Context) -> list[Item] | None:
    """A line opening with a bracketed marker.

    ``【解说】…`` ``[解说]`` ``【配音】`` ``【画外音】`` ``【正文】`` → narration;
    ``【导语】`` ``【出镜】…`` → narration by the presenter or the reporter on camera;
    ``［字幕］text`` ``[字幕：text]`` ``【字幕：text】`` ``【字幕】`` (alone: a caption run) → caption;
    ``【同期】姓名`` ``【同期】职务 姓名`` ``【同期声】地点 身份 姓名`` ``【采访】姓名 职务``
    ``【采访·职务姓名】speech`` ``【现场同期】姓名：speech`` ``【张三同期声】speech`` → interview;
    ``【画外音】职务 姓名`` (a person's voice over the picture) → interview;
    ``【序】`` ``【片头】`` → heading; ``【标题】text`` ``【推出片名：第一集 历史之约】`` → title (a
    later ``【推出…】`` card is a caption); ``[画面]`` (alone: a shot list follows) ``【镜头：…】`` → note;
    ``【任务纪实：谈话】`` any other short label alone → heading. Words of the house style count too.
    """
    if not line or line[0] not in "【[［〔〖〈（(":
        return None
    paren = line[0] in "（("
    if paren and key[-1:] in "）)" and _SOUND_NOTE.match(key):
        return [Item("note", line)]  # （同期声：掌声）: a sound described, nobody's words (see rule_paren_line)
    if paren and not _PAREN_MARKER.match(key):
        return None  # （speech…） （镜头：…）: round brackets hold a marker only when short, without punctuation
    end = match_bracket(line, 0)
    if end is None:
        if not paren and _OPEN_MARKER.match(key):
            if ctx.last and len(line) <= 8:  # a page cut off in the middle of its last marker
                return None
            raise ScriptError(
                f"unterminated bracket {line[0]!r} in marker",
                hint=f"close it with {_CLOSERS[line[0]][0]!r}",
            )
        return None
    marker, inner, rest = line[: end + 1], line[1:end].strip(), line[end + 1 :]
    inner_key = fold(inner)
    word = _MARKER_WORD.match(inner_key)
    if word is None:
        return None
    head, tail_key = word.group(1), word.group(3)
    if head.isascii():
        head = head.upper()  # 【Stand】 【sot】
    tail = inner[len(inner) - len(tail_key) :] if tail_key else ""
    if tail and len(head) > 2 and head.endswith("配音") and not paren:
        dubbed = _dubbing(line, end, tail_key, rest, ctx)
        if dubbed is not None:
            return dubbed
    kind = _kind_of_word(head, ctx.style)
    if paren and (kind not in ("interview", "narration", "caption") or tail and kind == "narration"):
        return None  # （镜头：…） （一） （秦英林）: the rules for bracketed lines decide
    if kind is None:
        for sync in _SYNC_WORDS:  # 【习近平同期声】: the speaker written into the marker
            if head.endswith(sync) and len(head) > len(sync) and not tail:
                return _speaker_items(inner[: len(head) - len(sync)], rest, marker)
        if not rest.strip() and production_aside(inner_key):
            return [Item("note", line)]  # 【电话铃声，中断约1分钟】: what happened, not a section of the script
        if not paren and not tail and rest.strip() and character_voice(head):
            # 【童声】奶奶，我周末回来！ 【老人】好，好。: a character's line in an advert, not the narrator's
            lead, body = _strip_colon(rest)
            direction, text = _aside(body.strip())
            return [Item("speaker", text, Speaker(None, inner), _marker(marker + lead, "speaker label") + direction)]

    if kind == "caption":
        if tail:
            at = line.index(tail)
            removed = _marker(line[:at]) + _marker(line[at + len(tail) : end + 1])
            items = [Item("caption", tail.strip(), removed=removed, span=(0, end + 1))]
            if rest.strip():
                items += _inside(classify(rest.strip(), ctx), end + 1 + _lead(rest), len(rest.strip()))
            return items
        lead, body = _strip_colon(rest)
        if body.strip():
            return [Item("caption", body.strip(), removed=_marker(marker + lead))]
        return [Item("caption_run", removed=_marker(line), covers=True)]
    if kind == "narration" and not tail:
        lead, body = _strip_colon(rest)
        speaker = _designation_speaker(body.strip()) if head in ("画外音", "旁白") else None
        if speaker is not None:  # 【画外音】攝影師 趙明: somebody's voice, not the narrator's
            return [Item("speaker", "", speaker, _marker(line, "speaker label"), covers=True)]
        direction, text = _aside(body.strip())
        return [Item("narration", text, removed=_marker(marker + lead) + direction, covers=not text)]
    if kind == "presenter" and not tail:
        lead, body = _strip_colon(rest)
        turn = _PRESENTER_TURNS.get(head)  # 【主持人结束语】: the label before the turn word, as written
        who = Speaker(None, _PRESENTER_MARKERS[_unplaced(head)] if turn is None else inner[: len(head) - len(turn)])
        direction, text = _aside(body.strip())
        named = _ROLE_NAME_LABEL.match(fold(text))
        if named and _reporter(named.group(1)) and looks_like_name(named.group(2)):
            # 【出镜】记者 谭明：…: the reporter named; the label is not read out
            who = Speaker(text[named.start(2) : named.end(2)], text[: len(named.group(1))])
            direction += _marker(text[: named.end()], "speaker label")
            text = text[named.end() :]
        return [Item("narration", text, who, removed=_marker(marker + lead) + direction)]
    if kind == "interview":
        if tail:  # 【采访·村支书王大明】speech
            return _speaker_items(tail, rest, marker)
        if head in _INTRO_WORDS and ctx.next_intro and not rest.strip():
            # 【人物介绍】 alone above 何春燕，42岁，食堂负责人。: the introduction put on screen, not speech
            return [Item("caption_run", removed=_marker(line), covers=True)]
        return _speaker_items("", rest, marker)
    if kind == "heading" and not tail:
        if head in _SEQUENCE_WORDS and _describes(rest.strip()):
            return [Item("note", line)]  # 〖片头〗航拍海湾，渔船归港: what the opening sequence shows
        items = [Item("heading", inner, removed=_marker(line[0]) + _marker(line[end]), span=(0, end + 1))]
        if rest.strip():
            after = classify(rest.strip(), ctx)
            if all(i.kind == "note" for i in after):  # 【片头】…在线观看: a link line, not a section
                return [Item("note", line)]
            items += _inside(after, end + 1 + _lead(rest), len(rest.strip()))
        return items
    if kind == "title":
        # 【推出本集名：…】 is a card put on screen: the title when it opens the script, else a caption
        title_kind: Literal["title", "heading", "caption"] = "title"
        if ctx.has_title:
            title_kind = "caption" if head.startswith(("推出", "分集")) else "heading"
        if tail:
            idx = line.index(tail)
            return [Item(title_kind, tail.strip(), removed=_marker(line[:idx]) + _marker(line[idx + len(tail) :]))]
        lead, body = _strip_colon(rest)
        if body.strip():
            body_s = body.strip()
            m = _TITLE_LINE.match(body_s)
            if m:  # 【标题】《片名》
                return [Item(title_kind, m.group(1),
                             removed=_marker(marker + lead + "《") + _marker(body_s[len(m.group(1)) + 1 :]))]
            return [Item(title_kind, body_s, removed=_marker(marker + lead))]
        return None
    if kind == "note":
        body = (tail + rest).strip() if tail else rest.strip()
        if not body:
            if head in _RUN_WORDS or head in _NOTE_WORDS or head in ctx.style.note:
                return [Item("note_run", removed=_marker(line), covers=True)]
        return [Item("note", line.strip())]
    if kind is None and not paren and _ORDINAL_LABEL.fullmatch(inner_key) and not _SENTENCE_END.search(rest):
        return [Item("heading", line)]  # 【第3站】第二展厅 · 贝叶经（编号301） [Stop 4]: a numbered part with its name
    if kind is None and not rest.strip() and not ctx.expecting_speech and ctx.alone:
        # 【巡视工作纪实：谈话】: a segment label of the programme, alone on its line
        if 1 <= len(inner) <= 20 and not _SENTENCE_END.search(inner) and _HAN_CHAR.search(inner):
            return [Item("heading", inner, removed=_marker(line[0]) + _marker(line[end]))]
    return None


# A divider between parts of a document: ＊＊＊ / ——————— / ------ / ※※※ / ===.
_DIVIDER = re.compile(r"^[\s*＊※✱★☆·•◆◇○●=＝~～_＿\-－—–─━]{3,}$")
_DIVIDER_OR_END_FIRST = frozenset("*＊※✱★☆·•◆◇○●=＝~～_＿-－—–─━TtEe")


# A post's topic tags: #乡村生活 #外婆的味道 (two or more), or #话题# as one tag closed by its own mark.
_HASHTAGS = re.compile(r"^(?:[#＃][^\s#＃。！？，]{1,24}\s*){2,}$|^[#＃][^\s#＃。！？，]{1,24}[#＃]$")


def rule_page_furniture(line: str, key: str, ctx: Context) -> list[Item] | None:
    """Web-page and document furniture is a note: ``http://…`` link lines, ``2008年04月13日13:35``
    publication stamps, ``已有0人发表了评论``, ``版权所有``, ``相关链接``, ``>>`` navigation, menus
    with ``|`` separators, a date line on the title page (``《栏目》2012年7月30日台本``).

    A line that reads like a sentence keeps being narration even when it mentions a web site.
    A line of topic tags under a short video (``#乡村生活 #外婆的味道``) is the post's, not the film's.
    """
    if key[:1] in "#＃" and _HASHTAGS.match(key):
        return [Item("note", line)]
    if (_SCAN.search(key) is not None or key.startswith(_FURNITURE_OPENERS)
            or key.rstrip().endswith(_FURNITURE_ENDINGS)):  # the words of the patterns below; most lines have none
        if _FURNITURE.search(key) or _FURNITURE_LINE.search(key) and not _SENTENCE_END.search(key[-1:]):
            return [Item("note", line)]
        if _URL.search(key):
            without = _URL.sub("", key).strip()
            if not _SENTENCE_END.search(without) or len(without) < 12:
                return [Item("note", line)]
        if len(_MENU_SEPARATORS.findall(key)) >= 2:
            return [Item("note", line)]
        if len(_BREADCRUMB.findall(key)) >= 2 and not _SENTENCE_END.search(key):
            return [Item("note", line)]
    if len(key) <= 60 and not ctx.in_captions and not _SENTENCE_END.search(key):
        date = _DATE.search(key)
        if date and (_CLOCK.search(key, date.end()) or ctx.at_top):
            return [Item("note", line)]
    return None


def rule_credit(line: str, key: str, ctx: Context) -> list[Item] | None:
    """Credits, bylines and editor's matter are notes: ``记 者:崔睿,任效松``, ``摄 像:``, ``记者 张三 报道``,
    ``文稿作者:…``, ``编辑:陈梦伊``, ``编者按:…``, ``摘要:…``, ``原标题:…``, ``来源:新华社``,
    ``新华社北京3月17日电 …`` (a news dateline), ``• 仅供学习`` (a bulleted list), ``1. 识别:…``
    (a numbered list of steps or shots), ``以下是解说词全文:`` (an introduction to the text), and
    on the title page a paragraph about the programme (``《片名》是……联合拍摄的专题片。``).
    """
    opens = key[:1] in _CREDIT_FIRST  # the credit patterns open with a credit word (most lines do not)
    credit = _CREDIT.match(key) if opens else None
    if credit:
        who = [w for w in _NAME_LIST.split(credit.group("who")) if w]
        if credit.group("word").replace(" ", "") not in _CREDIT_NEEDS_NAMES:
            return [Item("note", line)]
        if who and all(looks_like_name(w.rstrip("0123456789")) for w in who):
            return [Item("note", line)]
    spaced = _CREDIT_SPACED.match(key) if opens else None
    if spaced and spaced.group("word") not in _CREDIT_NEEDS_NAMES:
        return [Item("note", line)]  # 总导演 郑海峰 / 出品 江州博物馆
    label = _CREDIT_LABEL.match(key) if opens else None
    if label is None and key[:1] in _CREDIT_FIRST_AMONG and _CREDIT_LABEL_AMONG.match(key):
        if len(_CREDIT_LABEL_AMONG.findall(key)) >= 2 and not _SENTENCE_END.search(key):
            return [Item("note", line)]  # 采访：闻笛　听打：蒋小禾　校对：未校 — who asked, who transcribed
    if label and len(_CREDIT_LABEL.findall(key)) >= 2 and not _SENTENCE_END.search(key):
        return [Item("note", line)]  # 导演：张三 摄像：李四 — end credits on one line
    if label and _MENU_SEPARATORS.search(key) and not _SENTENCE_END.search(key):
        return [Item("note", line)]  # 撰稿：欧阳澈 | 版本：终审稿 v3 — a document's fields set apart by bars
    if (" " in key or "\u3000" in key) and len(key) <= 60 and _FIELD.search(key) and not _SENTENCE_END.search(key):
        return [Item("note", line)]  # 拍摄脚本（第三稿）　总时长：约6分钟: the document's particulars
    if _LEAD_NOTE.match(key) or "记者" in key and _BYLINE.match(key):
        return [Item("note", line)]
    if _INTRO.search(key) and len(key) <= 80:
        return [Item("note", line)]
    if ctx.at_top and _ABOUT_PROGRAMME.search(key) and _PRODUCTION_VERB.search(key):
        return [Item("note", line)]
    return None


def rule_sync_plain(line: str, key: str, ctx: Context) -> list[Item] | None:
    """Sync sound without brackets: ``同期声（…）：`` ``同期声：`` ``同期声 姓名`` ``现场声：``."""
    m = _SYNC_PLAIN.match(key)
    if m is None:
        return None
    after = line[m.end() :]
    if after[:1] and after[0] in "（(":
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


# An English-speaking crew's label: NARRATION: … / INTERVIEW — name, role / SOT - … (a dash for a colon).
_LATIN_LABEL = re.compile(
    r"^([A-Za-z][A-Za-z/\-]*(?: [A-Za-z][A-Za-z/\-]*)?)(?:\s*[:：]|\s+(?:[—–]{1,2}|--?)(?=\s))\s*"
)


def rule_latin_line(line: str, key: str, ctx: Context) -> list[Item] | None:
    """A line opening with a Latin letter: an English-speaking crew's label or a scene heading."""
    if not key[:1].isascii() or not key[:1].isalpha():
        return None
    return _latin_label(line, key, ctx) or _scene_heading(line, key, ctx)


def _latin_label(line: str, key: str, ctx: Context) -> list[Item] | None:
    """``NARRATION: Mist hangs over the terraces.`` ``INTERVIEW — 吴志强 Wu Zhiqiang, tea master``
    ``VOICEOVER — …``: an English marker word with a colon or a dash works like the Chinese label
    (narration, a sound bite's designation or speech, a caption); other words are left to the rules below."""
    m = _LATIN_LABEL.match(key)
    if m is None:
        return None
    kind = _kind_of_word(m.group(1).upper(), ctx.style)
    body = line[m.end() :].strip()
    if kind == "narration":
        direction, text = _aside(body)
        return [Item("narration", text, removed=_marker(line[: m.end()]) + direction, covers=not text)]
    if kind == "interview":
        return _speaker_items("", line[m.end() :], line[: m.end()])
    if kind == "caption" and body:
        return [Item("caption", body, removed=_marker(line[: m.end()]))]
    if kind == "note" and m.group(1).upper() in _LATIN_CUE_WORDS:  # MUSIC: guqin, soft
        return [Item("note", line)]
    return None

# A screenplay's scene heading: SCENE 1 — 武夷山 / Wuyi Mountains — DAWN, Sc. 4, INT. KITCHEN - NIGHT.
_SCENE_HEADING = re.compile(
    r"^(?:(?:SCENE|SC\.?|SEQUENCE|SEQ\.?|SEGMENT|CHAPTER|PART|ACT)\s*[0-9IVX]+[A-Z]?(?=$|[\s.:：—–\-])"
    r"|(?:INT|EXT|INT\.?/EXT|I/E)\.\s)",
    re.I,
)


def _scene_heading(line: str, key: str, ctx: Context) -> list[Item] | None:
    """``SCENE 2 — 作坊 / Workshop — DAY`` ``Sc. 4`` ``INT. TEA HOUSE - NIGHT``: a co-production's scene
    heading (with the place and the time of day) is a section heading of the script."""
    if key[:1] not in "SsIiEeCcPpAa" or not ctx.alone or ctx.in_captions or len(key) > 80:
        return None
    if _SCENE_HEADING.match(key) is None:
        return None
    if _SENTENCE_END.search(key[-1:]):
        return None
    return [Item("heading", line)]


_LATIN_DIRECTION = re.compile(r"^[(（]([A-Za-z][^（）()\u3400-\u9fff]{0,100})[)）]$")


def _latin_direction(line: str, key: str, ctx: Context) -> list[Item] | None:
    """``(Drone over the tea terraces)`` ``(Archive footage, 1978)``: an English direction in round
    brackets alone on its line, not a sentence, says what the picture shows: a note."""
    m = _LATIN_DIRECTION.match(key)
    if m is None or not ctx.alone or _SENTENCE_END.search(m.group(1)[-1:]) or ":" in m.group(1)[:12]:
        return None
    return [Item("note", line)]


_DIRECTION = re.compile(r"^[（(]([^（）()。！？!?；;：:]{1,12})[）)]\s*(?=\S)")
_DIRECTION_ALONE = re.compile(r"^[（(]([^（）()。！？!?；;：:]{1,12})[）)]$")


def _aside(body: str) -> tuple[tuple[tuple[str, str], ...], str]:
    """A bracketed stage direction opening a spoken line (``（主持人口播）`` ``（笑）`` ``（男声）``) is set
    aside (listed, reason ``stage direction``): it tells the reader how, it is not read out. Alone
    after a voice's marker (``【开场口播】（达人出镜，站在晒场上）``) it is set aside too, and the marker
    introduces the next paragraph."""
    m = _DIRECTION.match(body)
    if m is None:
        if body[:1] in "（(" and _DIRECTION_ALONE.match(body):
            return _marker(body, "stage direction"), ""
        return (), body
    return _marker(body[: m.end()].strip(), "stage direction"), body[m.end() :]


def rule_narration_plain(line: str, key: str, ctx: Context) -> list[Item] | None:
    """``解说词：`` ``解说：`` ``旁白：`` ``画外音：`` ``配音：`` ``正文：`` with or without text after the
    colon; a house-style narration word (``播讲：``) works the same."""
    m = _NARRATION_LABEL.match(key)
    if m is None:
        return None
    word = m.group(1).upper() if m.group(1).isascii() else m.group(1)
    if word not in _NARRATION_WORDS and word not in ctx.style.narration and not _voiced_narration(word):
        return None
    direction, body = _aside(line[m.end() :].strip())
    return [Item("narration", body, removed=_marker(line[: m.end()]) + direction)]


_PRESENTER_ORDINALS = frozenset("甲乙丙丁ABCD1234一二三四")


def rule_presenter(line: str, key: str, ctx: Context) -> list[Item] | None:
    """Presenters' and anchors' turns: ``主持人：…`` ``女播：…`` ``男播：【导语】`` ``导语：…`` — heard, read by the
    presenter (a narration block whose speaker is the presenter), not by the narrator."""
    if "：" not in key[:32] and ":" not in key[:32]:  # the label's colon (most lines have none near the start)
        return None
    m = _PRESENTER_LABEL.match(key)
    if m is None:
        return None
    label = m.group(1).upper() if m.group(1).isascii() else m.group(1)
    if label in _PRESENTER_MARKERS:  # 导语：…  出镜：… (the marker word as a label)
        who = Speaker(None, _PRESENTER_MARKERS[label])
    elif m.group(1) in _PRESENTER_TURNS:  # 主持人串场：… 主持人口播：…
        who = Speaker(None, line[: len(m.group(1)) - len(_PRESENTER_TURNS[m.group(1)])])
    elif m.group(1) in _PRESENTER_LABELS or m.group(1) in ctx.style.presenters:
        who = Speaker(None, line[: len(m.group(1))])
    elif m.group(1)[:-1] in _PRESENTER_LABELS and m.group(1)[-1] in _PRESENTER_ORDINALS:  # 主持人甲： 主持人B：
        who = Speaker(None, line[: len(m.group(1))])
    else:
        return None
    named = _QUALIFIER_NAME.match(line, len(m.group(1)))
    if named and looks_like_name(named.group(1)):  # 主持人（陈晓楠）：
        who = Speaker(named.group(1), who.role)
    direction, rest = _aside(line[m.end() :].strip())
    removed = _marker(line[: m.end()], "speaker label") + direction
    if rest[:1] and rest[0] in "【[［〔〖":
        inner = _inside(classify(rest, ctx), len(line) - len(rest), len(rest))
        if all(i.kind in ("narration", "prose") for i in inner):
            return [
                Item("narration", i.text, who, (removed if n == 0 else ()) + i.removed, span=i.span)
                for n, i in enumerate(inner)
            ]
    return [Item("narration", rest, who, removed)]


def rule_plain_label(line: str, key: str, ctx: Context) -> list[Item] | None:
    """Unbracketed labels of the script's structure: ``序:`` ``片头:`` → heading; ``关键词:主火炬熄灭`` →
    heading; ``分集片名:第一集`` → title (a caption card when the script already has its title)."""
    m = _PLAIN_LABEL.match(key)
    if m is None:
        return None
    word, rest = m.group(1), line[m.end() :].strip()
    if word in _SEQUENCE_WORDS and _describes(rest):
        return [Item("note", line)]  # 片尾：演职员表
    if word in _HEADING_WORDS or word in ctx.style.heading:
        at = len(line) - len(rest)
        items = [Item("heading", line[: len(word)], removed=_marker(line[len(word) : m.end()]), span=(0, at))]
        return items + (_inside(classify(rest, ctx), at, len(rest)) if rest else [])
    if (word in _TITLE_WORDS or word in ctx.style.title) and rest:
        kind: Literal["title", "caption"] = "caption" if ctx.has_title else "title"
        return [Item(kind, rest, removed=_marker(line[: m.end()]))]
    if ((word.upper() if word.isascii() else word) in _CAPTION_WORDS or word in ctx.style.caption) and rest:
        return [Item("caption", rest, removed=_marker(line[: m.end()]))]
    if word in ctx.style.note or word in _SCENE_WORDS:
        return [Item("note", line)]
    if _LABEL_HEADING.match(key):  # the label stays: 关键词：主火炬熄灭 is what the section is called
        return [Item("heading", line)]
    return None


def rule_markdown_heading(line: str, key: str, ctx: Context) -> list[Item] | None:
    """``# 《片名》`` / ``## 直面风险`` in a Markdown script: the first level-1 heading is the title."""
    m = _MARKDOWN_HEADING.match(line)
    if m is None or not ctx.alone:
        return None
    body = m.group(2)
    t = _TITLE_LINE.match(body)
    text = t.group(1) if t else body
    kind: Literal["title", "heading"] = "title" if len(m.group(1)) == 1 and not ctx.has_title else "heading"
    start = line.index(text)
    return [Item(kind, text, removed=_marker(line[:start]) + _marker(line[start + len(text) :]))]


def rule_title(line: str, key: str, ctx: Context) -> list[Item] | None:
    """``《生命重于泰山》`` alone on a line is the film's title (a later one is a heading)."""
    m = _TITLE_LINE.match(key)
    if m is None or not ctx.alone:
        return None
    # on the title page (a station's or a column's line above it) the film's title is still a title
    kind: Literal["title", "heading"] = "heading" if ctx.has_title and not ctx.at_top else "title"
    return [Item(kind, line[1 : 1 + len(m.group(1))], removed=_marker(line[0]) + _marker(line[len(m.group(1)) + 1 :]))]


def rule_repeated_title(line: str, key: str, ctx: Context) -> list[Item] | None:
    """The title line again further down (``纪录片《老兵故事》06 解说词脚本`` between paragraphs) is a
    page header of the document, a note; on the title page it is the title printed twice."""
    if ctx.title_line is None or line != ctx.title_line:
        return None
    return [Item("title", line)] if ctx.at_top else [Item("note", line)]


def rule_top_title(line: str, key: str, ctx: Context) -> list[Item] | None:
    """The first line of a script that reads like a title is the title (``奥运圣火激情传递 中坦友谊长存``,
    ``纪录片《塔里木河》解说词文字稿丨第1集:漫流``): short, no sentence punctuation. On the title page,
    further lines that name the programme or the episode (``《航拍中国》第一季第五集江西``) are titles too.
    """
    if not ctx.at_top or ctx.expecting_speech or not ctx.alone and not _TITLE_SIGNAL.search(key):
        return None
    if ctx.has_title and not _HAN_CHAR.search(key) and _ENGLISH_TITLE.match(key) and not _SENTENCE_END.search(key):
        return [Item("title", line)]  # Channel 8 Special: Morning at the Hawker Centre (a bilingual title page)
    if len(key) > 40 or _SENTENCE_END.search(key) or key.endswith(tuple(COLONS)) or not _HAN_CHAR.search(key):
        return None
    if ctx.has_title and not _TITLE_SIGNAL.search(key):
        return None
    if not ctx.has_title and ctx.in_short_run and not _TITLE_SIGNAL.search(key):
        return None
    return [Item("title", line)]


_ENGLISH_TITLE = re.compile(
    r"^(?=.{4,80}$)[A-Z0-9][\w'’&.-]*(?:[ :,-]+(?:[A-Z0-9][\w'’&.-]*|a|an|the|of|at|in|on|and|for|to|with))+$"
)


def rule_episode(line: str, key: str, ctx: Context) -> list[Item] | None:
    """``第一集 历史之约``: an episode or chapter heading (the title when it opens the script)."""
    if not ctx.alone or ctx.in_captions or len(line) > 30 or not _EPISODE.match(key) or _SENTENCE_PUNCT.search(key):
        return None
    return [Item("title" if ctx.at_top and not ctx.has_title else "heading", line)]


# A reel's or a part's time span in brackets: （第一段　00:00:00—00:04:10） (Reel 2, 10:00:00-10:12:30).
_TIME_SPAN = re.compile(
    r"\d{1,2}:\d{2}(?::\d{2})?(?:[:;.,]\d{2,3})?\s*(?:—{1,2}|–|-{1,2}>?|－|~|～|至|到)\s*\d{1,2}:\d{2}"
)
# A sound described in brackets under a sync-sound word: （现场声：风雪声，约5秒） （同期声：掌声） — what is
# heard, nobody's words (a person's sync sound names them, or quotes them). Only 声 and the words for
# music close the sound: names end in 音 乐 鸣 often enough (李佳音 王乐 张一鸣), in 声 rarely.
_SOUND_NOTE = re.compile(
    r"^[（(]\s*(?:现场声|现场音|现场|同期声|同期|环境声|原声)\s*[：:]\s*[^（）()：:，,。“”\"]{0,12}(?:声|音乐|音效|音响)"
    r"(?:\s*[，,、]\s*[^（）()：:。“”\"]{0,12})?[）)]$"
)


# A subtitle line in brackets, the translation shown under a sound bite: (EN SUB: …) (ENG SUBS: …)
# (SUBTITLE: …) （英文字幕：…）. The language and the word are the label; the translation is on screen.
_SUBTITLE_LINE = re.compile(
    r"^[(（]\s*(?:(?:EN|ENG|ENGLISH|CN|CHN|ZH|CHINESE|中文|英文|英语|粤语|普通话)\s*(?:SUBS?|SUBTITLES?|字幕)|SUBS?|SUBTITLES?)"
    r"\s*[:：]\s*",
    re.I,
)


def _subtitle_line(line: str, key: str) -> list[Item] | None:
    """``(EN SUB: My family has made tea for five generations.)``: the sound bite's translation put
    on screen, a caption; its label and brackets are set aside (kept in the text as written, never
    read out)."""
    m = _SUBTITLE_LINE.match(key)
    if m is None or key[-1:] not in ")）" or match_bracket(line, 0) != len(line) - 1:
        return None
    body = line[m.end() : -1].strip()
    if not body:
        return None
    return [Item("caption", body, removed=_marker(line[: m.end()]) + _marker(line[-1]))]


# The end of the script written out: （全片完） （本集完） 【完】 — 剧终 — 全剧终. What is ended may be named
# before 完/终 (全片 本片 全剧 本集 本期节目…); the mark stands alone, in brackets or between dashes.
_END_MARK = re.compile(
    r"^[\s（(【\[〔<〈—\-－–~～*]*\s*(?:(?:全片|本片|全剧|本剧|全集|本集|本期|本期节目|本节目|节目|全文|正文|影片|全篇)\s*)?"
    r"(?:完|终|结束|剧终)\s*[\s）)】\]〕>〉—\-－–~～*]*$"
)
# A note about the dub in brackets, among the speech it is about: （叶太原声为潮州话，以下由配音员读出）
# （此段为方言，由配音演员代读） （以下为译配） — how the words reach the audience, not words anyone says.
_DUB_NOTE = re.compile(
    r"^[（(][^（）()我]*(?:原声(?:为|是)[^（）()，,。]{1,8}(?:话|语|方言)"
    r"|(?:以下|下面|此段|这段|本段|该段)[^（）()]{0,8}(?:由|为)[^（）()]{0,8}(?:配音|代读|读出|转述|译配|翻译)"
    r"|配音(?:员|演员)[^（）()]{0,4}(?:读出|代读|转述|朗读))[^（）()]*[）)]$"
)


# What happened while the sound was recorded, in brackets alone on a line: 【电话铃声，中断约1分钟】 （录音中断）
# 【换磁带】 — an interruption, or a stretch of time the transcript leaves out.
_RECORDING_EVENT = re.compile(
    rf"中断|暂停|打断|间断|停录|换(?:磁)?带|换卡|换电池|恢复录音|录音(?:结束|开始|恢复)|约\s*[{_NUM}半]+\s*(?:秒钟?|分钟|小时)"
)
# A note about a part of the document, what follows or what was left out: （以下为闲聊，未听打）
# （情景再现段落结束，以下接资料影像） （此处略去一段）.
_PART_NOTE = re.compile(
    r"(?:以下|以上|此处|此段|本段|该段|下面|上面|后面|前面)[^，,]{0,10}?(?:为|是|接|转|切|插入|略|省略|删|未|不)"
    r"|(?:段落|片段|部分|场景|情景再现|再现)\s*(?:结束|完毕)"
)


def production_aside(inner: str) -> bool:
    """Whether the words in a bracketed line (folded, without the brackets) are a note of the
    production: an interruption of the recording (``电话铃声，中断约1分钟``) or what a part of the
    document is (``以下为闲聊，未听打`` ``情景再现段落结束，以下接资料影像``). Nobody's words: no sentence
    inside, nobody speaking of themself (我).

    >>> production_aside("以下为闲聊，未听打"), production_aside("以下这段，我最爱唱。")
    (True, False)
    """
    if len(inner) > 40 or "我" in inner or _SENTENCE_END.search(inner):
        return False
    return _RECORDING_EVENT.search(inner) is not None or _PART_NOTE.search(inner) is not None


# A transcriber's mark where words could not be made out: 【听不清】 （听不清楚） [inaudible] 〔此处模糊〕.
_GAP_MARK = re.compile(
    r"^[【\[［（(〔]\s*(?:此处|这里|这段|中间)?\s*(?:听不清楚?|听不见|听不出|声音模糊|录音模糊|音频模糊|模糊|无法辨认|"
    r"无法听清|inaudible|unclear|indistinct|crosstalk)\s*(?:约?\s*[0-9一二三四五六七八九十]+\s*秒)?\s*[】\]］）)〕]\s*",
    re.I,
)


def rule_transcript_gap(line: str, key: str, ctx: Context) -> list[Item] | None:
    """``【听不清】……那块表是上海产的。``: a line of a transcript opening with the transcriber's mark for
    words not made out goes on with the speech above it (the mark set aside: listed, never read out);
    the mark alone on a line is a note."""
    if key[:1] not in "【[［（(〔":
        return None
    m = _GAP_MARK.match(key)
    if m is None:
        return None
    text, notes = _undelivered(line[m.end() :].strip())
    if not text:
        return [Item("note", line)]
    return [Item("continued", text, removed=_marker(line[: m.end()].strip(), "transcriber's note") + notes)]


def rule_end_mark(line: str, key: str, ctx: Context) -> list[Item] | None:
    """``（全片完）`` ``（本集完）`` ``【完】`` ``— 剧终 —``: the end of the script written out is a note,
    never a caption or a heading (全 and 完 would otherwise read as a name, 全片完 as a short title)."""
    if len(key) > 16 or not key.rstrip(_END_CLOSERS).endswith(("完", "终", "结束")):  # most lines: two string checks
        return None
    return [Item("note", line)] if _END_MARK.match(key) else None


_END_CLOSERS = " ）)】]〕>〉—-－–~～*"


def rule_paren_line(line: str, key: str, ctx: Context) -> list[Item] | None:
    """A short bracketed line alone: ``（结语）`` ``（一）`` → heading; ``（秦英林）`` (a name) → caption;
    ``（镜头：航拍大桥）`` ``(儿媳妇与老人交流)`` (what the picture shows) → note.

    When speech is expected (after a speaker line) ``（…）`` wraps the speech instead — but never a
    time span (``（第一段　00:00:00—00:04:10）``, a reel's), a sound described under a sync-sound word
    (``（现场声：风雪声，约5秒）``) nor a note about the dub (``（原声为潮州话，以下由配音员读出）``): those
    are notes wherever they stand.
    """
    if key[:1] in "（(" and key[-1:] in "）)" and (":" in key and _TIME_SPAN.search(key) or _SOUND_NOTE.match(key)
                                                    or _DUB_NOTE.match(key)
                                                    or match_bracket(key, 0) == len(key) - 1
                                                    and production_aside(key[1:-1])):
        return [Item("note", line)]
    if key[:1] in "（(" and ("字幕" in key[:8] or "sub" in key[:12].lower()) and (found := _subtitle_line(line, key)):
        return found
    if key[:1] in "（(" and key[1:2].isascii() and key[1:2].isalpha():  # (Drone over the tea terraces)
        found = _latin_direction(line, key, ctx)
        if found is not None:
            return found
    m = _PAREN_LINE.match(key)
    if m is None or ctx.expecting_speech or ctx.in_captions or not ctx.alone:
        return None
    inner = m.group(1).strip()
    text = line[1:-1].strip()
    word = _NOTE_LABEL.match(inner)
    label = word.group(1) if word else ""
    if word and (label in _SCENE_WORDS or label in _NOTE_WORDS or label in ctx.style.note or _CREDIT.match(inner)
                 or _LEAD_NOTE.match(inner)):  # （播出时长：18分钟）
        return [Item("note", line)]
    if len(inner) > 12 or has_punctuation(inner):
        return None
    if inner in _HEADING_WORDS or inner in ctx.style.heading or _SECTION_LABEL.fullmatch(inner):
        return [Item("heading", text, removed=_marker(line[0]) + _marker(line[-1]))]
    if looks_like_name(inner):
        return [Item("caption", text, removed=_marker(line[0]) + _marker(line[-1]))]
    return [Item("note", line)]


_FIRST_PART = re.compile(r"^([^，,、\s]{2,4})(?:[，,、\s]+|$)")


def rule_speaker_line(line: str, key: str, ctx: Context) -> list[Item] | None:
    """``薛澜（清华大学教授）：`` / ``张勤岳(原天嘉宜公司总经理、法定代表人)：`` / nested
    ``辛鸣（中央党校（国家行政学院）教授）：``, with the speech in the next paragraph or after the colon.
    Without the colon (``王秀英（村民）`` alone on its line) only when the prefix is clearly a name.
    """
    m = _NAME_BRACKET.match(key)
    if m is None:
        return None
    open_at = m.end() - 1
    end = match_bracket(line, open_at)
    if end is None:
        if _ENDS_WITH_COLON.search(line) or (looks_like_name(m.group(1)) and any(c in line for c in COLONS)):
            raise ScriptError("unterminated bracket in speaker line", hint="close the （ before the colon")
        return None
    after = line[end + 1 :]
    colon = _COLON_AFTER.match(after)
    if colon is None:
        if after.strip() or not ctx.alone or ctx.expecting_speech or not looks_like_name(m.group(1)):
            return None
        name, role = line[: len(m.group(1))], line[open_at + 1 : end].strip()
        return [Item("speaker", "", Speaker(name, role or None), _marker(line, "speaker label"))]
    name = line[: len(m.group(1))]
    role = line[open_at + 1 : end].strip()
    if not (looks_like_name(name) or len(name) <= 4):
        return None
    inside = _FIRST_PART.match(role)
    if not looks_like_name(name) and inside and looks_like_name(inside.group(1)):
        # 外婆（邵桂香，82岁）： 舅舅(周建新)： the relation outside, the person's name first inside
        name, role = inside.group(1), " ".join(x for x in (name, role[inside.end() :].strip()) if x)
    label = line[: end + 1 + colon.end()]
    return [Item("speaker", after[colon.end() :].strip(), Speaker(name, role or None), _marker(label, "speaker label"))]


def _reporter(role: str) -> bool:
    """记者 / 主持人 / 出镜记者: the programme's own people, whose turns are not interviews."""
    return role in _PRESENTER_LABELS or role.endswith("记者") or role in _PRESENTER_MARKERS


_ROLE_NAME_LABEL = re.compile(
    r"^([^\s：:，。！？、；“”「」《》]{1,8})[ \u3000]+([^\s：:，。！？、；“”「」]{2,4})\s*[：:]\s*"
)


def rule_bare_name(line: str, key: str, ctx: Context) -> list[Item] | None:
    """``姓名：speech`` where the prefix is clearly a name (short, no punctuation, a surname), or a
    label that recurs as turns of a dialogue in this script (``秀芳：…`` ``爱民：…``, ``甲：…`` ``乙：…``).

    ``在忏悔录中，王珉写道：“……”`` is narration: the prefix has punctuation and ends in a verb.
    """
    m = _NAME_LABEL.match(key)
    if m is None:
        r = _ROLE_NAME_LABEL.match(key)
        if r is None or not looks_like_name(r.group(2)) or looks_like_name(r.group(1)) or _reporter(r.group(1)):
            return None
        # 舅舅 邵建新：「…」 老顾客 韦秀英： the relation or role, a space, the name
        role, name = line[: len(r.group(1))], line[r.start(2) : r.end(2)]
        return [Item("speaker", line[r.end() :].strip(), Speaker(name, role), _marker(line[: r.end()], "speaker label"),
                     covers=not line[r.end() :].strip())]
    label = m.group(1)
    written = line[: len(label)]
    if _AGED_VOICE.match(label):  # 童声：… 老年男声：… (a voice by age, though 童 is also a surname)
        speaker = Speaker(None, written)
    elif looks_like_name(label):
        speaker = Speaker(written, None)
    elif label in _ROLE_LABELS:  # 村民：… (a family word alone is not a turn: 爷爷：)
        speaker = Speaker(None, written)
    elif label in ctx.dialogue:
        speaker = Speaker(written, None)
    elif label in ctx.roles:  # 外婆：… after 【采访】外婆 钟秀英: the walk gives the turn to her
        speaker = Speaker(None, written)
    else:
        return None
    return [Item("speaker", line[m.end() :].strip(), speaker, _marker(line[: m.end()], "speaker label"))]


def rule_name_bar(line: str, key: str, ctx: Context) -> list[Item] | None:
    """``陳秀蘭 | 劏房住戶`` / ``林淑芬／推廣股長`` alone, above speech: a name super written with a bar or
    a slash is the speaker label of the words below it (the label line belongs to the interview)."""
    if ctx.expecting_speech or ctx.in_captions or not ctx.alone or not ctx.next_speechlike or len(key) > 40:
        return None
    speaker = separated_designation(line, commas=False)
    if speaker is None:
        return None
    return [Item("speaker", "", speaker, _marker(line, "speaker label"), covers=True)]


_ATTRIBUTION = re.compile(r"^(?:——|—|－－|--|──)\s*(?P<who>[^—－-].{0,39})$")


def rule_attribution(line: str, key: str, ctx: Context) -> list[Item] | None:
    """``——李红梅，焊接班组长`` under a quotation: who said it (the quotation becomes their sound bite).
    Under anything else the line is kept as a note."""
    m = _ATTRIBUTION.match(key)
    if m is None:
        return None
    who = line[m.start("who") :].strip()
    speaker = separated_designation(who) or _designation_speaker(who)
    if speaker is None or speaker.name is None:
        return None
    return [Item("attribution", line, speaker)]


_QA_LABEL = re.compile(r"^(问|答|提问|回答|记者问|主持人问|Q|A)\s*[：:]\s*")


# How words were said, as a transcript notes it in brackets inside them: （笑） （停顿） （叹气） （哽咽）.
_DELIVERY = re.compile(
    r"[（(](?:笑|大笑|苦笑|笑声|停顿|长时间停顿|沉默|叹气|叹息|哭|哽咽|咳嗽|思考|拍桌子?|比划|摇头|点头)[）)]"
)


def _undelivered(text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The words of a transcribed answer without the transcriber's notes of how they were said (``苦啊。（笑）
    头三年…``): listed (reason ``stage direction``), never read out or shown."""
    if "（" not in text and "(" not in text:
        return text, ()
    notes = _DELIVERY.findall(text)
    if not notes:
        return text, ()
    return _DELIVERY.sub("", text).strip(), tuple((n, "stage direction") for n in notes)


def rule_question_answer(line: str, key: str, ctx: Context) -> list[Item] | None:
    """``问：…`` ``答：…`` (``Q:`` ``A:``) after ``【采访】姓名 职务``: the questions are the interviewer's,
    the answers the interviewee's; both are heard, one interview passage. The transcriber's notes of how
    words were said (``答：（停顿）二〇〇一年。`` ``苦啊。（笑）头三年…``) are set aside."""
    m = _QA_LABEL.match(key)
    if m is None or not line[m.end() :].strip():
        return None
    kind: ItemKind = "question" if m.group(1) in _QUESTION_LABELS else "answer"
    asker = Speaker(None, "主持人" if m.group(1).startswith("主持人") else "记者")  # who asks: no name super of 问
    text, notes = _undelivered(line[m.end() :].strip())
    return [Item(kind, text, asker, _marker(line[: m.end()], "speaker label") + notes)]


def rule_caption_name(line: str, key: str, ctx: Context) -> list[Item] | None:
    """``坦桑尼亚当地居民 费尔南德斯`` on its own line, then the words in ``（…）`` on the next: the name
    super is the speaker label of the speech below it (the label line belongs to the interview)."""
    if not ctx.next_wrapped or ctx.expecting_speech or not ctx.alone or len(key) > 40:
        return None
    speaker = _designation_speaker(line)
    if speaker is None or " " not in line.strip() and not looks_like_name(key):
        return None
    return [Item("speaker", "", speaker, _marker(line, "speaker label"), covers=True)]


def rule_quoted_bite(line: str, key: str, ctx: Context) -> list[Item] | None:
    """A line that is nothing but a quotation (``"谁来喂牛?我来!"``) in unmarked narration is a sound
    bite of someone on screen: an interview with no named speaker."""
    if ctx.expecting_speech or ctx.in_captions or not ctx.alone or ctx.speaking:
        return None
    if not _QUOTED.match(key) or not _SENTENCE_END.search(key[-2:-1]):
        return None
    wrapper = _marker(line[0], "speech brackets") + _marker(line[-1], "speech brackets")
    return [Item("speaker", line[1:-1].strip(), None, wrapper)]


def rule_number_heading(line: str, key: str, ctx: Context) -> list[Item] | None:
    """A bare section number alone on a line (``1``, ``二、``) is a heading."""
    if not ctx.alone or ctx.in_captions or ctx.expecting_speech or not re.fullmatch(rf"[{_NUM}]{{1,4}}[、.．]?", key):
        return None
    if ctx.next_timing:  # 12 above 00:03:12,000 --> 00:03:15,200: a subtitle cue pasted from an SRT file
        return [Item("note", line)]
    if len(key.rstrip("、.．")) > 3:
        return None
    return [Item("heading", line)]


def rule_super_lines(line: str, key: str, ctx: Context) -> list[Item] | None:
    """A name super on two lines under a bare sync marker: ``【同期】`` then ``浪花岛灯塔站 站长`` then
    ``邵海平``, then the speech. The role line (its next line is a name) and the name line complete
    the speaker of the marker; both belong to the interview."""
    if ctx.awaiting_role:
        return _super_role(line, key, ctx)
    if not ctx.awaiting_name or not ctx.alone or len(key) > 30 or _SENTENCE_END.search(key) or not _designation_ok(key):
        return None
    if looks_like_name(key.replace(" ", "")):
        return [Item("super", "", Speaker(line, None), _marker(line, "speaker label"), covers=True)]
    if ctx.next_name and _HAN_CHAR.search(key):
        return [Item("super", "", Speaker(None, line), _marker(line, "speaker label"), covers=True)]
    return None


def _super_role(line: str, key: str, ctx: Context) -> list[Item] | None:
    """The same super the other way round: ``【受訪者】`` then ``陳文彥`` then ``七股鹽場文化協會理事長``.
    A line ending in a job title under the name alone is the name's role, not the first words of the speech."""
    if not ctx.awaiting_role or not ctx.alone or len(key) > 30 or has_punctuation(key) or not ends_with_role(key):
        return None
    return [Item("super", "", Speaker(None, line), _marker(line, "speaker label"), covers=True)]


def rule_photo_caption(line: str, key: str, ctx: Context) -> list[Item] | None:
    """``▲ 外婆家的七只腌菜坛``: a web article's caption under a picture is on-screen text, not narration.
    ``△ 柳秀姑停下纺车。``: a screenplay's action line (a hollow triangle before sentences: what the actors
    do, what the scene shows) is a direction for the crew, a note."""
    if key[:1] not in "▲△" or not key[1:].strip():
        return None
    text = line[1:].strip()
    if key[0] == "△" and _SENTENCE_END.search(text):
        return [Item("note", line)]
    return [Item("caption", text, removed=_marker(line[: len(line) - len(text)]))]


def rule_divider(line: str, key: str, ctx: Context) -> list[Item] | None:
    """``＊＊＊`` ``———————`` ``------`` (a line of marks that divides the document) and ``END OF EPISODE 2``
    are notes: never read out, not part of the speech above them. Tried last: no other rule takes them."""
    if key[:1] in _DIVIDER_OR_END_FIRST and (_DIVIDER.match(key) or _END_OF.match(key)):
        return [Item("note", line)]
    return None


def rule_short_heading(line: str, key: str, ctx: Context) -> list[Item] | None:
    """``直面风险`` / ``巡视准备，重点是搜集问题``: a short line alone, without sentence punctuation, is a
    section heading — unless its neighbours are short lines too (one phrase per line is narration)."""
    if ctx.expecting_speech or ctx.in_captions or not ctx.alone or ctx.in_short_run:
        return None
    compact = line.replace(" ", "")
    if not (1 <= len(compact) <= 12):
        return None
    commas_only = not has_punctuation(compact.replace("，", "").replace(",", "").replace("、", ""))
    if has_punctuation(compact) and (not commas_only or _is_punct(compact[-1])):
        return None
    if not _HAN_CHAR.search(compact):
        return None
    return [Item("heading", line)]


RULES: tuple[Rule, ...] = (
    rule_end_mark,
    rule_transcript_gap,
    rule_bracket_marker,
    rule_super_lines,
    rule_photo_caption,
    rule_page_furniture,
    rule_credit,
    rule_sync_plain,
    rule_latin_line,
    rule_narration_plain,
    rule_presenter,
    rule_question_answer,
    rule_attribution,
    rule_plain_label,
    rule_markdown_heading,
    rule_title,
    rule_speaker_line,
    rule_bare_name,
    rule_repeated_title,
    rule_episode,
    rule_top_title,
    rule_paren_line,
    rule_name_bar,
    rule_caption_name,
    rule_quoted_bite,
    rule_number_heading,
    rule_short_heading,
    rule_divider,
)


# Anything a rule might see in a line that opens like running prose: one scan decides whether the
# rules need to look at all (most lines of a script are plain narration paragraphs).
# A trigger, not a rule: it must fire wherever one of the patterns it stands for could match
# (_INLINE_MARKER, _INLINE_NOTE, _FURNITURE, _FURNITURE_LINE, _URL, _MENU_SEPARATORS), so it lists
# their words and every Latin letter (页 stands for 上一页 下一页 打印本页, 评论 for 发表评论 条评论
# 人发表了评论). Plain literals only: the regex engine then scans in C at under a microsecond a
# line, where one alternation of those patterns costs twenty times that.
_SCAN_WORDS = (
    "我来说两句 评论 版权所有 点击 联系我们 上一篇 下一篇 阅读原文 返回 删 人参与 关闭窗口 在看 长按".split()
    + list("|┊｜丨【©>＞»›" + string.ascii_letters)
    + [w + c for w in ("解说", "同期声", "旁白", "旁述", "配音") for c in "：: "]
    + ["页"]
    + [o + w for o in "（(" for w in ("视频编辑", "责任编辑", "责编", "编辑", "记者", "摄像", "摄影", "通讯员", "剪辑",
                                     " ")]
)
# Words of furniture patterns anchored to the start of the line (相关链接 分享到 进入[…]) or to its
# end (…在线观看, …分享): looked for only there (the scan would fire on every 相关部门 and 进入新阶段
# of the narration). A line that ends a sentence can hold them only at its start.
_FURNITURE_OPENERS = ("相关", "分享", "进入")
_FURNITURE_ENDINGS = ("在线观看", "分享")


# Where the scan looks for each word: at a character that is rare in scripts (篇 of 上一篇, not 上),
# the rest of the word checked around it; at its first character where none is given here.
_SCAN_ANCHORS = {"我来说两句": "句", "版权所有": "权", "点击": "击", "上一篇": "篇", "下一篇": "篇", "人参与": "参",
                 "关闭窗口": "窗", "在看": "看", "长按": "按", "同期声": "声", "旁述": "述"}


def _anchored(word: str) -> str:
    """A regex matching where ``word`` is, written to open with its anchor character: the engine
    skips, in C, every character that opens none of the scan's alternatives, so the rarer those
    characters, the fewer places it stops to try the words (上 下 人 在 同 are everywhere in prose)."""
    at = next((word.index(a) for stem, a in _SCAN_ANCHORS.items() if word.startswith(stem)), 0)
    before = f"(?<={re.escape(word[: at + 1])})" if at else ""
    after = f"(?={re.escape(word[at + 1 :])})" if at + 1 < len(word) else ""
    return re.escape(word[at]) + before + after


_SCAN = re.compile("|".join(map(_anchored, _SCAN_WORDS)))
# Plain prose opens with none of these: rules look for a marker or a label there.
_PROSE_NOT_OPENING = ("同期", "现场", "采访", "镜头", *_FURNITURE_OPENERS)
_SPECIAL_FIRST = frozenset("【[［〔〖〈（(《#「『•●▪◆■◇○★☆※▲△")


def _plain_prose(line: str, key: str, at_top: bool, title_line: str | None, next_wrapped: bool) -> bool:
    """Whether no rule can match ``line``: a sentence line that opens with a word, has no label
    colon or name bracket near its start, and nothing the rules look for anywhere in it. Exactly
    the lines every rule turns down, found with a few string checks and one regex scan.

    ``next_wrapped`` only matters for lines of 40 characters or fewer (a name super over speech).
    """
    return (
        not at_top
        and key != ""
        and key[-1] in "。！？!?…”"
        and key[0] not in _SPECIAL_FIRST
        and (len(key) > 40 or len(key) - key.count(" ") > 12 and not next_wrapped and key[0] != "第")
        and not (key[0] in "“\"" and key[-1] in "”\"")
        and "：" not in (head := key[:32])  # the head of the line, sliced once
        and ":" not in head
        and "（" not in (head16 := head[:16])
        and "(" not in head16
        and not key.startswith(_PROSE_NOT_OPENING)
        and "日电" not in (head24 := head[:24])  # a news dateline (_LEAD_NOTE); its other forms need a colon
        and "日讯" not in head24
        and line != title_line
        and _SCAN.search(key) is None
    )


def classify_explained(
    line: str, ctx: Context = Context(), key: str | None = None, checked: bool = False
) -> tuple[list[Item], str]:
    """Items of one stripped, artefact-free line and the name of the rule that decided them.

    Markers inside the line (``……。解说词：……``, a script flattened onto one line) split it first.
    ``key`` is ``fold(line)`` when the caller has it already; ``checked``: the caller has found the
    line is not plain prose.
    """
    key = fold(line) if key is None else key
    if not checked and _plain_prose(line, key, ctx.at_top, ctx.title_line, ctx.next_wrapped):
        return [Item("prose", line)], "prose"
    if (
        _INLINE_MARKER_WORD.search(key) is not None  # what _INLINE_MARKER looks ahead for, found without its lookbehind
        and _INLINE_MARKER.search(key) is not None
        and (_FIELD.search(key) is None or _SENTENCE_END.search(key))
    ):
        # (a line of the document's particulars, 总时长约18分钟　配音：女声, is not a script flattened onto a line)
        cuts = [0] + [m.start() for m in _INLINE_MARKER.finditer(key)] + [len(line)]
        items: list[Item] = []
        for a, b in zip(cuts, cuts[1:]):
            piece = line[a:b].strip()
            if piece:
                items += _inside(_classify_one(piece, fold(piece), ctx)[0], a + _lead(line[a:b]), len(piece))
        return items, "inline markers"
    return _classify_one(line, key, ctx)


# A picture note after the sentence it goes with: …种着黄精和天麻。（画面：药田特写）
_TRAILING_DIRECTION = re.compile(
    r"[（(]\s*(?:画面|镜头|空镜|空镜头|场景|资料画面|资料|动画|特写|航拍|音乐|音效)\s*[：:][^（）()]{1,40}[）)]$"
)


def _trailing_direction(key: str) -> int | None:
    """Where a picture note after a sentence starts (``…天麻。（画面：药田特写）``), or ``None``."""
    at = max(key.rfind("（"), key.rfind("("))
    if at <= 0 or _TRAILING_DIRECTION.match(key, at) is None:
        return None
    before = key[:at].rstrip()
    return len(before) if before[-1:] in "。！？!?…”」』" else None


def _classify_one(line: str, key: str, ctx: Context) -> tuple[list[Item], str]:
    if key[-1:] in "）)" and (cut := _trailing_direction(key)) is not None:
        # the direction is set aside like one that opens a line (listed, never read out)
        items, decided = _classify_one(line[:cut], key[:cut], ctx)
        last = items[-1]
        direction = _marker(line[cut:].strip(), "stage direction")
        items[-1] = Item(last.kind, last.text, last.speaker, last.removed + direction, last.covers)
        return items, decided
    if ("删" in key or "：" in key or ":" in key) and len(key) > 2:
        m = _INLINE_NOTE.search(key)
        if m is not None and (m.start() > 0 or m.end() < len(key)):
            before, note, after = line[: m.start()].strip(), line[m.start() : m.end()], line[m.end() :].strip()
            items = _classify_one(before, fold(before), ctx)[0] if before else []
            rest = _classify_one(after, fold(after), ctx)[0] if after else []
            noted = Item("note", note, span=(m.start(), m.end()))
            if [i.kind for i in items] == ["prose"] and [i.kind for i in rest] == ["prose"]:
                # the sentence around the note stays one paragraph (one block, one pause); as written
                # it is the whole line, the note inside it included
                return [Item("prose", _join([items[0].text, rest[0].text]), span=(0, len(line))), noted], \
                    "rule_inline_note"
            rest = _inside(rest, m.end() + _lead(line[m.end() :]), len(after))
            return _inside(items, _lead(line), len(before)) + [noted] + rest, "rule_inline_note"
    for rule in RULES:
        found = rule(line, key, ctx)
        if found is not None:
            return found, rule.__name__
    return [Item("prose", line)], "prose"


def classify(line: str, ctx: Context = Context()) -> list[Item]:
    """Items of one stripped, artefact-free line: the first rule that matches wins.

    >>> [i.kind for i in classify("【字幕：十八届中央纪委六次全会】习近平：要把权力关进制度的笼子里。")]
    ['caption', 'speaker']
    """
    return classify_explained(line, ctx)[0]


# ---------------------------------------------------------------------------------------------
# The walk


@dataclass(frozen=True)
class Explained:
    """How one line was read (``parse --explain``): the rule, and the kinds of the blocks it fed."""

    line: int
    rule: str
    kinds: tuple[str, ...]
    text: str


# A slice of a source line as written: (1-based line, start, end), start and end in the line
# trimmed of its surrounding whitespace; (n, 0, WHOLE) is the whole line.
Piece = tuple[int, int, int]
WHOLE = sys.maxsize


def _written(bases: Sequence[str], pieces: Sequence[Piece]) -> str:
    """The text as written of ``pieces``: one slice per line (a block's pieces on one line are
    merged), each trimmed, the lines joined with ``\\n``."""
    if len(pieces) == 1:  # a whole line slices and strips to the line itself, no copy
        n, a, b = pieces[0]
        return bases[n - 1][a:b].strip()
    out: list[str] = []
    at = 0
    for n, a, b in pieces:  # mostly a label line, then the lines of the text: one piece a line, in order
        if n <= at:
            return _written_merged(bases, pieces)
        text = bases[n - 1][a:b].strip()
        if text:
            out.append(text)
        at = n
    return "\n".join(out)


def _written_merged(bases: Sequence[str], pieces: Sequence[Piece]) -> str:
    """:func:`_written` where a block has several pieces on one line (a marker held for the text
    after it on the same line): each line's pieces are merged into one slice."""
    out: list[str] = []
    at = a0 = b0 = -1
    for n, a, b in sorted(pieces):
        if n == at:
            b0 = max(b0, b)
            continue
        if at > 0:
            out.append(bases[at - 1][a0:b0].strip())
        at, a0, b0 = n, a, b
    out.append(bases[at - 1][a0:b0].strip())
    return "\n".join(t for t in out if t)


def _line_spans(items: Sequence[Item], length: int) -> list[tuple[int, int]]:
    """Where each item of a line stands in it, widened so that together they cover the line:
    what lies between two items (a label, a colon, spaces) goes to the item after it, the head of
    the line to the first item, its tail to the item that reaches furthest."""
    out: list[tuple[int, int]] = []
    reach = 0
    for it in items:
        a, b = it.span or (0, length)
        out.append((min(a, reach), b))
        reach = max(reach, b)
    if reach < length:
        k = max(range(len(out)), key=lambda j: (out[j][1], j))
        out[k] = (out[k][0], length)
    return out


def _positions(clean: str, base: str) -> list[int] | None:
    """Where each character of ``clean`` stands in ``base``, the line as written that cleaning took
    spans out of (artefacts, pinyin, timecodes, table cells, the source note): ``clean`` is a
    subsequence of ``base``, matched from the right so that what was taken out between two items
    (a reading after a character) stays with the item before it."""
    pos = [0] * len(clean)
    j = len(base)
    for k in range(len(clean) - 1, -1, -1):
        j = base.rfind(clean[k], 0, j)
        if j < 0:
            return None
        pos[k] = j
    return pos


_WHOLE_LINE: tuple[None] = (None,)  # the pieces of a line that says one thing: the whole line


def _pieces(n: int, items: Sequence[Item], clean: str, base: str, cut: bool) -> list[Piece]:
    """The slice of line ``n`` as written that each item's block gets, for a line that says
    several things; ``cut``: cleaning took something out of the line, so positions in ``clean``
    are mapped onto ``base``."""
    spans = _line_spans(items, len(clean))
    pos = _positions(clean, base) if cut else None
    if cut and pos is None:  # not expected: every item then gets the whole line, nothing is lost
        return [(n, 0, WHOLE)] * len(items)

    def at(x: int) -> int:
        return len(base) if x >= len(clean) else x if pos is None else pos[x] if x > 0 else 0

    return [(n, at(a), at(b)) for a, b in spans]


@dataclass
class _State:
    span: Literal["paragraph", "marker"] | None  # None: auto, not decided before the first speaker
    path: str | None
    blank_separated: bool = False
    bases: Sequence[str] = ()  # the source lines as written, trimmed: what block texts as written are cut from
    blocks: list[Block] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    title: str | None = None
    title_line: str | None = None
    at_top: bool = True
    section: str | None = None
    mode: Literal["narration", "interview", "caption", "note"] = "narration"
    mode_before_captions: Literal["narration", "interview"] = "narration"
    speaker: Speaker | None = None
    pending: Speaker | None = None  # a speaker line waiting for its speech
    pending_line: int = 0
    pending_is_set: bool = False
    narrator: Speaker | None = None  # a presenter whose turn is the next paragraph
    exchange: Speaker | None = None  # the speaker of the speech just emitted (for （…） replies)
    in_exchange: bool = False
    interviewee: Speaker | None = None  # the last named speaker: who answers 答：… lines
    # Marker-only and speaker-label lines waiting for the block they introduce (its ``lines`` start
    # at them and its text as written holds them), with the kind and speaker they announce.
    cover: list[Piece] = field(default_factory=list)
    cover_kind: BlockKind = BlockKind.NARRATION
    cover_speaker: Speaker | None = None
    super_line: int = 0  # the last line that was part of a name super under a sync marker
    # The relation or role a name super gave a named person (外婆 for 【采访】外婆 钟秀英): a later turn
    # labelled with it alone (外婆：…) is that person's.
    roles: dict[str, Speaker] = field(default_factory=dict)
    role_words: frozenset[str] = frozenset()

    def named(self, who: Speaker) -> None:
        """``who`` (named) is the last interviewee; the first word of the role, a short relation or
        role (外婆 舅舅 老船长), stands for them from now on."""
        self.interviewee = who
        word = who.role.split()[0] if who.role else ""
        if 2 <= len(word) <= 4 and _HAN_CHAR.match(word) and not _reporter(word) and word not in self.roles:
            self.roles[word] = who
            self.role_words = frozenset(self.roles)

    def dubbed_speaker(self) -> Speaker | None:
        """Whose words a dubbed voice reads: the speaker of the interview block just above (past
        captions and notes: the name super, a shot note), else nobody known."""
        if self.pending_is_set:
            return self.pending
        for block in reversed(self.blocks):
            if block.kind is BlockKind.INTERVIEW:
                return block.speaker
            if block.kind not in (BlockKind.CAPTION, BlockKind.NOTE):
                return None
        return None

    def known(self, who: Speaker | None) -> Speaker | None:
        """The named person a turn's relation alone stands for (外婆 → 钟秀英), else ``who``."""
        if who is not None and who.name is None and who.role in self.roles:
            return self.roles[who.role]
        return who

    def emit(
        self, kind: BlockKind, text: str, first: int, last: int, speaker: Speaker | None = None,
        pieces: Sequence[Piece] | None = None,
    ) -> None:
        """A block of lines ``first..last``; ``pieces``: its slices of them as written, ``None`` for
        the whole lines (most blocks). Held marker lines go with it (see :meth:`hold`)."""
        section = self.section
        if kind is BlockKind.TITLE:
            section = None
        above, top = "", first  # the text as written of held lines above the block, and the first of them
        if self.cover:
            if kind in (BlockKind.TITLE, BlockKind.HEADING) and self.blocks:
                self.release()  # a marker with a title or heading after it introduced nothing
            elif kind is BlockKind.NOTE and self.cover_kind is BlockKind.INTERVIEW and self.pending_is_set and \
                    self.pending is not None and self.pending.name and self.cover[-1][0] < first:
                # 受访人：祝宝田（修表师傅） above the record's other fields: the named speaker's label is a
                # block of its own (the person stays pending for the speech), not part of the note
                self.release()
            elif self.cover[-1][0] < first:  # it introduced this block (above the first title: labels the document)
                above, top = _written(self.bases, self.cover), self.cover[0][0]
                self.cover = []
            else:  # a marker on the block's own line: the line's pieces are merged
                if pieces is None:
                    pieces = [(n, 0, WHOLE) for n in range(first, last + 1)]
                pieces = [*self.cover, *pieces]
                top = min(first, self.cover[0][0])
                self.cover = []
        if kind not in (BlockKind.TITLE, BlockKind.NOTE):
            self.at_top = False
        if pieces is not None:
            written = _written(self.bases, pieces)
        elif first == last:
            written = self.bases[first - 1]
        else:  # a paragraph wrapped over lines (no blank line inside it)
            written = "\n".join(self.bases[first - 1 : last])
        if above:
            written = f"{above}\n{written}" if written else above
        self.blocks.append(Block(kind, text, top, last, speaker, section, written))

    def hold(self, n: int, piece: Piece | None, kind: BlockKind, speaker: Speaker | None = None) -> None:
        """Keep a marker-only or speaker-label line (``piece`` of line ``n``, ``None``: all of it) for
        the next block. A marker of another kind first releases the one held (it introduced
        nothing), except a speaker's label, which stays with whatever comes before the speech
        (``【同期】张三`` then ``【字幕】`` then the words)."""
        if self.cover and kind is not self.cover_kind and self.cover_kind is not BlockKind.INTERVIEW:
            self.release()
        if not self.cover:
            self.cover_kind, self.cover_speaker = kind, speaker
        elif kind is self.cover_kind and speaker is not None:
            self.cover_speaker = speaker
        self.cover.append((n, 0, WHOLE) if piece is None else piece)

    def release(self) -> None:
        """The held lines as a block of their own, with no clean text (nothing to say or show): a
        marker or a speaker label that introduced nothing still has its line and its text."""
        if not self.cover:
            return
        pieces, self.cover = self.cover, []
        kind = self.cover_kind
        section = None if kind is BlockKind.TITLE else self.section
        self.blocks.append(
            Block(kind, "", pieces[0][0], pieces[-1][0], self.cover_speaker, section, _written(self.bases, pieces))
        )

    def drop_pending(self, why: str, label_stays: bool = False) -> None:
        """A pending speaker gets no speech: warn, and its label lines become an empty interview —
        unless ``label_stays``: a bare sync marker (``【现场同期】`` ``（現場聲）``) above a dialogue of
        named speakers goes with the first of them, and introduced what follows (no warning)."""
        if self.pending_is_set and label_stays:
            self.pending_is_set, self.pending = False, None
        elif self.pending_is_set:
            self.warnings.append(
                Diagnostic(
                    f"speaker line with no speech ({why})",
                    line=self.pending_line,
                    hint="put the speech in the next paragraph or after the colon",
                    path=self.path,
                )
            )
            self.release_label()

    def release_label(self) -> None:
        """A pending speaker that gets no speech: its label lines become an empty interview."""
        if self.cover and self.cover_kind is BlockKind.INTERVIEW:
            self.cover_speaker = self.pending
            self.release()
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


def _paragraphs(lines: Sequence[str]) -> tuple[list[range], bool]:
    """Group line indexes into paragraphs (runs of consecutive text lines, as ranges: one a line in
    most scripts, and a range, unlike a list, is no object for the garbage collector to track);
    also say whether blank lines separate them.

    Scripts either put one paragraph per line (the common Word export) or separate paragraphs with
    blank lines and may hard-wrap inside them. The second style is recognised when blank lines are
    at least half as many as the gaps between text lines.
    """
    content = [i for i, l in enumerate(lines) if l.strip()]
    if len(content) < 2:
        return [range(i, i + 1) for i in content], False
    gaps = sum(1 for a, b in zip(content, content[1:]) if b - a > 1)
    blank_separated = gaps >= (len(content) - 1) / 2
    if not blank_separated:
        return [range(i, i + 1) for i in content], False
    paras: list[range] = []
    start = prev = content[0]
    for i in content[1:]:
        if i != prev + 1:  # a blank line before i: the paragraph start..prev ends
            paras.append(range(start, prev + 1))
            start = i
        prev = i
    paras.append(range(start, prev + 1))
    return paras, True


@dataclass(frozen=True)
class _Extras:
    """Which of the rarer clean-ups a document needs, found with one scan of the whole text (most
    scripts need none, and a per-line search for each would cost more than the rest of cleaning)."""

    reading: bool = False
    emoji: bool = False
    traditional: bool = False  # some line has a character to fold (else a line is its own key)

    @staticmethod
    def of(lines: Sequence[str], strip_pinyin: bool) -> _Extras:
        text = "\n".join(lines)
        if _RARE_OR_TRADITIONAL.search(text) is None:  # one scan for what a reading, an emoji or folding needs
            return _Extras()
        traditional = _TRADITIONAL_CHAR.search(text) is not None
        if _RARE.search(text) is None:
            return _Extras(traditional=traditional)
        reading = strip_pinyin and _READING.search(text) is not None
        return _Extras(reading=reading, emoji=_EMOJI.search(text) is not None, traditional=traditional)


_ALL_EXTRAS = _Extras(True, True, True)


def _clean(
    line: str, strip_pinyin: bool = True, extras: _Extras = _ALL_EXTRAS
) -> tuple[str, list[tuple[str, str]]]:
    """Strip Word artefacts, inserted pinyin and readings, Markdown marks and emoji; returns the
    clean line and what was removed."""
    found: list[tuple[str, str]] = []
    if "[" in line or "{" in line or "^" in line:  # what every Word artefact opens with
        found = [(a, "word artefact") for a in _ARTEFACTS.findall(line)]
        if found:
            line = _ARTEFACTS.sub("", line)
    if ":" in line[:16] and line.lstrip()[:1] in _TC_FIRST:
        tc = _TIMECODE.match(line)
        if tc is not None:
            found.append((tc.group().strip(), "timecode"))
            line = line[tc.end() :]
    if strip_pinyin and "(" in line:
        pinyin = _PINYIN.findall(line)
        if pinyin:
            found += [(p, "pinyin") for p in pinyin]
            line = _PINYIN.sub("", line)
    if extras.reading and strip_pinyin and ("（" in line or "(" in line):
        reading = _READING.findall(line)
        if reading:  # 曬鹽（ㄕㄞˋ ㄧㄢˊ） 鹹（kiâm）: a reading for the reader, never voiced
            found += [(r, "romanisation") for r in reading]
            line = _READING.sub("", line)
    if "*" in line or "__" in line or line[:1] in _MARKDOWN_FIRST and _MARKDOWN_LEAD.match(line):
        mark = _MARKDOWN_LEAD.match(line)
        if mark is not None:  # > 撰稿：…  - 画面：…: a Markdown quote or list item
            found.append((mark.group().strip(), "markdown"))
            line = line[mark.end() :]
        bold = _MARKDOWN_BOLD.findall(line)
        if bold:  # **解说：** the label set in bold
            found += [(b, "markdown") for b in bold]
            line = _MARKDOWN_BOLD.sub("", line)
    if extras.emoji and _EMOJI.search(line) is not None:  # 🎬 📝 🥬 ❤️: decoration of a web article, never voiced
        found += [(e, "emoji") for e in _EMOJI.findall(line)]
        line = _EMOJI.sub("", line)
    return line, found


# Bopomofo, or a Latin reading with a diacritic (POJ, Tâi-lô, pinyin with spaces), in brackets
# right after Han characters: 曬鹽（ㄕㄞˋ ㄧㄢˊ） 袂振動（bē tín-tāng） 洪阿土（Âng A-thóo）.
_READING = re.compile(
    r"(?<=[\u3400-\u9fff])[（(](?:[\u3105-\u312f\u31a0-\u31bfˊˇˋ˙ ]+"
    r"|(?=[^（）()]*[\u00c0-\u024f\u0300-\u036f])[A-Za-z\u00c0-\u024f\u0300-\u036f'’ \-]{1,40})[）)]"
)
_MARKDOWN_LEAD = re.compile(r"^\s*(?:>|[-*+](?=\s))\s+(?=.*[\u3400-\u9fffA-Za-z])")
_RARE_CHARS = "\u3105-\u312f\u31a0-\u31bf\u00c0-\u024f\u0300-\u036f\U0001f000-\U0001faff\u2764\ufe0f"
_RARE = re.compile(f"[{_RARE_CHARS}]")
_TRADITIONAL_CHAR = re.compile(f"[{re.escape(TRADITIONAL_CHARS)}]")
_RARE_OR_TRADITIONAL = re.compile(f"[{_RARE_CHARS}{re.escape(TRADITIONAL_CHARS)}]")
_MARKDOWN_FIRST = frozenset(">-+")
_MARKDOWN_BOLD = re.compile(r"\*\*|__")
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2764\ufe0f]+\\s*")


_TC_FIRST = frozenset("0123456789[［(（")


def _is_phrase(line: str) -> bool:
    """A short phrase line that does not end a sentence, for telling verse-like narration (one
    phrase per line) from headings standing between paragraphs."""
    return 0 < len(line) <= 20 and line[-1] not in "：:。." and line[0] not in "【[［〔〖（(《#•"


def _dialogue_labels(keys: Sequence[str], style: Style) -> frozenset[str]:
    """Labels that open two or more lines, when at least two such labels take turns: a dialogue.

    A label that takes one turn right before or after a named person's turn (``小顺子：董大哥，桐油不够了。``
    between ``董长水：…`` lines, a screenplay's or a scene's) is a speaker of the dialogue too: two to four
    Han characters, no job title, no reporting verb (``他回忆：`` stays narration)."""
    counts: Counter[str] = Counter()
    at: dict[int, str] = {}  # line index -> its label
    for i, k in enumerate(keys):
        if k and k[-1] not in COLONS and ("：" in k[:8] or ":" in k[:8]):
            m = _DIALOGUE_LABEL.match(k)
            if m:
                counts[m.group(1)] += 1
                at[i] = m.group(1)
    if not at:
        return frozenset()
    known = _KNOWN_LABELS.get(style)
    if known is None:
        words = set(_NARRATION_WORDS) | set(_SYNC_WORDS) | set(_HEADING_WORDS) | set(_TITLE_WORDS) | _PRESENTER_LABELS
        words |= set(_CAPTION_WORDS) | _QUESTION_LABELS | _ANSWER_LABELS | style.words()
        known = _KNOWN_LABELS[style] = frozenset(words)

    def usable(w: str) -> bool:
        return ((w.upper() if w.isascii() else w) not in known and not _CREDIT.match(w + "：")
                and not _LEAD_NOTE.match(w + "：") and not _NOT_A_NAME.search(w))

    labels = {w for w, c in counts.items() if c >= 2 and usable(w)}
    labels = labels if len(labels) >= 2 else set()
    if len(at) >= 2:
        for i, w in at.items():
            if w in labels or not _TURN_WORD.match(w) or looks_like_name(w) or character_voice(w):
                continue
            near = [at.get(j) for j in (_next_text(keys, i, -1), _next_text(keys, i, 1))]
            if any(o is not None and o != w and looks_like_name(o) for o in near) and usable(w) \
                    and not contains_role(w) and not w.endswith(_REPORTING):
                labels.add(w)
    return frozenset(labels)


# Words that label a marker or a structure, not a dialogue's speaker, per house style (built once).
_KNOWN_LABELS: dict[Style, frozenset[str]] = {}
# A turn's label: two to four Han characters. Reporting verbs end labels that are narration (他回忆：).
_TURN_WORD = re.compile(r"^[\u3400-\u9fff]{2,4}$")
_REPORTING = ("说", "道", "称", "问", "答", "讲", "写", "曰", "表示", "指出", "强调", "认为", "介绍", "回忆", "坦言",
              "提到", "感叹", "喊", "叫", "想")


def _next_text(keys: Sequence[str], i: int, step: int) -> int:
    """The index of the nearest text line before (``step`` -1) or after (1) line ``i``, or -1."""
    j = i + step
    while 0 <= j < len(keys) and not keys[j]:
        j += step
    return j if 0 <= j < len(keys) else -1


class _Lines:
    """The cleaned lines with what the rules may know about each one before the walk: its folded
    key, and — built only for lines that need the rules — its static :class:`Context`."""

    def __init__(self, cleaned: list[str], style: Style, traditional: bool = True) -> None:
        self.cleaned = cleaned
        # ``traditional``: whether any line has a character to fold (the caller scanned the text once)
        self.keys = [fold(c) if c else "" for c in cleaned] if traditional else list(cleaned)
        self.content = [i for i, c in enumerate(cleaned) if c]
        self.next_of: dict[int, int] = dict(zip(self.content, self.content[1:]))
        self.prev_of: dict[int, int] = dict(zip(self.content[1:], self.content))
        self.last = self.content[-1] if self.content else None
        self.style = style
        self.dialogue = _dialogue_labels(self.keys, style)
        self.static: dict[int, Context] = {}

    def next_wrapped(self, i: int) -> bool:
        nxt = self.next_of.get(i)
        return nxt is not None and _WRAPPED.match(self.cleaned[nxt]) is not None

    def next_speechlike(self, i: int) -> bool:
        nxt = self.next_of.get(i)
        if nxt is None:
            return False
        k = self.keys[nxt]
        return k[-1] in "。！？!?…”」』" or k[0] in "（(【[［〔"

    def next_name(self, i: int) -> bool:
        nxt = self.next_of.get(i)
        return nxt is not None and len(self.keys[nxt]) <= 8 and looks_like_name(self.keys[nxt].replace(" ", ""))

    def next_intro(self, i: int) -> bool:
        nxt = self.next_of.get(i)
        return nxt is not None and person_intro(self.keys[nxt])

    def next_timing(self, i: int) -> bool:
        return i + 1 < len(self.keys) and "-->" in self.keys[i + 1] and _CUE_TIMING.match(self.keys[i + 1]) is not None

    def in_short_run(self, i: int) -> bool:
        prev, nxt = self.prev_of.get(i), self.next_of.get(i)
        return prev is not None and _is_phrase(self.cleaned[prev]) or nxt is not None and _is_phrase(self.cleaned[nxt])

    def context(self, i: int) -> Context:
        """The context of line ``i`` from the lines around it only (no state of the walk)."""
        ctx = self.static.get(i)
        if ctx is None:
            ctx = self.static[i] = Context(
                at_top=False,
                next_wrapped=self.next_wrapped(i),
                next_speechlike=self.next_speechlike(i),
                in_short_run=self.in_short_run(i),
                last=i == self.last,
                dialogue=self.dialogue,
                style=self.style,
            )
        return ctx


_CUE_TIMING = re.compile(r"^(?:\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*)?-->\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*$")
_CELL = re.compile(r"\s*[|｜]\s*|\t+")
# The columns of a shot table (分镜头脚本) flattened to text: which one is heard, which ones are
# for the crew. A header row with two or more crew columns and one spoken column marks a table.
_SPOKEN_COLUMNS = frozenset(("解说词", "解说", "旁白", "配音", "画外音", "解说词/同期", "解说/同期", "同期/解说",
                             "文案",
                             "台词", "声音", "解说词（同期）", "解说（同期）"))
_CREW_COLUMNS = frozenset(("镜号", "景别", "画面", "画面内容", "时长", "音乐", "音效", "字幕", "备注", "镜头", "技巧",
                           "运镜", "拍摄方法", "时间", "序号", "场景", "长度", "秒数", "机位", "音乐/音效"))


# The column of on-screen text: a row with nothing to say there is a caption, and the name super of a
# sound bite stands in it (画面 | 解说 | 字幕 with 【同期】speech | 姓名 职务).
_CAPTION_COLUMNS = frozenset(("字幕", "屏幕文字", "字幕/人名条", "人名条", "字幕条"))


def _flatten_table(
    cleaned: list[str], keys: list[str], removed_at: dict[int, list[tuple[str, str]]]
) -> dict[int, tuple[Literal["caption", "super"], str]]:
    """A shot table pasted as text (``镜号 | 景别 | 时长 | 画面 | 音乐 | 解说词``): each row under the header
    becomes its spoken cell; the crew's cells are set aside (listed, reason ``table column``). A row
    whose spoken cell is empty stays as it is (a note, like the header), unless the table has a caption
    column with text in that row: then the row is that caption. A line without cells inside the table
    (``第二部分　匠心``, a row spanning the table) does not end it, two such lines do; the next row must
    then have the header's number of cells. Returns the rows that are captions, and the caption cells of rows with
    speech (the name super of the speaker), by line index."""
    col = ncells = cap = None
    gap = 0  # lines without cells since the last row
    found_rows: dict[int, tuple[Literal["caption", "super"], str]] = {}
    for i, key in enumerate(keys):
        if not key:
            col = None
            continue
        if "|" not in key and "｜" not in key and "\t" not in key:
            gap = gap + 1 if col is not None else 0
            if gap > 1:
                col = None
            continue
        cells = [c.strip() for c in _CELL.split(key)]
        fits = len(cells) == ncells if gap else ncells is not None and abs(len(cells) - ncells) <= 1
        gap = 0
        if col is not None and ncells is not None and fits and col < len(cells):
            bounds = [0] + [x for m in _CELL.finditer(key) for x in (m.start(), m.end())] + [len(key)]
            row = cleaned[i]  # the folded key has the same length: its cell bounds cut the row as written
            keep = col
            if not cells[col]:
                if cap is None or cap >= len(cells) or not cells[cap]:
                    continue
                keep = cap
                found_rows[i] = ("caption", "")
            elif cap is not None and cap < len(cells) and cells[cap]:
                found_rows[i] = ("super", row[bounds[2 * cap] : bounds[2 * cap + 1]].strip())
            start, stop = bounds[2 * keep], bounds[2 * keep + 1]
            before, spoken, after = row[:start].strip(), row[start:stop].strip(), row[stop:].strip()
            found = removed_at.setdefault(i, [])
            found += [(t, "table column") for t in (before, after) if t]
            cleaned[i], keys[i] = spoken, fold(spoken)
            continue
        heard = [k for k, c in enumerate(cells) if c in _SPOKEN_COLUMNS]
        if len(heard) == 1 and sum(c in _CREW_COLUMNS for c in cells) >= 2:
            col, ncells = heard[0], len(cells)
            cap = next((k for k, c in enumerate(cells) if c in _CAPTION_COLUMNS), None)
        else:
            col = None
    return found_rows


def _table_row(
    items: list[Item], rule: str, kind: Literal["caption", "super"], cell: str, line: str
) -> tuple[list[Item], str]:
    """A table row with its caption column: the row is that caption, or the caption names the speaker
    of the sound bite in the row's spoken cell (``【同期】speech`` with ``胡一鸣　机械学院博士生`` beside it)."""
    if kind == "caption":
        return [Item("caption", line)], "table caption"
    who = _designation_speaker(cell) or separated_designation(cell)
    if who is None or who.name is None:
        return items, rule
    named = [Item(i.kind, i.text, who, i.removed, i.covers) if i.kind == "speaker" and i.speaker is None else i
             for i in items]
    return named, rule


def _narration_after(lines: _Lines, i: int) -> bool:
    """Whether a narration marker comes after line ``i``: what ``auto`` needs at the first speaker.

    Only lines holding a narration or presenter word can say so; they are classified with their
    static context (an unterminated bracket there is reported when the walk reaches it).
    """
    hint = _narration_hint(lines.style)
    cleaned, keys = lines.cleaned, lines.keys
    for j in lines.content:
        if j <= i or hint.search(keys[j]) is None:
            continue
        try:
            items = classify_explained(cleaned[j], lines.context(j), keys[j])[0]
        except ScriptError:
            continue
        if any(it.kind == "narration" for it in items):
            return True
    return False


_HINTS: dict[Style, re.Pattern[str]] = {}


def _narration_hint(style: Style) -> re.Pattern[str]:
    hint = _HINTS.get(style)
    if hint is None:
        words = set(_NARRATION_WORDS) | set(_PRESENTER_MARKERS) | _PRESENTER_LABELS | style.narration | style.presenters
        words |= {"男声", "女声"}  # 【男声】 【女声】: the narrator's voice named alone (_voiced_narration)
        hint = _HINTS[style] = re.compile("|".join(map(re.escape, sorted(words))))
    return hint


def parse_lines(
    lines: Sequence[str],
    *,
    path: str | None = None,
    interview_span: InterviewSpan = "auto",
    style: Style = NO_STYLE,
    strip_pinyin: bool = True,
    explain: list[Explained] | None = None,
) -> Script:
    """Parse normalised source lines (index 0 is line 1) into a :class:`Script`.

    ``style`` adds a house style's marker words; ``explain``, when a list, receives one
    :class:`Explained` per text line. Raises :class:`ScriptError` (with ``path`` and ``line``) for
    structure that cannot be recovered: an unterminated marker bracket.
    """
    cleaned: list[str] = []
    removed_at: dict[int, list[tuple[str, str]]] = {}
    extras = _Extras.of(lines, strip_pinyin)
    for n0, raw in enumerate(lines):
        clean, found = _clean(raw, strip_pinyin, extras)
        cleaned.append(clean.strip())
        if found:
            removed_at[n0] = found

    # The trailing source note: （来源：…） at the end of the last text line, or a 来源： line.
    last = max((i for i, l in enumerate(cleaned) if l), default=None)
    if last is not None:
        m = _SOURCE_NOTE.search(cleaned[last])
        if m and cleaned[last][: m.start()].strip():
            removed_at.setdefault(last, []).append((m.group(0).strip(), "source note"))
            cleaned[last] = cleaned[last][: m.start()].rstrip()
        elif m or _SOURCE_LINE.match(cleaned[last]):
            removed_at.setdefault(last, []).append((cleaned[last], "source note"))
            cleaned[last] = ""

    joined = "\n".join(cleaned)
    table_rows: dict[int, tuple[Literal["caption", "super"], str]] = {}
    if "|" in joined or "｜" in joined or "\t" in joined:
        table_rows = _flatten_table(cleaned, [fold(c) for c in cleaned], removed_at)
    info = _Lines(cleaned, style, extras.traditional)
    keys, dialogue = info.keys, info.dialogue
    span: Literal["paragraph", "marker"] | None = None if interview_span == "auto" else interview_span
    paragraphs, blank_separated = _paragraphs(cleaned)
    # A line that cleaning left as it was is its own text as written (trimmed the same way).
    bases = cleaned
    if removed_at:
        bases = list(cleaned)
        for i in removed_at:
            bases[i] = lines[i].strip()
    st = _State(span=span, path=path, blank_separated=blank_separated, bases=bases)
    for n0, found in sorted(removed_at.items()):
        for text, reason in found:
            st.removed.append(Removed(n0 + 1, text, reason))

    # A line's context is one of few combinations of its fields: each is built once per parse (a
    # frozen dataclass of 18 fields costs more to build than most rules cost to run).
    contexts: dict[tuple[object, ...], Context] = {}
    for para in paragraphs:
        alone = len(para) == 1
        prose: list[tuple[int, str, Piece | None]] = []  # (line, text, slice as written; None: the whole line)
        for i in para:
            n = i + 1
            line, key = cleaned[i], keys[i]
            next_wrapped = info.next_wrapped(i) if len(key) <= 40 else None  # None: not looked at yet
            if _plain_prose(line, key, st.at_top, st.title_line, bool(next_wrapped)):
                prose.append((n, line, None))
                if explain is not None:
                    explain.append(Explained(n, "prose", (), line))
                continue
            if next_wrapped is None:
                next_wrapped = info.next_wrapped(i)
            pending_is_set = st.pending_is_set
            awaiting = pending_is_set and (st.pending is None or st.pending.name is None)
            named_above = pending_is_set and st.super_line == info.prev_of.get(i, -1) + 1
            fields = (
                pending_is_set,
                st.title is not None,
                alone,
                st.mode in ("caption", "note"),
                st.at_top,
                st.title_line,
                next_wrapped,
                info.next_speechlike(i),
                info.in_short_run(i),
                i == info.last,
                awaiting,
                awaiting and info.next_name(i),
                st.mode == "interview" and st.speaker is not None and not pending_is_set,
                info.next_timing(i),
                named_above and st.pending is not None and st.pending.role is None,
                st.role_words,
                key[:1] in "【[［〔〖" and info.next_intro(i),  # only a marker alone looks at it
            )
            ctx = contexts.get(fields)
            if ctx is None:
                ctx = contexts[fields] = Context(
                    expecting_speech=fields[0],
                    has_title=fields[1],
                    alone=fields[2],
                    in_captions=fields[3],
                    at_top=fields[4],
                    title_line=fields[5],
                    next_wrapped=fields[6],
                    next_speechlike=fields[7],
                    in_short_run=fields[8],
                    last=fields[9],
                    dialogue=dialogue,
                    style=style,
                    awaiting_name=fields[10],
                    next_name=fields[11],
                    speaking=fields[12],
                    next_timing=fields[13],
                    awaiting_role=fields[14],
                    roles=fields[15],
                    next_intro=fields[16],
                )
            try:
                items, rule = classify_explained(line, ctx, key, checked=True)
            except ScriptError as exc:
                raise ScriptError(exc.what, path=path, line=n, hint=exc.hint) from None
            if i in table_rows:
                items, rule = _table_row(items, rule, *table_rows[i], line)
            if ctx.last and items[0].kind == "prose" and _OPENS_BRACKET.match(line) and match_bracket(line, 0) is None:
                why, hint = "the script ends inside a marker; kept as text", "close the bracket or remove the line"
                st.warnings.append(Diagnostic(why, line=n, hint=hint, path=path))
            if st.span is None:  # auto: decided at the first speaker, by what follows it
                at = next((k for k, it in enumerate(items) if it.kind == "speaker"), None)
                if at is not None:
                    later = any(it.kind == "narration" for it in items[at + 1 :])
                    st.span = "marker" if later or _narration_after(info, i) else "paragraph"
            before = len(st.blocks)
            slices = _WHOLE_LINE if len(items) == 1 else _pieces(n, items, line, bases[i], i in removed_at)
            for it, piece in zip(items, slices):
                for text, reason in it.removed:
                    st.removed.append(Removed(n, text, reason))
                if it.kind == "prose":
                    prose.append((n, it.text, piece))
                    continue
                _flush(st, prose)
                prose = []
                _apply(st, it, n, piece)
            if explain is not None:
                explain.append(Explained(n, rule, tuple(b.kind.value for b in st.blocks[before:]), cleaned[i]))
        _flush(st, prose)
        # The end of a caption run: a blank line in a script written one paragraph per line; in a
        # blank-separated script, the first paragraph that is not a short caption-like line.
        if st.mode == "caption" and _next_is_blank(cleaned, para[-1]):
            nxt = info.next_of.get(para[-1])
            if not st.blank_separated or nxt is None or not _caption_like(cleaned[nxt]):
                st.mode = st.mode_before_captions

    if st.pending_is_set:
        st.warnings.append(
            Diagnostic(
                "speaker line at the end of the script has no speech",
                line=st.pending_line,
                hint="the page may be cut off; add the speech after the speaker line or remove the line",
                path=path,
            )
        )
        st.release_label()
    st.release()  # a marker on the last lines: it introduced nothing, its line stays
    if explain is not None:
        _explain_flushed(explain, st.blocks)
    if removed_at:  # what the cleaning took out was listed first: list each line's spans in source order
        cleaned_at = {n0 + 1 for n0 in removed_at}

        def in_order(r: Removed) -> tuple[int, int]:
            if r.line not in cleaned_at:
                return r.line, 0
            pos = lines[r.line - 1].find(r.text)
            return r.line, pos if pos >= 0 else len(lines[r.line - 1])

        st.removed.sort(key=in_order)
    return Script(
        title=st.title,
        blocks=tuple(st.blocks),
        removed=tuple(st.removed),
        warnings=tuple(st.warnings),
        source=path,
    )


def _explain_flushed(explain: list[Explained], blocks: Sequence[Block]) -> None:
    """Give each explained line the kinds of the blocks that cover it (prose is emitted when its
    paragraph ends, and a marker line may belong to the block after it)."""
    for k, e in enumerate(explain):
        kinds = tuple(dict.fromkeys(b.kind.value for b in blocks if b.first_line <= e.line <= b.last_line))
        explain[k] = Explained(e.line, e.rule, kinds, e.text)


def _caption_like(line: str) -> bool:
    return len(line) <= 30 and not _SENTENCE_END.search(line) and line[0] not in "【[［〔〖（("


def _next_is_blank(cleaned: Sequence[str], i: int) -> bool:
    return i + 1 >= len(cleaned) or not cleaned[i + 1]


def _one(piece: Piece | None) -> list[Piece] | None:
    return None if piece is None else [piece]


def _apply(st: _State, it: Item, n: int, piece: Piece | None) -> None:
    """One item of line ``n`` into the state: a block, or a marker held for the block it introduces.

    ``piece`` is the item's slice of the line as written (``None``: the whole line).
    """
    if it.kind != "note":
        st.in_exchange = False
    if it.kind == "dubbed":  # the dubbed voice speaks for the person whose original sound is above
        it = Item("speaker", it.text, st.dubbed_speaker(), it.removed, it.covers, it.span)
    elif it.kind == "continued":  # after a transcriber's mark: the speech above goes on, else what prose is
        spoken = next((b for b in reversed(st.blocks) if b.kind not in (BlockKind.CAPTION, BlockKind.NOTE)), None)
        if not st.pending_is_set and (spoken is None or spoken.kind is not BlockKind.INTERVIEW):
            _flush(st, [(n, it.text, piece)])
            return
        who = None if st.pending_is_set or spoken is None else spoken.speaker
        it = Item("speaker", it.text, who, it.removed, it.covers, it.span)
    if it.kind in ("note_run", "caption_run", "narration", "speaker"):
        st.at_top = False  # a marker: the script has begun, whatever follows is no title
    if it.kind == "title":
        st.drop_pending("a title follows")
        if st.title is None:
            st.title = it.text
            st.title_line = it.text if not it.removed else None
            st.emit(BlockKind.TITLE, it.text, n, n, None, _one(piece))
        elif st.at_top:
            st.emit(BlockKind.TITLE, it.text, n, n, None, _one(piece))
        else:
            st.section = it.text
            st.emit(BlockKind.HEADING, it.text, n, n, None, _one(piece))
        st.mode = "narration"
    elif it.kind == "heading":
        st.drop_pending("a heading follows")
        st.section = it.text
        st.emit(BlockKind.HEADING, it.text, n, n, None, _one(piece))
        st.mode = "narration"
    elif it.kind == "note":
        st.emit(BlockKind.NOTE, it.text, n, n, None, _one(piece))
    elif it.kind == "note_run":
        st.drop_pending("a shot list follows")
        st.mode = "note"
        st.hold(n, piece, BlockKind.NOTE)
    elif it.kind == "caption":
        st.emit(BlockKind.CAPTION, it.text, n, n, None, _one(piece))
    elif it.kind == "caption_run":
        if st.mode != "caption":
            st.mode_before_captions = "interview" if st.mode == "interview" else "narration"
        st.mode = "caption"
        st.hold(n, piece, BlockKind.CAPTION)
    elif it.kind == "narration":
        st.drop_pending("a narration marker follows")
        st.mode = "narration"
        st.speaker = None
        st.narrator = it.speaker
        if it.text:
            st.emit(BlockKind.NARRATION, it.text, n, n, it.speaker, _one(piece))
            st.narrator = None
        else:  # 【解说】 解说词： 【导语】 alone: the line goes with the narration it opens
            st.hold(n, piece, BlockKind.NARRATION, it.speaker)
    elif it.kind in ("question", "answer"):
        who = st.pending if st.pending_is_set else st.interviewee
        st.pending_is_set, st.pending = False, None
        st.interviewee = who
        speaker = it.speaker if it.kind == "question" else who
        if it.kind == "question":  # the interviewee's label line belongs to the first answer, not the question
            keep, st.cover = st.cover, []
            st.emit(BlockKind.INTERVIEW, it.text, n, n, speaker, _one(piece))
            st.cover = keep
        else:
            st.emit(BlockKind.INTERVIEW, it.text, n, n, speaker, _one(piece))
        st.exchange, st.in_exchange = speaker, True
        st.mode, st.speaker = ("interview", speaker) if st.span == "marker" else ("narration", None)
    elif it.kind == "attribution":
        _attribute(st, it, n, piece)
    elif it.kind == "super":  # a line of a name super completing the speaker of the marker above
        above = st.pending if st.pending_is_set else None
        new = it.speaker or Speaker(None, None)
        who = Speaker(new.name or (above.name if above else None), new.role or (above.role if above else None))
        st.pending, st.pending_is_set, st.speaker = who, True, who
        st.pending_line = st.pending_line if above is not None else n
        st.super_line = n
        if who.name:
            st.named(who)
        st.hold(n, piece, BlockKind.INTERVIEW, who)
    elif it.kind == "speaker":
        if it.speaker is None and st.pending_is_set and (it.text or it.covers):
            # （同期）speech under a name super: the speech of the speaker named above
            it = Item(it.kind, it.text, st.pending, it.removed, it.covers)
            st.pending_is_set, st.pending = False, None
        if st.roles and it.speaker is not None and it.speaker.name is None:
            it = Item(it.kind, it.text, st.known(it.speaker), it.removed, it.covers, it.span)
        st.drop_pending("another speaker follows", label_stays=st.pending is None and it.speaker is not None)
        if it.speaker is not None and it.speaker.name:
            st.named(it.speaker)
        if it.text:
            text, wrap = _unwrap_speech(it.text)
            for w in wrap:
                st.removed.append(Removed(n, w, "speech brackets"))
            st.emit(BlockKind.INTERVIEW, text, n, n, it.speaker, _one(piece))
            st.exchange, st.in_exchange = it.speaker, True
            if st.span == "marker":
                st.mode, st.speaker = "interview", it.speaker
            else:
                st.mode, st.speaker = "narration", None
        else:
            st.pending, st.pending_line, st.pending_is_set = it.speaker, n, True
            st.mode = "narration" if st.span == "paragraph" else "interview"
            st.speaker = it.speaker
            st.hold(n, piece, BlockKind.INTERVIEW, it.speaker)  # the label goes with the speech it introduces
            if it.covers:
                st.super_line = n  # 【同期】陈文彦 alone: a role line may follow


def _attribute(st: _State, it: Item, n: int, piece: Piece | None) -> None:
    """``——姓名，职务`` right under a quotation names its speaker; anywhere else it is a note."""
    last = st.blocks[-1] if st.blocks else None
    if last is not None and last.last_line >= n - 2 and (
        last.kind is BlockKind.INTERVIEW and (last.speaker is None or last.speaker.name is None)
        or last.kind is BlockKind.NARRATION and _QUOTED.match(last.text)
    ):
        written = "\n".join(t for t in (last.written, _written(st.bases, [piece or (n, 0, WHOLE)])) if t)
        st.blocks[-1] = Block(BlockKind.INTERVIEW, last.text, last.first_line, n, it.speaker, last.section, written)
        st.removed.append(Removed(n, it.text, "speaker label"))
        st.interviewee = it.speaker
    else:
        st.emit(BlockKind.NOTE, it.text, n, n, None, _one(piece))


def _flush(st: _State, prose: list[tuple[int, str, Piece | None]]) -> None:
    if not prose:
        return
    pieces: list[Piece] | None = None  # None: the whole lines first..last (a paragraph of whole lines, mostly)
    if len(prose) == 1:  # one line a paragraph, mostly
        first, text, piece = prose[0]
        last = first
        if piece is not None:
            pieces = [piece]
    else:
        text = _join([t for _, t, _ in prose])
        first, last = prose[0][0], prose[-1][0]
        if any(p is not None for _, _, p in prose):
            pieces = [(n, 0, WHOLE) if p is None else p for n, _, p in prose]
    if st.pending_is_set:
        speaker = st.pending
        st.pending_is_set, st.pending = False, None
        text, wrap = _unwrap_speech(text)
        for w in wrap:
            st.removed.append(Removed(first, w, "speech brackets"))
        st.emit(BlockKind.INTERVIEW, text, first, last, speaker, pieces)
        st.exchange, st.in_exchange = speaker, True
        if st.span == "paragraph":
            st.mode, st.speaker = "narration", None
        return
    if st.in_exchange and _WRAPPED.match(text) is not None and match_bracket(text, 0) == len(text) - 1:
        # （……） replies right after speech: the exchange goes on
        text, wrap = _unwrap_speech(text)
        for w in wrap:
            st.removed.append(Removed(first, w, "speech brackets"))
        st.emit(BlockKind.INTERVIEW, text, first, last, st.exchange, pieces)
        return
    st.in_exchange = False
    if st.mode == "interview":
        st.emit(BlockKind.INTERVIEW, text, first, last, st.speaker, pieces)
    elif st.mode == "caption":
        for n, t, p in prose:
            st.emit(BlockKind.CAPTION, t, n, n, None, _one(p))
    elif st.mode == "note":
        if _SENTENCE_END.search(text[-2:]):  # a full sentence after a shot list is narration again
            st.mode = "narration"
            st.emit(BlockKind.NARRATION, text, first, last, None, pieces)
        else:
            st.emit(BlockKind.NOTE, text, first, last, None, pieces)
    elif st.narrator is not None:
        st.emit(BlockKind.NARRATION, text, first, last, st.narrator, pieces)
        st.narrator = None
    elif not reads_like_sentence(text) and not (st.cover and st.cover_kind is BlockKind.NARRATION):
        # not a sentence, and not under a lone narration marker (what follows one is narration)
        st.emit(BlockKind.NOTE, text, first, last, None, pieces)
    else:
        st.emit(BlockKind.NARRATION, text, first, last, None, pieces)


def parse_text(
    text: str, *, path: str | None = None, interview_span: InterviewSpan = "auto", style: Style = NO_STYLE
) -> Script:
    """Parse a script held in a string (tests and library users); see :func:`parse_lines`."""
    from subtoolkit.text.ingest import normalise_lines, split_lines

    lines, _ = normalise_lines(split_lines(text))
    return parse_lines(lines, path=path, interview_span=interview_span, style=style)


def iter_spoken(script: Script) -> Iterable[tuple[int, Block]]:
    """Blocks that are heard (narration and interviews) with their index in ``script.blocks``."""
    return ((i, b) for i, b in enumerate(script.blocks) if b.kind.spoken)
