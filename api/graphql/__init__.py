"""GraphQL assembly: the schema, the typed context, validation and limits."""
