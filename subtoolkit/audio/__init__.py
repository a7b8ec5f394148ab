"""Sound as numbers: decoding and encoding through ffmpeg, levels, features and speech detection.

Shared by the voiceover (levels, where rendered speech starts) and the aligner (decoding
recordings, frame features, pauses). :mod:`ffmpeg` is the only module that runs ffmpeg. numpy and pydub are imported
inside the functions that
need them, so importing this package costs nothing.
"""
