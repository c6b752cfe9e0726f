"""Write Mastodon's ``following_accounts.csv`` for the web importer (``mastodon.md`` §7.1, §7.2).

The header and row format are the ones Mastodon's own export produces, so the file
re-imports as it is (preferably in **merge** mode): ``Account address,Show boosts,Notify on
new posts,Languages`` then ``user@domain,true,false,`` per account. Account addresses are
written without a leading ``@`` (the importer strips one anyway), lowercased hosts,
deduplicated, and invalid handles are refused rather than written. Every cell still goes
through formula escaping (OWASP ASVS 1.2.10): a cell starting with ``= + - @``, tab, CR or
NUL gets a leading ``'``; valid addresses never start with one, so they are never altered.
The file is written atomically (temporary file in the same folder, fsync, rename).
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from fedidesk.core.contacts.extract import normalise_handle
from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import N_, _

HEADER = ("Account address", "Show boosts", "Notify on new posts", "Languages")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\x00")
MAX_ROWS = 20_000  # Mastodon's import row limit


class ExportError(FedideskError):
    """The CSV could not be written."""

    user_message = N_("fedidesk could not write the CSV file.")


def escape_cell(value: str) -> str:
    """Neutralise a spreadsheet formula: prefix ``'`` when ``value`` starts with a trigger."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def following_rows(handles: Iterable[str], *, show_boosts: bool = True, notify: bool = False,
                   languages: Sequence[str] = ()) -> list[list[str]]:
    """The rows (header first) for ``handles``; raises ``ExportError`` on an invalid handle."""
    rows = [list(HEADER)]
    seen: set[str] = set()
    for handle in handles:
        clean = normalise_handle(handle)
        if clean is None:
            raise ExportError(_("{handle} is not an account address (user@server).")
                              .format(handle=repr(handle.strip()[:100])))
        if clean.casefold() in seen:
            continue
        seen.add(clean.casefold())
        rows.append([clean, _bool(show_boosts), _bool(notify), ", ".join(languages)])
    if len(rows) - 1 > MAX_ROWS:
        raise ExportError(_("Mastodon imports at most {limit} accounts per file.")
                          .format(limit=f"{MAX_ROWS:,}"))
    return rows


def _bool(value: bool) -> str:
    return "true" if value else "false"


def render_csv(rows: Iterable[Sequence[str]]) -> str:
    """RFC 4180 text with ``\\n`` line ends (as Mastodon writes), every cell escaped."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([escape_cell(cell) for cell in row])
    return out.getvalue()


def write_following_csv(path: str | os.PathLike[str], handles: Iterable[str], *,
                        show_boosts: bool = True, notify: bool = False,
                        languages: Sequence[str] = ()) -> int:
    """Atomically write ``following_accounts.csv`` to ``path``; returns the account count."""
    rows = following_rows(handles, show_boosts=show_boosts, notify=notify,
                          languages=languages)
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(render_csv(rows))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ExportError(_("Could not write {name}: {error}.").format(
            name=target.name, error=exc.strerror or exc)) from exc
    return len(rows) - 1
