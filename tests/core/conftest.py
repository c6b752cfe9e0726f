"""Core tests: the mastodon-mock fixtures (``mock_server``, ``mock``).

Imported rather than listed in ``pytest_plugins``: pytest refuses ``pytest_plugins`` in a
conftest below the rootdir ("non-top-level conftest"), which breaks ``pytest tests``.
"""

from tests.helpers.mockserver import mock, mock_server

__all__ = ["mock", "mock_server"]
