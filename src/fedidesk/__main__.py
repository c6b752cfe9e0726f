"""Entry point for ``fedidesk`` and ``python -m fedidesk``.

Subcommands run headless on the core; no subcommand (or ``--sandbox``) starts the GUI.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Dispatch to the CLI or the GUI and return the process exit code."""
    from fedidesk.cli.main import run

    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
