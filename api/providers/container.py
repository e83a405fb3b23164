"""Builds the provider implementations that settings choose.

``FSREG_PROVIDERS`` names the implementation of every provider (``mock``, the
in-process stand-ins, by default), ``FSREG_PROVIDER_OVERRIDES`` one per
provider (``identity=gab,sms=gateway``); the names are those registered by the
packages of ``FSREG_PROVIDER_PACKAGES`` (``api/providers/adapters.py``). A name
nobody registered, or a mock in production without
``FSREG_ALLOW_MOCK_PROVIDERS=true``, is refused at start-up.
"""

from __future__ import annotations

import functools
import importlib
from typing import Any

from api.infra.settings import ConfigurationError, Settings
from api.providers.adapters import (
    KINDS,
    AdapterEnv,
    AdapterRegistry,
    Implementation,
    Providers,
    Storage,
)
from api.providers.vault import PersonalDataVault


@functools.cache
def _registry(packages: tuple[str, ...]) -> AdapterRegistry:
    adapters = AdapterRegistry()
    for name in packages:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            raise ConfigurationError(f"FSREG_PROVIDER_PACKAGES: cannot import {name!r} "
                                     f"({exc})") from exc
        register = getattr(module, "register", None)
        if not callable(register):
            raise ConfigurationError(f"FSREG_PROVIDER_PACKAGES: {name!r} has no "
                                     "register(adapters) function")
        try:
            register(adapters)
        except ValueError as exc:  # a name registered twice, an unknown provider
            raise ConfigurationError(f"FSREG_PROVIDER_PACKAGES: {name}: {exc}") from exc
    return adapters


def chosen(settings: Settings) -> dict[str, Implementation]:
    """The implementation of each provider; ConfigurationError names what is unknown."""
    unknown_kinds = sorted(set(settings.provider_overrides) - set(KINDS))
    if unknown_kinds:
        raise ConfigurationError(f"FSREG_PROVIDER_OVERRIDES: no provider {unknown_kinds}; "
                                 f"the providers are {', '.join(KINDS)}")
    known = _registry(tuple(settings.provider_packages)).implementations
    result, missing = {}, []
    for kind in KINDS:
        name = settings.provider_overrides.get(kind, settings.providers)
        implementation = known.get(name)
        if implementation is None or kind not in implementation.factories:
            missing.append(f"{kind}={name}")
        else:
            result[kind] = implementation
    if missing:
        raise ConfigurationError(
            f"no provider implementation for {', '.join(missing)} (FSREG_PROVIDERS / "
            f"FSREG_PROVIDER_OVERRIDES); registered: " + "; ".join(
                f"{i.name}: {', '.join(i.factories)}" for i in known.values()))
    return result


def check(settings: Settings) -> None:
    """Start-up check: every name known, and production on mocks only knowingly."""
    mocks = sorted(k for k, i in chosen(settings).items() if i.stand_in)
    if mocks and settings.is_production and not settings.allow_mock_providers:
        raise ConfigurationError(
            f"APP_ENV=production refused: {', '.join(mocks)} would be served by mock "
            "providers; configure the real adapters (FSREG_PROVIDERS / "
            "FSREG_PROVIDER_OVERRIDES) or set FSREG_ALLOW_MOCK_PROVIDERS=true knowingly")


def storages(settings: Settings) -> list[Storage]:
    """The tables the chosen implementations keep themselves (each once)."""
    found = {i.name: i.storage for i in chosen(settings).values() if i.storage is not None}
    return list(found.values())


def build(settings: Settings, vault: PersonalDataVault, kind: str) -> Any:
    """One provider (a CLI command that needs only the SMS gateway, say)."""
    env = AdapterEnv(vault=vault, keys_dir=settings.resolved_keys_dir, var_dir=settings.var_dir)
    return chosen(settings)[kind].factories[kind](env)


def build_providers(settings: Settings, vault: PersonalDataVault) -> Providers:
    return Providers(**{kind: build(settings, vault, kind) for kind in KINDS})
