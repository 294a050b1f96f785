"""The terminal's language: Thai or English labels and messages (``--lang th|en``).

The default comes from ``PMQA_LANG``, then the locale (LC_ALL, LC_MESSAGES, LANG; on Windows the
system locale): Thai when it names Thai, otherwise English. Output for machines (``--json``,
CSV) is the same in both.
"""

from __future__ import annotations

import locale
import os

__all__ = ["LANGS", "current", "default_lang", "set_lang", "tr"]

LANGS = ("th", "en")
_state = {"lang": ""}


def default_lang() -> str:
    """``th`` or ``en`` from PMQA_LANG or the locale."""
    chosen = os.environ.get("PMQA_LANG", "").strip().lower()
    if chosen in LANGS:
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "th" if value.lower().startswith("th") else "en"
    try:
        system = locale.getlocale()[0] or ""
    except ValueError:
        system = ""
    return "th" if system.lower().startswith("th") else "en"


def set_lang(lang: str | None) -> None:
    """Pick the language for this run (None: the default)."""
    _state["lang"] = lang if lang in LANGS else default_lang()


def current() -> str:
    """The language in use."""
    if not _state["lang"]:
        set_lang(None)
    return _state["lang"]


def tr(th: str, en: str) -> str:
    """The Thai or the English text, by the language in use."""
    return th if current() == "th" else en
