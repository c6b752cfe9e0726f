"""The headless ``fedidesk`` command line (``fedidesk.cli.main.run``); core only, no Qt."""
