"""The paperwork of an episode, derived from the parse and the timeline.

:mod:`paperwork` writes what the graphics department and the voice talent need (name supers,
caption lists, the narration script); :mod:`report` is the producer's self-contained HTML page.
"""
