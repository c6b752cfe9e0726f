"""Data files bundled with fedidesk (read with ``importlib.resources``)."""
