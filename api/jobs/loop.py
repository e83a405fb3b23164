"""Running the registry: every job once (``run-jobs``), or on a timer in each web
worker (the background loop, every ``FSREG_REGISTER_SYNC_SECONDS``; 0 turns it off).

Which job is due on a tick: a tick job every tick; a job with its own period when
that much time has passed in this process, or, for a period shared by all workers,
when the database says so; a daily job once per local day (and once after start).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from api.infra.state import AppState
from api.jobs.registry import DAILY, JOBS, Job
from api.services.appointments import calendar as cal

log = logging.getLogger("api.jobs")


@dataclass
class Scheduler:
    state: AppState
    jobs: tuple[Job, ...] = JOBS
    last_run: dict[str, datetime] = field(default_factory=dict)
    last_day: dict[str, date] = field(default_factory=dict)

    async def due(self, job: Job, now: datetime) -> bool:
        if job.every == DAILY:
            return self.last_day.get(job.name) != cal.local_day(now)
        period = job.period(self.state.settings)
        if period <= 0:
            return False
        if job.shared_due is not None:
            return await job.shared_due(period, now)
        last = self.last_run.get(job.name)
        return last is None or (now - last).total_seconds() >= period

    async def tick(self, now: datetime) -> dict[str, int]:
        """Run the due jobs; a failing job is logged and the others still run."""
        done: dict[str, int] = {}
        for job in self.jobs:
            try:
                if not await self.due(job, now):
                    continue
                self.last_run[job.name], self.last_day[job.name] = now, cal.local_day(now)
                done[job.name] = await job.run(self.state, now)
            except Exception:  # keep going after a transient failure; it is logged
                log.exception("background job %s failed", job.name)
        return done


async def run_all(state: AppState, now: datetime, jobs: tuple[Job, ...] = JOBS
                  ) -> tuple[dict[str, int], list[str]]:
    """Every job once, due or not (the operator's or cron's "now"): what each did,
    and the names of those that failed (logged)."""
    done: dict[str, int] = {}
    failed: list[str] = []
    for job in jobs:
        try:
            done[job.name] = await job.run(state, now)
        except Exception:
            log.exception("job %s failed", job.name)
            failed.append(job.name)
    return done, failed


def start_background(state: AppState, *, clock: Callable[[], datetime] | None = None
                     ) -> asyncio.Task[None] | None:
    """The web worker's loop (until the queue's workers take over): None when
    ``register_sync_seconds`` is 0. Every job is idempotent, so every worker may
    run it."""
    interval = state.settings.register_sync_seconds
    if interval <= 0:
        return None
    scheduler = Scheduler(state)

    async def loop() -> None:
        while True:
            await asyncio.sleep(interval)
            await scheduler.tick((clock or cal.now)())

    return asyncio.create_task(loop(), name="background-jobs")
