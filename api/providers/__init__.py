"""Protocols for the external government systems, declared next to their consumers.

``api.providers.registry.build_providers`` wires the configured implementations;
today these are the in-process mocks of ``mock_providers``.
"""
