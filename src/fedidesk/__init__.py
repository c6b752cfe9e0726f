"""fedidesk: a native desktop Mastodon client (deck, onboarding wizard, migration assistant).

Package layout, imports flow one way only (``tests/test_architecture.py`` enforces it):

* ``fedidesk.core``  Qt-free: entities, API client, auth, storage, settings, services.
* ``fedidesk.cli``   the headless ``fedidesk`` subcommands; uses ``core`` only.
* ``fedidesk.ui``    PySide6 widgets, models and delegates on top of ``core``.
"""

__version__ = "0.1.0"
APP_NAME = "fedidesk"
