"""Align subtitles to a recorded narration: the cues of the script, on the talent's clock.

Pure core (DTW, planning, layout; features and speech detection come from
:mod:`subtoolkit.audio`) plus a thin edge (the espeak reference voice; the job in
:mod:`subtoolkit.jobs.align` writes the files). Imported only by the ``align`` command and
its tests, so numpy loads here and nowhere else on the way to ``subtoolkit --help``.
"""
