"""Translations (gettext), shared by the core, the CLI and the GUI.

Every user-visible string goes through ``_()`` (or ``ngettext`` for counts). Strings defined
at import time (module constants, class attributes) are marked with ``N_()`` and translated
where they are used, so the language chosen at start-up applies to them too. Catalogues live
in ``fedidesk/locale/<lang>/LC_MESSAGES/fedidesk.po`` (compiled to ``.mo`` by
``tools/i18n.py``); English is the source language.
"""

from __future__ import annotations

import gettext
import locale
import os
from importlib import resources

DOMAIN = "fedidesk"
SUPPORTED = ("en", "de", "fr", "es", "ja")
RIGHT_TO_LEFT = frozenset({"ar", "he", "fa", "ur", "yi"})

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def locale_dir() -> str:
    return str(resources.files("fedidesk") / "locale")


def system_language() -> str:
    """The user's language from the environment (``LANGUAGE``, ``LC_ALL``, ``LANG``…)."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value and value not in ("C", "POSIX"):
            return value.split(":")[0].split(".")[0].split("_")[0].lower()
    try:
        code = locale.getlocale()[0] or ""
    except ValueError:
        code = ""
    return code.split("_")[0].lower() or "en"


def install(language: str | None = None) -> str:
    """Use ``language`` (or the system's); returns the language actually used."""
    global _translation, _language
    wanted = (language or "").strip().lower()
    if not wanted or wanted == "system":
        wanted = system_language()
    wanted = wanted.split("_")[0].split("-")[0]
    if wanted not in SUPPORTED:
        wanted = "en"
    _translation = gettext.translation(DOMAIN, locale_dir(), languages=[wanted], fallback=True)
    _language = wanted
    return wanted


def current_language() -> str:
    return _language


def is_right_to_left(language: str | None = None) -> bool:
    return (language or _language) in RIGHT_TO_LEFT


def _(message: str) -> str:
    """Translate ``message``."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """Translate a message that depends on ``count`` (correct plural forms per language)."""
    return _translation.ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it yet."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural pair for ``ngettext`` without translating it yet."""
    return singular, plural
