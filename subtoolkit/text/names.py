"""Telling a person's name from a job title in speaker labels.

Scripts write speakers as ``薛澜（清华大学教授）``, ``【同期】村支书 王大明``,
``【采访·村支书王大明】`` or ``同期声（习近平总书记作党的十九大报告）``. Splitting those needs two
small pieces of knowledge: which characters start Chinese names (surnames) and which words are
job titles. Both are plain data here so a house style with other titles can extend them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from subtoolkit.text.fold import fold

# Common single-character surnames (the great majority of the population) and compound ones.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
    "莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪"
    "梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简"
    "车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄"
    "丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区"
    "郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍"
    "辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣"
    "信展阴昝智幸奉植衡富尧闭由习訾钮仉郗滑洪"
)
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 令狐 长孙 宇文 司徒 夏侯 轩辕 端木 独孤 南宫 西门 百里".split()
)

# Job titles and roles, longest first so that 总书记 wins over 书记.
ROLE_WORDS: tuple[str, ...] = tuple(
    sorted(
        """总书记 书记 副书记 主席 副主席 总理 部长 副部长 局长 副局长 院长 副院长 校长 所长 厅长 处长 科长 司长
        主任 副主任 委员 常委 教授 副教授 研究员 专家 学者 记者 主持人 总经理 经理 董事长 厂长 矿长 队长 县长
        副县长 市长 省长 镇长 乡长 村长 区长 支书 村支书 村民 居民 工人 员工 职工 医生 护士 老师 教师 学生 工程师
        技术员 民警 警官 律师 法官 检察官 代表 负责人 创始人 成员 巡视员 组长 站长 船长 机长 班长 师傅 农民
        渔民 志愿者 作家 导演 演员 馆长 秘书长 会长 理事长 总裁 总监 主管 干部 战士 军官 司令员 政委 家属
        村干部 安全员 调查员 驾驶员 消防员 指导员 讲解员 学员 摄影师 摄像师 设计师 建筑师 规划师 分析师 主播 播音员
        专员 联络员 社长 台长 团长 首席 顾问 大使 参赞 领事 议员 教练 运动员 火炬手 科学家 艺术家 企业家 牧民 护边员
        党委书记 干事 助理 博士 硕士 院士 研究生 本科生 大学生 中学生 小学生 店主 老板 厨师 司机 船员 渔夫 农户
        户主 老人 老兵 居委会主任 社区干部 网格员 村医 乡医 兽医 翻译 向导 导游 保安 发言人 新闻发言人 理事""".split(),
        key=len,
        reverse=True,
    )
)

# Forms of address after a surname (卜师傅 孔阿姨 王大爷): the name a person goes by in a report.
ADDRESS_TERMS = ("师傅", "老师", "阿姨", "大爷", "大妈", "奶奶", "爷爷", "婆婆", "大姐", "大哥", "大叔", "大婶", "阿婆",
                 "阿伯", "伯伯", "叔叔", "婶婶", "老伯")

# A label ending in one of these is a reporting verb (王珉写道：), not a name.
_VERB_ENDINGS = ("说", "道", "称", "问", "答", "讲", "表示", "指出", "强调", "认为", "介绍", "回忆", "坦言", "写", "曰")

_HAN = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]+$")
_NAME_WITH_DOT = re.compile(r"^[\u3400-\u9fff]{1,8}(?:[·•・][\u3400-\u9fff]{1,8}){1,3}$")
# A transliterated or minority name written without a surname (费尔南德斯, 甲拉以洛): trusted only
# where the designation says it is a name — after a job title, or as the last word of a caption.
_GIVEN_ONLY = re.compile(r"^[\u3400-\u9fff]{2,6}$")
_LATIN_WORD = re.compile(r"^[A-Za-z][A-Za-z.'\-]*$")
_TOKEN = re.compile(r"\S+")


def has_surname(s: str) -> bool:
    return s[:2] in COMPOUND_SURNAMES or (s[:1] in SURNAMES)


_ANY_ROLE = re.compile("|".join(map(re.escape, ROLE_WORDS)))


def contains_role(s: str) -> bool:
    return _ANY_ROLE.search(s) is not None


@lru_cache(maxsize=4096)  # the same few names label speech all through a script, and every rule asks
def looks_like_name(s: str) -> bool:
    """A personal name: 2–4 Han characters starting with a surname, or a name with ``·``.

    >>> looks_like_name("薛澜"), looks_like_name("王珉写道"), looks_like_name("在忏悔录中")
    (True, False, False)
    >>> looks_like_name("趙明")  # Traditional characters are folded first
    True
    >>> looks_like_name("老周"), looks_like_name("老师"), looks_like_name("小说")
    (True, False, False)
    >>> looks_like_name("卜师傅"), looks_like_name("数学老师")
    (True, False)
    """
    s = fold(s)
    if _NAME_WITH_DOT.match(s):
        return True
    if not (2 <= len(s) <= 4) or not _HAN.match(s):
        return False
    if s.endswith(ADDRESS_TERMS) and len(s) - 2 == (2 if s[:2] in COMPOUND_SURNAMES else 1) and has_surname(s):
        return True  # 卜师傅, 孔阿姨, 欧阳老师: how a report names a person it knows by surname only
    if s.endswith(_VERB_ENDINGS) or contains_role(s):
        return False
    if len(s) == 2 and s[0] in "老小阿" and s[1] in SURNAMES:  # 老周, 小吴: what colleagues call each other
        return True
    return has_surname(s)


def ends_with_role(s: str) -> bool:
    """``瓜达尔自由区员工``, ``《城市观察》栏目 见习记者``: a designation that ends in a job title."""
    return fold(s).endswith(ROLE_WORDS)


def split_name_role(s: str) -> tuple[str | None, str | None]:
    """Split a speaker designation into ``(name, role)``; either may be ``None``.

    Both come back as written (a Traditional designation keeps its characters).

    >>> split_name_role("习近平总书记作党的十九大报告")
    ('习近平', '总书记作党的十九大报告')
    >>> split_name_role("村支书 王大明")
    ('王大明', '村支书')
    >>> split_name_role("村支书王大明")
    ('王大明', '村支书')
    >>> split_name_role("村民")
    (None, '村民')
    >>> split_name_role("江北区融媒体中心 《城市观察》栏目 见习记者 李明")
    ('李明', '江北区融媒体中心 《城市观察》栏目 见习记者')
    >>> split_name_role("英国摄影师 约翰·布朗 John Brown")
    ('约翰·布朗', '英国摄影师 John Brown')
    >>> split_name_role("山脚下的村子 牧民 阿依古丽")
    ('阿依古丽', '山脚下的村子 牧民')
    """
    s = s.strip()
    if not s:
        return None, None
    tokens = [(m.start(), m.group()) for m in _TOKEN.finditer(s)]
    if len(tokens) > 1:
        pick = _name_token(tokens)
        if pick is None:
            return None, s
        rest = " ".join(t for i, (_, t) in enumerate(tokens) if i != pick)
        return tokens[pick][1], rest or None
    k = fold(s)
    if looks_like_name(k):
        return s, None
    # Name first, title after: 习近平总书记…, 张三教授
    for n in (2, 3, 4):
        head, tail = k[:n], k[n:]
        if tail and looks_like_name(head) and tail.startswith(ROLE_WORDS):
            return s[:n], s[n:]
    # Title first, name last: 村支书王大明
    for n in (3, 2, 4):
        head, tail = k[:-n], k[-n:]
        if head and looks_like_name(tail) and head.endswith(ROLE_WORDS):
            return s[-n:], s[:-n]
    return None, s


def _name_token(tokens: list[tuple[int, str]]) -> int | None:
    """Which of the space-separated words of a designation is the person's name.

    A word that looks like a name wins; failing that, a Han word without a surname counts as a
    name when the word before it is (or ends in) a job title, or — for a designation that leads
    with the name (``林毅榕 中央巡视组办公室 处长``) — when a later word is a job title. Latin
    words after the name are its transliteration and go with the role.
    """
    words = [t for _, t in tokens]
    for i, w in enumerate(words):
        if looks_like_name(w):
            return i
    # drop a trailing Latin transliteration before looking at the last Han word
    last = len(words) - 1
    while last > 0 and _LATIN_WORD.match(words[last]):
        last -= 1
    if last >= 1 and _GIVEN_ONLY.match(fold(words[last])) and not contains_role(fold(words[last])):
        if ends_with_role(words[last - 1]) or any(contains_role(fold(w)) for w in words[:last]):
            return last
    if _GIVEN_ONLY.match(fold(words[0])) and not contains_role(fold(words[0])) and ends_with_role(words[-1]):
        return 0
    return None
