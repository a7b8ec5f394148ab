"""The report page's template, stylesheet and script (package data, read with importlib.resources)."""
