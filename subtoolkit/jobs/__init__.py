"""The commands' jobs: inputs → the pure stages → a set of outputs committed together.

Each job here is what one CLI command does, callable from Python without typer; the CLI modules
only read options, show progress and map errors to exit codes. Every job has the same shape
(:mod:`base`): it checks its output folder before any work, reads the script, runs the pure
stages, writes every output into a staging folder and commits them together
(:mod:`outputs`), reporting ``progress(stage, fraction)`` and ``warn(message)`` on the way.
:mod:`subtitles`, :mod:`voiceover`, :mod:`build` and :mod:`align` are the four jobs.
"""
