"""Texts marked with ``N_`` at import time must be translated where they are shown.

``N_`` only marks a text for the catalogue; the text itself stays English. A constant such
as ``MOVE_WARNING = N_("…")`` therefore has to be read through ``_()`` (or kept untranslated
in a ``Text`` to be worded later). This scans the package for every such constant and
fails on a use that does neither: the German move warning, for example, was shown in
English while its translation sat in the catalogue.
"""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "fedidesk"
CONSTANT = re.compile(r"^([A-Z][A-Z0-9_]*)\s*(?::[^=\n]+)?=\s*N_\(", re.MULTILINE)
#: Calls that translate (or keep for translating later) what is inside them.
TRANSLATING_CALL = re.compile(r"(?<![\w.])(?:_|ngettext|Text\.of)\(")


def _inside_translating_call(before: str) -> bool:
    """Whether the code ``before`` a name leaves it inside a call to ``_()`` & co."""
    return any(before[m.end():].count("(") >= before[m.end():].count(")")
               for m in TRANSLATING_CALL.finditer(before))


def _sources() -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py")}


def test_marked_constants_are_translated_where_they_are_used() -> None:
    sources = _sources()
    names = {m.group(1) for text in sources.values() for m in CONSTANT.finditer(text)}
    assert {"MOVE_WARNING", "WEAKER_WARNING", "RECOVERY_REMINDER"} <= names
    untranslated = []
    for path, text in sources.items():
        for number, line in enumerate(text.splitlines(), start=1):
            code = line.split("#", 1)[0]
            for name in names:
                for match in re.finditer(rf"(?<![\w\"'`]){name}\b", code):
                    before = code[:match.start()]
                    if re.match(rf"\s*{name}\s*(?::[^=]+)?=", code) or "import" in code \
                            or code.strip().startswith(("\"", "'")) \
                            or code.strip() in (f"{name},", f"\"{name}\","):
                        continue
                    if re.search(r"\b[a-z_]+=$", before):
                        continue  # handed on as a field value, translated where shown
                    if not _inside_translating_call(before):
                        untranslated.append(f"{path.relative_to(PACKAGE)}:{number}: "
                                            f"{line.strip()}")
    assert not untranslated, "\n".join(untranslated)
