"""The commands' jobs: inputs → the pure stages → a set of outputs committed together.

Each job here is what one CLI command does, callable from Python without typer; the CLI modules
only read options, show progress and map errors to exit codes.
"""
