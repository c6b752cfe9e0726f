"""Shared test helpers: fake keyring backends, mock-server wrappers."""
