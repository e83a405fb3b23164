"""Who looked at a citizen's data, and what they are told."""
