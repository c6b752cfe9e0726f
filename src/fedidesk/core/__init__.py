"""The Qt-free core of fedidesk.

Rule: nothing in ``fedidesk.core`` imports PySide6, qasync or ``fedidesk.ui``/``fedidesk.cli``.
The CLI and the GUI both build on this package; ``tests/test_architecture.py`` checks it.
"""
