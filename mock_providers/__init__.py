"""In-process stand-ins for the government systems the platform talks to.

Each implements a ``typing.Protocol`` declared next to its consumer in
``api/providers/``, and imports nothing of the app but that package;
``adapters.py`` registers them as the implementation named ``mock``, so a real
adapter replaces one by configuration (``FSREG_PROVIDER_OVERRIDES``). Their data
lives in their own ``mock_*`` tables (tortoise app ``mock``) in a database of
their own (``storage.py``), so that a CLI command and a running server see the
same register, and the platform cannot join its tables with them.
"""
