"""GraphQL slices, one per domain; ``api/schema.py`` composes them."""
