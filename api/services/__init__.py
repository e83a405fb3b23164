"""Business rules as plain async functions, one package per domain.

Nothing here imports strawberry, starlette or resolvers. The one dependency
convention: a function that needs anything the process holds -- the settings,
the key ring, the vault, the shared store, a provider, the face pool -- takes
the ``AppState`` (``api.infra.state``) as its first positional parameter,
``state``, and reads them from it; it never takes them one by one. A function
that needs only the database and its own arguments takes no state. Resolvers
pass ``info.context.state``; jobs and commands open one with ``open_state``.
The request id is never a parameter: audit and access rows read it from
``api.infra.logging``.
"""
