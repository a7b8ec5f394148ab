"""The conversion configs and what each means for a deliverable, without OpenCC or its dictionaries.

Kept apart from :mod:`subtoolkit.chinese.convert` so the command line can list the configs in
``convert --help`` without importing the converter's machinery (importlib.resources, tempfile,
json, the ingest module: about 10 ms of every ``--help`` and argument error). :mod:`convert`
re-exports every name here.
"""

from __future__ import annotations

from dataclasses import dataclass

from subtoolkit.errors import ConvertError

DEFAULT_CONFIG = "s2twp"


@dataclass(frozen=True)
class ConfigInfo:
    """What a conversion config means for the deliverables built from its output.

    ``variant_config`` is the built-in config that applies only the regional variant stage
    (爲 → 為 for Taiwan); protecting entries are written in that final form. ``region`` decides
    which region-scoped dictionary entries apply and, with ``reverse``, in which direction.
    """

    name: str
    language_tag: str
    preserves_length: bool
    reverse: bool
    region: str | None
    variant_config: str | None
    description: str

    @property
    def quote_style(self) -> str | None:
        """``"corner"`` (「」『』) for Taiwan/Hong Kong output, ``"curly"`` (“”‘’) for Simplified."""
        if self.reverse:
            return "curly"
        return "corner" if self.region else None


CONFIGS: dict[str, ConfigInfo] = {
    c.name: c
    for c in (
        ConfigInfo("s2twp", "zh-Hant-TW", False, False, "TW", "t2tw",
                   "Taiwan, with Taiwan phrases (软件 → 軟體, 视频 → 影片)"),
        ConfigInfo("s2tw", "zh-Hant-TW", True, False, "TW", "t2tw", "Taiwan characters, mainland wording kept"),
        ConfigInfo("s2hk", "zh-Hant-HK", True, False, "HK", "t2hk", "Hong Kong characters"),
        ConfigInfo("s2t", "zh-Hant", True, False, None, None,
                   "OpenCC standard Traditional (爲 衆 裏), not a regional standard"),
        ConfigInfo("t2s", "zh-Hans", True, True, None, None, "any Traditional → Simplified"),
        ConfigInfo("tw2s", "zh-Hans", True, True, "TW", "t2tw", "Taiwan Traditional → Simplified"),
        ConfigInfo("hk2s", "zh-Hans", True, True, "HK", "t2hk", "Hong Kong Traditional → Simplified"),
    )
}


def config_info(config: str) -> ConfigInfo:
    """The :class:`ConfigInfo` of ``config``, or a :class:`ConvertError` listing the choices."""
    try:
        return CONFIGS[config]
    except KeyError:
        raise ConvertError(f"unknown conversion config {config!r}", hint="use one of " + ", ".join(CONFIGS)) from None
