"""Infrastructure: settings, database, store, keys, encryption, logging."""
