"""``python -m api <command>``: operations and development commands."""
