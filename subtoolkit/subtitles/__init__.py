"""Blocks → timed cues → subtitle files: everything a subtitle track is made of.

:mod:`segment` cuts text into cues and lines under a :mod:`profiles` house style, :mod:`timing`
estimates how long each cue is heard or read and places it on the :mod:`timecode` frame grid,
:mod:`validate` checks a timeline against the profile, :mod:`calibrate` fits a narrator's pace
from a track already timed, :mod:`tracks` composes the stages for a script, and ``formats/``
reads and writes SRT, VTT, ASS and the JSON timeline.
"""
