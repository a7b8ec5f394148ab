"""Conventions found by the held-out scripts of round six (tests/data/house-styles 37–39: a documentary's
reenactment script in screenplay form, an interview transcript for the editor, a public-service advert's
copy). One test per convention, each with its own made-up example (none is taken from the data files)."""

from __future__ import annotations

import pytest
from conftest import script

from subtoolkit.model import BlockKind as K
from subtoolkit.text.parse import character_voice, production_aside


def kinds(s):  # type: ignore[no-untyped-def]
    return [(b.kind, b.text) for b in s.blocks]


def cover(s, n):  # type: ignore[no-untyped-def]
    return [b for b in s.blocks if b.first_line <= n <= b.last_line]


def removed(s, n):  # type: ignore[no-untyped-def]
    return [(r.text, r.reason) for r in s.removed if r.line == n]


# --- a screenplay: credits, action lines, the actors' turns -------------------------------------


@pytest.mark.parametrize("line", ["编剧：罗青禾　导演：池远　拍摄地：西岭古道外景地", "编剧：罗青禾",
                                  "原著：萧山月　改编：罗青禾", "主演：尹岚、车明", "场记：小满　拍摄地：盐井村"])
def test_a_screenplays_credits_are_notes(line: str) -> None:
    s = script(f"《盐井》情景再现台本\n{line}\n【解说】山里的盐，是一锅一锅熬出来的。")
    assert [b.kind for b in cover(s, 2)] == [K.NOTE]
    assert kinds(s)[-1] == (K.NARRATION, "山里的盐，是一锅一锅熬出来的。")


@pytest.mark.parametrize("line", ["△ 天刚亮，盐工们把卤水倒进大锅。", "△ 尹老三放下扁担。他看了看天。", "△ 风很大！"])
def test_an_action_line_of_a_screenplay_is_a_note(line: str) -> None:
    s = script(f"【解说】盐井村的早晨从熬盐开始。\n{line}\n尹老三：火再旺一点！")
    assert [b.kind for b in cover(s, 2)] == [K.NOTE]
    assert not any(b.kind is K.CAPTION for b in s.blocks)


def test_a_picture_caption_with_a_triangle_is_still_a_caption() -> None:
    s = script("【解说】盐井村的早晨从熬盐开始。\n△ 盐井村的老盐锅\n▲ 熬好的盐，装进竹篓。")
    assert [(b.kind, b.text) for b in cover(s, 2)] == [(K.CAPTION, "盐井村的老盐锅")]
    assert [b.kind for b in cover(s, 3)] == [K.CAPTION]


def test_a_turn_beside_a_named_persons_turn_is_a_speaker() -> None:
    s = script("【解说】盐井村的早晨从熬盐开始。\n尹老三：火再旺一点！\n二丫头：柴火快烧完了。\n尹老三：去后山砍。")
    turn = cover(s, 3)
    assert [b.kind for b in turn] == [K.INTERVIEW] and turn[0].text == "柴火快烧完了。"
    assert turn[0].speaker is not None and turn[0].speaker.name == "二丫头"


@pytest.mark.parametrize("line", ["他回忆：那年的盐特别咸。", "后来有人问：盐都去哪了？", "村支书：柴火快烧完了。"])
def test_a_reported_word_or_a_job_title_beside_a_turn_is_no_name(line: str) -> None:
    s = script(f"【解说】盐井村的早晨从熬盐开始。\n尹老三：火再旺一点！\n{line}")
    names = [b.speaker.name for b in cover(s, 3) if b.speaker is not None]
    assert line.split("：")[0] not in names


# --- an interview record: header, crew, transcriber's marks --------------------------------------


@pytest.mark.parametrize("line", ["采访时间：2023年11月2日上午　地点：船厂会议室", "访谈日期：2023年11月2日",
                                  "录音地点：老人家中", "采访地点：渡口茶馆"])
def test_when_and_where_an_interview_was_recorded_is_a_note(line: str) -> None:
    s = script(f"受访人：舒红英（原渡口售票员）\n{line}\n问：您在渡口干了多少年？\n答：二十二年。")
    assert [b.kind for b in cover(s, 2)] == [K.NOTE]
    answer = cover(s, 4)[0]
    assert answer.kind is K.INTERVIEW and answer.speaker is not None and answer.speaker.name == "舒红英"


def test_the_interviewee_field_keeps_its_name_above_the_records_other_fields() -> None:
    s = script("受访人：舒红英（原渡口售票员）\n采访时间：2023年11月2日\n问：您在渡口干了多少年？\n答：二十二年。")
    label = cover(s, 1)
    assert [b.kind for b in label] == [K.INTERVIEW] and label[0].speaker is not None
    assert label[0].speaker.name == "舒红英" and label[0].text == ""


@pytest.mark.parametrize("line", ["采访：麦穗　听打：孔令仪　校对：未校", "采访：麦穗　整理：孔令仪",
                                  "听打：孔令仪　校对：麦穗", "速记：孔令仪"])
def test_who_asked_and_who_transcribed_is_a_note(line: str) -> None:
    s = script(f"《渡口》采访听打稿\n{line}\n问：您在渡口干了多少年？\n答：二十二年。")
    assert [b.kind for b in cover(s, 2)] == [K.NOTE]
    assert all(b.speaker is None or b.speaker.name != "麦穗" for b in s.blocks)


def test_an_interviewer_alone_still_labels_a_sound_bite() -> None:
    s = script("【解说】渡口还在。\n采访：舒红英\n二十二年，我天天在这儿卖票。")
    bite = cover(s, 3)
    assert [b.kind for b in bite] == [K.INTERVIEW] and bite[0].speaker is not None
    assert bite[0].speaker.name == "舒红英"


