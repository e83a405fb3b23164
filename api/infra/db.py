"""Tortoise configuration: one connection, two apps (platform tables, mock systems)."""

from __future__ import annotations

from typing import Any

from api.infra.settings import Settings

APPS = {
    "platform": {"models": ["api.models"], "migrations": "api.migrations"},
    "mock": {"models": ["mock_providers.models", "mock_providers.department_models"],
             "migrations": "mock_providers.migrations"},
}


def db_url(settings: Settings) -> str:
    url = settings.database_url
    if url.startswith("postgresql://"):
        url = "postgres://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite://"):
        path = url.removeprefix("sqlite://")
        if path not in (":memory:", "") and not path.startswith("/"):
            path = str(settings.var_dir.parent / path)
        # journal_mode=WAL lets the CLI write while the server reads the same file.
        url = f"sqlite://{path}?journal_mode=wal"
    return url


def tortoise_config(settings: Settings, *, serving: bool = False) -> dict[str, Any]:
    """``serving``: the API's own connections get the dependency timeouts
    (connect and per statement, ``db_timeout_seconds``), so a stopped, slowed or
    black-holed PostgreSQL fails a request fast with SERVICE_UNAVAILABLE instead
    of holding it until the execution timeout. Migrations and seeding keep
    unbounded statements."""
    connection: str | dict[str, Any] = db_url(settings)
    if serving and str(connection).startswith("postgres"):
        from tortoise.backends.base.config_generator import expand_db_url

        connection = expand_db_url(str(connection))
        connection["credentials"].update(timeout=settings.db_timeout_seconds,
                                         command_timeout=settings.db_timeout_seconds)
    return {
        "connections": {"default": connection},
        "apps": {
            label: {**app, "default_connection": "default"} for label, app in APPS.items()
        },
        "use_tz": True,
        "timezone": "UTC",
    }
