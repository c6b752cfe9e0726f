"""Tests of the packaging files: desktop integration, icons, the PyInstaller spec."""