@pytest.mark.parametrize("mark", ["【听不清】", "（听不清）", "[inaudible]", "〔此处模糊〕", "【听不清约3秒】"])
def test_a_line_opening_with_a_transcribers_gap_goes_on_with_the_answer(mark: str) -> None:
    s = script(f"受访人：舒红英（原渡口售票员）\n问：那条船呢？\n答：后来卖掉了。\n{mark}……船老大姓吴，人很好。\n"
               "问：您还记得票价吗？")
    goes_on = cover(s, 4)
    assert [b.kind for b in goes_on] == [K.INTERVIEW] and goes_on[0].text == "……船老大姓吴，人很好。"
    assert goes_on[0].speaker is not None and goes_on[0].speaker.name == "舒红英"
    assert (mark, "transcriber's note") in removed(s, 4)


def test_a_transcribers_gap_in_narration_stays_narration_and_alone_is_a_note() -> None:
    s = script("【解说】渡口还在。\n【听不清】……江面上起了雾。\n（听不清）")
    assert kinds(s)[-2:] == [(K.NARRATION, "……江面上起了雾。"), (K.NOTE, "（听不清）")]


def test_how_an_answer_was_said_is_set_aside() -> None:
    s = script("受访人：舒红英（原渡口售票员）\n问：苦吗？\n答：（停顿）苦啊。（笑）不过也惯了。（叹气）")
    answer = cover(s, 3)[0]
    assert answer.text == "苦啊。不过也惯了。"
    assert [t for t, why in removed(s, 3) if why == "stage direction"] == ["（停顿）", "（笑）", "（叹气）"]


@pytest.mark.parametrize("line", ["【电话铃声，中断约1分钟】", "（录音中断）", "【换磁带】", "【敲门声，暂停约30秒】"])
def test_an_interruption_of_the_recording_is_a_note(line: str) -> None:
    s = script(f"受访人：舒红英（原渡口售票员）\n问：后来呢？\n答：后来船就停了。\n{line}\n答：我还留着最后一张票。")
    assert [b.kind for b in cover(s, 4)] == [K.NOTE]
    assert not any(b.kind is K.HEADING for b in s.blocks)
    last = cover(s, 5)[0]
    assert last.speaker is not None and last.speaker.name == "舒红英"


@pytest.mark.parametrize("line", ["（以下为闲聊，未听打）", "（情景再现结束，以下接资料影像）", "（此处略去一段）",
                                  "【以下未整理】"])
def test_a_note_about_a_part_of_the_document_is_a_note_even_after_speech(line: str) -> None:
    s = script(f"受访人：舒红英（原渡口售票员）\n问：后来呢？\n答：后来船就停了。\n{line}")
    assert [b.kind for b in cover(s, 4)] == [K.NOTE]


@pytest.mark.parametrize("inner", ["以下这段，我最爱唱。", "后面的事，大家都知道了。", "大地的回声", "第二部分"])
def test_words_in_brackets_that_are_no_production_note(inner: str) -> None:
    assert not production_aside(inner)


# --- an advert's copy: the narrator's voices, characters, the end card --------------------------


@pytest.mark.parametrize("marker", ["【女声旁白】", "【男声解说】", "【男声】", "【女声】", "女声旁白：", "男声配音："])
def test_the_narrators_voice_before_the_narration_word_is_narration(marker: str) -> None:
    s = script(f"公益广告《一盏灯》文案\n{marker}每一盏灯下，都有人在等你。")
    assert kinds(s)[-1] == (K.NARRATION, "每一盏灯下，都有人在等你。")


def test_a_dubbed_female_voice_is_still_the_speech_of_the_original_speaker() -> None:
    s = script("原声：Dr. Ingrid Larsen, glaciologist\nThe ice is leaving.\n【中文配音·女声】冰正在离开。")
    dub = cover(s, 3)
    assert [b.kind for b in dub] == [K.INTERVIEW] and dub[0].speaker is not None
    assert dub[0].speaker.name == "Ingrid Larsen"


@pytest.mark.parametrize(("marker", "role"), [("【童声】", "童声"), ("【老人】", "老人"), ("【小女孩】", "小女孩"),
                                              ("【奶奶】", "奶奶"), ("【老年男声】", "老年男声"), ("童声：", "童声")])
def test_a_characters_voice_in_an_advert_is_their_line(marker: str, role: str) -> None:
    s = script(f"公益广告《一盏灯》文案\n【女声旁白】每一盏灯下，都有人在等你。\n{marker}妈妈，我到家了！")
    line = cover(s, 3)
    assert [(b.kind, b.text) for b in line] == [(K.INTERVIEW, "妈妈，我到家了！")]
    assert line[0].speaker is not None and line[0].speaker.role == role


@pytest.mark.parametrize("word", ["旁白", "解说", "女声", "男声", "画面", "渡口"])
def test_narrators_and_other_words_are_no_characters(word: str) -> None:
    assert not character_voice(word)


@pytest.mark.parametrize("line", ["【LOGO】南江公益　5秒", "【标版】文明南江", "LOGO：南江公益", "【定格】母亲的笑脸"])
def test_an_adverts_end_card_is_a_note(line: str) -> None:
    s = script(f"【女声旁白】每一盏灯下，都有人在等你。\n{line}")
    assert [b.kind for b in cover(s, 2)] == [K.NOTE]


def test_a_narrators_voice_after_the_first_speaker_ends_the_speech() -> None:
    s = script("【童声】奶奶，我周末回来！\n奶奶等了一整天。\n【女声】她还是每天准备三个人的饭。\n饭菜又热了一遍。")
    assert [b.kind for b in cover(s, 2)] == [K.INTERVIEW]  # speech runs to the next marker (the auto span)
    assert [b.kind for b in cover(s, 4)] == [K.NARRATION]
