"""Protocols for the external government systems, declared next to their consumers,
and the boundary types an implementation needs (``vault``, ``keyed``, ``adapters``).

``api.providers.container.build_providers`` builds the implementations settings
choose (``FSREG_PROVIDERS``); by default the in-process mocks of
``mock_providers``, which import nothing of the app but this package.
"""
