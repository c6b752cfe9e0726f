"""Maintain the translations: ``uv run python tools/i18n.py [extract|compile|check]``.

* ``extract`` collects every ``_()``, ``ngettext()``, ``N_()`` and ``Nn_()`` string from
  ``src/fedidesk`` into ``locale/fedidesk.pot`` and merges it into each language's ``.po``.
* ``compile`` writes the ``.mo`` files the app loads.
* ``check`` fails when a language misses a translation, a translation drops a ``{placeholder}``,
  or a ``.mo`` is older than its ``.po``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages import frontend  # noqa: F401  (ensures babel is installed)
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "fedidesk"
LOCALE = PACKAGE / "locale"
LANGUAGES = ("de", "fr", "es", "ja")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "Nn_": (1, 2)}
PLACEHOLDER = re.compile(r"\{[a-z_0-9]*\}|%\(?[a-z_]*\)?[sd]")


def template() -> Catalog:
    catalog = Catalog(project="fedidesk", domain="fedidesk")
    for filename, lineno, message, comments, _context in extract_from_dir(
            str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",)):
        catalog.add(message, None, [(str(Path("src/fedidesk") / filename), lineno)],
                    auto_comments=comments)
    return catalog


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "fedidesk.po"


def extract() -> None:
    pot = template()
    LOCALE.mkdir(parents=True, exist_ok=True)
    with (LOCALE / "fedidesk.pot").open("wb") as handle:
        write_po(handle, pot, omit_header=False, sort_output=True)
    for language in LANGUAGES:
        path = po_path(language)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=language)
        else:
            catalog = Catalog(locale=language, project="fedidesk", domain="fedidesk")
        catalog.update(pot, no_fuzzy_matching=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, sort_output=True, ignore_obsolete=True)


def compile_all() -> None:
    for language in LANGUAGES:
        path = po_path(language)
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        with path.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)


def problems() -> list[str]:
    found: list[str] = []
    pot = template()
    wanted = {m.id for m in pot if m.id}
    for language in LANGUAGES:
        path = po_path(language)
        if not path.exists():
            found.append(f"{language}: no catalogue")
            continue
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        for message in catalog:
            if not message.id or message.id not in wanted:
                continue
            wanted_plural = isinstance(message.id, tuple | list)
            strings = list(message.string) if wanted_plural else [message.string]
            if message.fuzzy or not all(strings):
                found.append(f"{language}: untranslated: {message.id!r}")
                continue
            source = " ".join(message.id) if wanted_plural else str(message.id)
            for text in strings:
                missing = set(PLACEHOLDER.findall(source)) - set(PLACEHOLDER.findall(text))
                if missing:
                    found.append(f"{language}: {sorted(missing)} dropped in {message.id!r}")
        ids = {m.id for m in catalog if m.id}
        found += [f"{language}: missing {m!r}" for m in sorted(wanted - ids, key=str)]
        mo = path.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < path.stat().st_mtime - 1:
            found.append(f"{language}: fedidesk.mo is missing or older than the .po")
    return found


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "extract":
        extract()
    elif command == "compile":
        compile_all()
    elif command == "check":
        issues = problems()
        for issue in issues[:50]:
            print(issue)
        print(f"{len(issues)} problem(s)")
        return 1 if issues else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
