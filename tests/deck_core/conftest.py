"""Deck-core tests: the mastodon-mock fixtures come from ``tests/conftest.py``."""
