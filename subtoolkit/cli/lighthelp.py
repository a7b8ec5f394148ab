"""Help and usage errors without the two rich modules they never use.

Every ``--help`` and every argument error is rendered by ``typer.rich_utils``, which imports
``rich.markdown`` (markdown-it and its rule tables: about 20 ms) and ``rich.traceback`` (rich's
pretty-printer, attrs and pygments: about 10 ms) at its top. Neither is used here: ``Markdown`` is
only built in typer's ``"markdown"`` markup mode (ours is ``"rich"``) and ``Traceback`` only for
typer's pretty exceptions (turned off; :func:`~subtoolkit.cli.app.handle_errors` is the error
boundary). Together they were a quarter of the CPU of ``subtoolkit --help``.

:func:`install` adds an import hook that acts on one module, ``typer.rich_utils``: while that
module runs, ``rich.markdown`` and ``rich.traceback`` are stand-in modules holding a ``Markdown``
and a ``Traceback`` that import the real class on first use and hand over to it. The stand-ins
leave ``sys.modules`` as soon as ``typer.rich_utils`` has run, so any other importer gets the real
modules. If a typer release asks the stand-ins for a name they do not have, ``typer.rich_utils`` is
run again with the real modules: help stays right, only slower.

The help text is the same either way; ``tests/test_cli_startup.py`` compares every command's help
and an argument error with and without the hook.
"""

from __future__ import annotations

import sys
from importlib.machinery import ModuleSpec, PathFinder
from types import ModuleType
from typing import Any, cast

TARGET = "typer.rich_utils"


class _Markdown:
    """Stands for ``rich.markdown.Markdown``: building one builds the real one."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        from rich.markdown import Markdown

        return Markdown(*args, **kwargs)


class _Traceback:
    """Stands for ``rich.traceback.Traceback``: typer only calls ``Traceback.from_exception``."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        from rich.traceback import Traceback

        return Traceback(*args, **kwargs)

    @staticmethod
    def from_exception(*args: Any, **kwargs: Any) -> Any:
        from rich.traceback import Traceback

        return Traceback.from_exception(*args, **kwargs)


STAND_INS: dict[str, tuple[str, type]] = {
    "rich.markdown": ("Markdown", _Markdown),
    "rich.traceback": ("Traceback", _Traceback),
}


class _Loader:
    """Runs ``typer.rich_utils`` with the stand-ins in place; everything else is the real loader's."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def __getattr__(self, name: str) -> Any:  # get_source, get_code, is_package...: the real loader's
        return getattr(self._loader, name)

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        result: ModuleType | None = self._loader.create_module(spec)
        return result

    def exec_module(self, module: ModuleType) -> None:
        placed: dict[str, ModuleType] = {}
        for name, (attr, stand_in) in STAND_INS.items():
            if name not in sys.modules:  # already loaded for real: nothing to save
                shim = ModuleType(name, f"stand-in for {name} while {TARGET} is imported (subtoolkit.cli.lighthelp)")
                setattr(shim, attr, stand_in)
                placed[name] = sys.modules[name] = shim
        try:
            self._loader.exec_module(module)
        except ImportError:
            if not placed:
                raise
            _remove(placed)
            placed = {}
            self._loader.exec_module(module)  # a name the stand-ins lack: the real modules, as without the hook
        finally:
            _remove(placed)


def _remove(placed: dict[str, ModuleType]) -> None:
    for name, shim in placed.items():
        if sys.modules.get(name) is shim:
            del sys.modules[name]


class _Finder:
    """A meta-path finder that answers for ``typer.rich_utils`` only."""

    @staticmethod
    def find_spec(fullname: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
        if fullname != TARGET:
            return None
        spec = PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return None  # not a plain file on the path: let the usual machinery load it
        spec.loader = cast(Any, _Loader(spec.loader))  # duck-typed: create_module and exec_module
        return spec


_FINDER = _Finder()


def install() -> None:
    """Put the hook first on ``sys.meta_path`` (once); a no-op once ``typer.rich_utils`` is loaded."""
    if TARGET in sys.modules or _FINDER in sys.meta_path:
        return
    sys.meta_path.insert(0, _FINDER)
