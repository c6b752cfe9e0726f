"""Migration import: plan, journal, importer and verify against mastodon-mock."""
