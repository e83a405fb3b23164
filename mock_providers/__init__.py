"""In-process stand-ins for the government systems the platform talks to.

Each implements a ``typing.Protocol`` declared next to its consumer in
``api/providers/``; a real adapter replaces it by configuration. Their data
lives in their own ``mock_*`` tables (tortoise app ``mock``) so that a CLI
command and a running server on the same database see the same register.
"""
