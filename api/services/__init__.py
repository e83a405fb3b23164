"""Business rules as plain async functions; nothing here imports strawberry."""
