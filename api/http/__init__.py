"""The HTTP layer: the app's routes, middleware, the GraphQL transport, pages."""
