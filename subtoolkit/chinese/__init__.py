"""Simplified ↔ Traditional: OpenCC with the project's dictionary and the user's terms.

:mod:`convert` builds a converter per config (quotes, user terms, language tags),
:mod:`variants` makes Traditional subtitle timelines held to their own profile, and
:mod:`files` converts whole scripts and subtitle files keeping everything but the words.
"""
