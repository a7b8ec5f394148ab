"""Blocks → timed cues → subtitle files: everything a subtitle track is made of.

:mod:`segment` cuts text into cues and lines under a :mod:`profiles` house style, :mod:`timing`
estimates how long each cue is heard or read and places it on the :mod:`timecode` frame grid,
:mod:`validate` checks a timeline against the profile, :mod:`calibrate` fits a narrator's pace
from a track already timed, :mod:`tracks` composes the stages for a script, and ``formats/``
reads and writes SRT, VTT, ASS and the JSON timeline.
"""

# The modules a SUBTOOLKIT_COMPILE=1 build compiles with mypyc (setup.py's list, in this order):
# the subtitle core and the text helpers it calls per atom (syllables, marks, frame arithmetic)
COMPILED_MODULES = (
    "subtoolkit.subtitles.words",
    "subtoolkit.subtitles.segment",
    "subtoolkit.subtitles.timing",
    "subtoolkit.subtitles.validate",
    "subtoolkit.subtitles.timecode",
    "subtoolkit.text.spoken",
    "subtoolkit.text.punctuation",
)


def compiled() -> tuple[str, ...]:
    """The modules of :data:`COMPILED_MODULES` that this install runs as compiled code: all of
    them after a ``SUBTOOLKIT_COMPILE=1`` build, none after the default (pure-Python) one.

    Found from where each module would be loaded from, without importing it: the CLI's start
    must not pay for the subtitle core.
    """
    from importlib.util import find_spec

    found = []
    for name in COMPILED_MODULES:
        spec = find_spec(name)
        if spec is not None and spec.origin is not None and not spec.origin.endswith(".py"):
            found.append(name)
    return tuple(found)


def core_label() -> str:
    """Which subtitle core this install runs, in a few words (for test and benchmark headers)."""
    done = compiled()
    return f"compiled ({', '.join(m.rpartition('.')[2] for m in done)})" if done else "pure Python"
