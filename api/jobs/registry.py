"""The registry of periodic jobs: each one's name, how often it runs, and what it does.

A job is a plain async function ``(state, now) -> int`` (the app's dependencies and
the moment it runs for; it returns how much it did). The app's background loop
(``api.jobs.loop``) and ``python -m api run-jobs`` both run this list, and a durable
queue's periodic task can call a job as it is. Every job is idempotent and safe to
run on several workers at once (conditional updates and unique constraints decide;
see each service's docstring).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from api.infra.settings import Settings
from api.infra.state import AppState
from api.jobs import tasks
from api.services import audit_anchor

JobFn = Callable[[AppState, datetime], Awaitable[int]]
# A period decided in the database for every worker at once: (period, now) -> due?
SharedDue = Callable[[float, datetime], Awaitable[bool]]

DAILY = "daily"  # once per local (Asia/Shanghai) day, and once after start-up
TICK = "register_sync_seconds"  # the background loop's own period


@dataclass(frozen=True)
class Job:
    name: str
    run: JobFn
    # The Settings field holding the period in seconds (0 or less: only ``run-jobs``
    # runs it), or DAILY.
    every: str
    summary: str
    # When the period is shared by all workers (one audit checkpoint per period
    # whichever worker writes it), the database decides whether it is due.
    shared_due: SharedDue | None = None

    def period(self, settings: Settings) -> float:
        return 86400.0 if self.every == DAILY else float(getattr(settings, self.every))


# In the order the loop runs them on a tick.
JOBS: tuple[Job, ...] = (
    Job("calendar-notice", tasks.calendar_notice, DAILY,
        "holiday calendar ending soon: warn; recount provisional deadlines"),
    Job("register-events", tasks.register_events, TICK,
        "register events into notifications and SMS; supersede certificates"),
    Job("no-shows", tasks.no_shows, TICK,
        "closed check-in windows become no-shows (suspension after repeats)"),
    Job("reminders", tasks.reminders, TICK, "SMS reminders the day before an appointment"),
    Job("default-ratings", tasks.default_ratings, TICK,
        "services unrated after the grace period become 基本满意"),
    Job("rating-outbox", tasks.rating_outbox, TICK,
        "deliver ratings and work orders to the provincial 好差评 platform"),
    Job("audit-checkpoint", tasks.audit_checkpoint, "audit_checkpoint_seconds",
        "anchor the audit trail's head: a signed, timestamped checkpoint",
        shared_due=audit_anchor.checkpoint_due),
    Job("audit-archive", tasks.audit_archive, TICK,
        "deliver checkpoint copies to the archive (retried with backoff)"),
)


def by_name(name: str) -> Job:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)
