"""Tests for safe rendering of untrusted post content (security.md items 9–13)."""
