"""Migration export tests: the mastodon-mock fixtures (``mock_server``, ``mock``)."""

from tests.helpers.mockserver import mock, mock_server

__all__ = ["mock", "mock_server"]
