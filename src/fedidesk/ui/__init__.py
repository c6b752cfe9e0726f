"""Qt UI on top of fedidesk.core: the application, windows, dialogs, models and delegates.

Imports flow one way: ``fedidesk.ui`` may import ``fedidesk.core``; never the reverse.
Coroutines here never open nested event loops: dialogs are shown with ``open()`` and awaited
through ``fedidesk.ui.asynctools``.
"""
