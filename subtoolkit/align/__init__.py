"""Align subtitles to a recorded narration: the cues of the script, on the talent's clock.

Pure core (features, speech detection, DTW, planning, layout) plus a thin edge (decoding with
ffmpeg, the espeak reference voice, writing files). Imported only by the ``align`` command and
its tests, so numpy loads here and nowhere else on the way to ``subtoolkit --help``.
"""
