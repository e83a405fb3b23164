"""One settings object for the whole app, read from the environment.

The four deployment knobs keep their conventional names (``APP_ENV``,
``DATABASE_URL``, ``REDIS_URL``, ``PORT``); everything else is prefixed
``FSREG_``. Secrets never have usable defaults outside development.
"""

from __future__ import annotations

import ipaddress
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT = Path(__file__).resolve().parents[2]


class ConfigurationError(RuntimeError):
    """The environment must not be served as configured (named in the message)."""


class Env(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


def _alias(name: str) -> AliasChoices:
    return AliasChoices(name, f"FSREG_{name}")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FSREG_", populate_by_name=True, extra="ignore")

    app_env: Env = Field(Env.DEVELOPMENT, validation_alias=_alias("APP_ENV"))
    database_url: str = Field(
        f"sqlite://{ROOT / 'var' / 'fsreg.sqlite3'}", validation_alias=_alias("DATABASE_URL")
    )
    redis_url: str | None = Field(None, validation_alias=_alias("REDIS_URL"))
    port: int = Field(8000, validation_alias=_alias("PORT"))
    host: str = "127.0.0.1"
    workers: int = 1

    var_dir: Path = ROOT / "var"
    # Secrets (PII keys, blind-index key, token keys) live as files in one
    # directory: a mounted secret in production, generated under var/ in
    # development and test.
    keys_dir: Path | None = None

    # GraphQL surface limits (RELIABILITY R1).
    max_body_bytes: int = 12 * 1024 * 1024
    max_query_depth: int = 12
    max_aliases: int = 15
    max_tokens: int = 2000
    max_batch_operations: int = 5
    max_page_size: int = 100
    parser_cache_size: int = 256
    execution_timeout_seconds: float = 10.0
    # Admission per worker: requests worked on at once; the rest queue (bounded
    # in number and time, then 503 SERVER_BUSY) so dependency timeouts measure
    # the dependencies rather than event-loop lag under a crowd.
    max_inflight_requests: int = 32
    max_queued_requests: int = 1000
    queue_timeout_seconds: float = 30.0

    # Dependency timeouts: fail fast instead of hanging a request.
    db_timeout_seconds: float = 3.0
    redis_timeout_seconds: float = 1.0
    readiness_timeout_seconds: float = 1.0

    cors_origins: list[str] = []
    # Proxies / load balancers whose forwarded client address (Forwarded: for=,
    # else X-Forwarded-For) is believed: addresses or CIDRs, comma-separated in
    # FSREG_TRUSTED_PROXIES. Empty: the TCP peer is the client (api/client_address.py).
    trusted_proxies: Annotated[list[str], NoDecode] = []
    # The mini-program demo (/demo/) and kiosk screen (/kiosk/), plain files
    # from mobile_demo/ that call the API through persisted operations.
    serve_demo: bool = True
    # GET /dev/sms-inbox: the mock SMS gateway's login codes for the demo's
    # 模拟短信 panel. Off unless asked for (scripts/serve does), never in production.
    dev_sms_inbox: bool = False

    # Provider implementations (api/providers/container.py): the name every
    # provider uses, exceptions per provider ("identity=gab,sms=gateway"), the
    # packages that register names, and whether production may run on mocks.
    providers: str = "mock"
    provider_overrides: Annotated[dict[str, str], NoDecode] = {}
    provider_packages: Annotated[list[str], NoDecode] = ["mock_providers.adapters"]
    allow_mock_providers: bool = False
    # The mocks' tables live in a database of their own, never the app's. Unset:
    # a file beside the app's SQLite file (fsreg-mock.sqlite3), or the database
    # "<name>_mock" on the app's PostgreSQL server (``migrate`` creates it).
    mock_database_url: str = ""

    # Sessions (RELIABILITY R2).
    access_token_ttl_seconds: int = 15 * 60
    refresh_token_ttl_seconds: int = 30 * 24 * 3600
    refresh_race_grace_seconds: int = 10
    challenge_ttl_seconds: int = 120
    sms_code_ttl_seconds: int = 300
    sms_code_attempts: int = 3
    biometric_consent_version: str = "2026-12"
    max_failed_attempts: int = 5
    failure_window_seconds: int = 15 * 60
    lockout_seconds: int = 15 * 60
    ip_login_attempts: int = 30
    ip_window_seconds: int = 10 * 60
    # Failures of one identity from one device/address lock that pair only;
    # the identity-wide lock counts only attempts that passed the name check
    # (issue 12, item 6), with its own, higher limit.
    max_failed_attempts_per_identity: int = 10
    # SMS codes per phone number and per identity, in all workers (item 7).
    sms_per_minute: int = 1
    sms_per_hour: int = 5
    sms_per_day: int = 10
    # startSmsLogin / startFaceLogin answer no sooner than this, known pair or
    # not, so timing does not tell a registered identity (item 7).
    login_start_min_seconds: float = 0.25

    # Certificates (issue 5).
    # Where QR codes and links point; unset, this machine on ``PORT``.
    public_base_url: str = ""
    certificate_validity_days: int = 30
    verify_attempts_per_minute: int = 30
    download_link_seconds: int = 600

    # Hall appointments (issue 6). Rules run in Asia/Shanghai wall time.
    booking_release_days_ahead: int = 7  # slots of day D open at D-7 ...
    booking_release_time: str = "09:00"  # ... at this time
    booking_max_per_week: int = 2
    booking_max_per_month: int = 6
    booking_change_cutoff_minutes: int = 120  # cancel/reschedule until 2 h before
    booking_no_shows_to_suspend: int = 2
    booking_no_show_window_days: int = 90
    booking_suspension_days: int = 90
    booking_max_range_days: int = 14  # availableSlots from..to
    slot_minutes: int = 30
    check_in_early_minutes: int = 30
    check_in_late_minutes: int = 15
    service_minutes_estimate: int = 10  # per ticket and window, for the wait estimate

    # 好差评 (issue 7). Deadlines count working days on the appointment calendar.
    rating_default_after_days: int = 7  # unrated services become 基本满意 after this
    rating_callback_working_days: int = 1
    rating_rectify_working_days: int = 5
    rating_review_hall: str = "REVIEW"  # staff of this office review appeals
    rating_outbox_base_seconds: float = 30.0  # first retry; doubles each attempt ...
    rating_outbox_max_seconds: float = 3600.0  # ... up to this

    # Public holidays (api/services/holiday_calendar.py): operators are warned this
    # many days before the calendar's coverage ends (log, /readyz notice, CLI).
    calendar_warn_days: int = 60

    # How often each worker runs the background jobs (api/jobs: register events
    # into notifications, no-shows, reminders, ...). 0: never; then schedule
    # ``python -m api run-jobs``.
    register_sync_seconds: float = 30.0
    # How often the background loop anchors the audit chain in a signed,
    # timestamped checkpoint (0: only ``audit-checkpoint`` / ``run-jobs``).
    # Rows appended after the newest checkpoint are not anchored yet.
    audit_checkpoint_seconds: float = 300.0

    # Face verification (RELIABILITY R3). Distances are dlib 128-d Euclidean.
    face_accept_threshold: float = 0.5
    face_replay_threshold: float = 0.2
    face_max_image_bytes: int = 8 * 1024 * 1024
    face_max_pixels: int = 40_000_000
    face_pool_workers: int = 0  # 0 = one per core
    # A plain selfie (album upload, no platform assertion, no kiosk signature)
    # may log in at L2: development and test only; unset = allowed outside
    # production, and production refuses true (issue 12, item 2).
    face_allow_plain_selfie: bool | None = None
    # The platform's real-person assertion: minimum liveness score and how old
    # (seconds since iat) it may be.
    face_min_liveness: float = 0.9
    face_assertion_max_age_seconds: int = 120
    # A selfie this close (dlib distance) to one of the citizen's last
    # ``face_selfie_history`` selfies is a replay; their embeddings are kept
    # encrypted, the older ones dropped. The same capture re-encoded, cropped,
    # rotated or brightened measures 0.05-0.15 on the fixture selfies, two
    # photos of one person taken apart >= 0.36.
    face_selfie_replay_threshold: float = 0.16
    face_selfie_history: int = 10
    # Walk-in tickets (取号): per citizen per hall per day, per kiosk per day (item 9).
    walk_in_per_citizen_per_day: int = 2
    walk_in_per_kiosk_per_day: int = 300

    @field_validator("trusted_proxies", "provider_packages", mode="before")
    @classmethod
    def _split_lists(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    @field_validator("provider_overrides", mode="before")
    @classmethod
    def _split_overrides(cls, value: Any) -> Any:
        if isinstance(value, str):
            pairs = [v.split("=", 1) for v in value.split(",") if v.strip()]
            if any(len(p) != 2 for p in pairs):
                raise ValueError("FSREG_PROVIDER_OVERRIDES is provider=name pairs, "
                                 "comma-separated (identity=gab,sms=gateway)")
            return {k.strip(): v.strip() for k, v in pairs}
        return value

    @model_validator(mode="after")
    def _default_base_url(self) -> Settings:
        if not self.public_base_url:
            self.public_base_url = f"http://127.0.0.1:{self.port}"
        return self

    @model_validator(mode="after")
    def _production_needs_shared_stores(self) -> Settings:
        if problems := production_refusals(self):
            raise ValueError(refusal_message(problems))
        return self

    @model_validator(mode="after")
    def _face_trust(self) -> Settings:
        # A bad CIDR fails here, at start-up (api/http/client_address.py reads them;
        # settings import nothing of the HTTP layer).
        for entry in self.trusted_proxies:
            ipaddress.ip_network(entry.strip(), strict=False)
        return self

    @property
    def plain_selfie_allowed(self) -> bool:
        """``face_allow_plain_selfie``, unset meaning: anywhere but production."""
        if self.face_allow_plain_selfie is None:
            return not self.is_production
        return self.face_allow_plain_selfie

    @property
    def is_production(self) -> bool:
        return self.app_env is Env.PRODUCTION

    @property
    def resolved_keys_dir(self) -> Path:
        return self.keys_dir or self.var_dir / "keys"

    @property
    def uses_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://", "asyncpg://"))


def production_refusals(settings: Settings) -> list[str]:
    """Why these settings must not serve production (RELIABILITY 14, 30): with an
    in-process store every worker has its own logouts, rate limits and login
    challenges, and SQLite is one file on one machine. Empty outside production."""
    if settings.app_env is not Env.PRODUCTION:
        return []
    problems = []
    if not settings.redis_url:
        problems.append("REDIS_URL is not set: production needs a Redis shared by every "
                        "worker (logout, rate limits and login challenges live there)")
    if not settings.uses_postgres:
        problems.append("DATABASE_URL is not PostgreSQL: production needs "
                        "postgres://user@host:5432/db (SQLite is the development default)")
    if settings.face_allow_plain_selfie:
        problems.append("face_allow_plain_selfie (FSREG_FACE_ALLOW_PLAIN_SELFIE) is for development and test only: "
                        "production logs in by platform assertion or enrolled kiosk")
    return problems


def refusal_message(problems: list[str]) -> str:
    return "APP_ENV=production refused: " + "; ".join(problems)


def get_settings() -> Settings:
    return Settings()
