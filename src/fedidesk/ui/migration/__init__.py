"""The migration assistant window: move (or copy) an account to another server."""

from fedidesk.ui.migration.assistant import MigrationAssistant

__all__ = ["MigrationAssistant"]
