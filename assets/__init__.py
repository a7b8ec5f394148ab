"""Data the package reads at run time: subtitle profiles (``profiles/*.toml``) and the project's
OpenCC overrides (``opencc/overrides.txt``).

Installed as ``subtoolkit.assets`` (see ``[tool.setuptools]`` in pyproject.toml) and read with
:func:`importlib.resources.files`, so a wheel installed anywhere finds the same files a source
checkout does.
"""
