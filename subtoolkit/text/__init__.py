"""What the writer delivered, as text the rest of the pipeline can trust.

The first stages, in order: :mod:`ingest` turns bytes (any encoding, ``.docx``, line ends,
invisible characters) into clean lines with their source line numbers; :mod:`parse` types those
lines into blocks (title, heading, narration, interview, caption) with the house-style rules;
:mod:`names` tells a speaker's name from a job title; :mod:`spoken` says how a number or symbol
is read aloud, for the estimator and the voices alike. Pure: no file is written here.
"""
