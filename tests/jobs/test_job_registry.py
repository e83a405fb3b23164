"""The registry of periodic jobs, run once by ``run-jobs`` and on a timer by each web
worker (issue 14, item 5): which job is due on a tick, failures contained, and the
app's loop really running the registry."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.infra.settings import Env, Settings
from api.jobs.loop import Scheduler, run_all
from api.jobs.registry import DAILY, JOBS, TICK, Job
from api.models import Notification
from api.services.appointments import calendar as cal
from mock_providers.datagen.demo import CHEN_ZHIQIANG
from tests.conftest import Client, running
from tests.resolvers.helpers import seed_demo, token_for

T0 = datetime(2026, 12, 4, 23, 50, tzinfo=cal.SHANGHAI)


def test_every_job_has_a_unique_name_and_a_period_setting() -> None:
    names = [job.name for job in JOBS]
    assert len(names) == len(set(names))
    settings = Settings(app_env=Env.TEST)
    for job in JOBS:
        assert job.every == DAILY or job.every in Settings.model_fields, job.name
        assert job.period(settings) >= 0
        assert job.summary


class Calls:
    def __init__(self) -> None:
        self.ran: list[str] = []
        self.shared: list[tuple[float, datetime]] = []

    def job(self, name: str, every: str, *, fails: bool = False, shared: bool = False) -> Job:
        async def run(state: Any, now: datetime) -> int:
            self.ran.append(name)
            if fails:
                raise RuntimeError("the platform is down")
            return 1

        async def due(period: float, now: datetime) -> bool:
            self.shared.append((period, now))
            return now >= T0 + timedelta(minutes=5)

        return Job(name, run, every, name, shared_due=due if shared else None)


def _state(**settings: Any) -> Any:
    return SimpleNamespace(settings=Settings(app_env=Env.TEST, **settings))


async def test_a_tick_runs_what_is_due() -> None:
    calls = Calls()
    jobs = (calls.job("daily", DAILY), calls.job("tick", TICK),
            calls.job("hourly", "rating_outbox_max_seconds"),
            calls.job("off", "audit_checkpoint_seconds"),
            calls.job("shared", "readiness_timeout_seconds", shared=True))
    scheduler = Scheduler(_state(register_sync_seconds=30, rating_outbox_max_seconds=3600,
                                 audit_checkpoint_seconds=0, readiness_timeout_seconds=2),
                          jobs=jobs)
    ticks = [T0 + timedelta(seconds=30 * i) for i in range(21)]  # 23:50 .. 00:00 next day
    for at in ticks:
        await scheduler.tick(at)
    assert calls.ran.count("tick") == len(ticks)
    assert calls.ran.count("daily") == 2  # after start-up, then on the new local day
    assert calls.ran.count("hourly") == 1  # not yet an hour since the first run
    assert "off" not in calls.ran  # period 0: only run-jobs runs it
    # A shared period is the database's to decide, on every tick.
    assert [p for p, _ in calls.shared] == [2.0] * len(ticks)
    assert calls.ran.count("shared") == len([t for t in ticks if t >= T0 + timedelta(minutes=5)])
    await scheduler.tick(T0 + timedelta(hours=1))
    assert calls.ran.count("hourly") == 2


@pytest.mark.logs_errors
async def test_a_failing_job_is_logged_and_the_others_still_run(
        caplog: pytest.LogCaptureFixture) -> None:
    calls = Calls()
    jobs = (calls.job("first", TICK, fails=True), calls.job("second", TICK))
    done = await Scheduler(_state(), jobs=jobs).tick(T0)
    assert done == {"second": 1}
    assert "background job first failed" in caplog.text
    done, failed = await run_all(_state(), T0, jobs)
    assert (done, failed) == ({"second": 1}, ["first"])


async def test_run_jobs_runs_every_job_due_or_not() -> None:
    calls = Calls()
    jobs = (calls.job("daily", DAILY), calls.job("off", "audit_checkpoint_seconds"),
            calls.job("shared", TICK, shared=True))
    done, failed = await run_all(_state(audit_checkpoint_seconds=0), T0, jobs)
    assert (list(done), failed) == (["daily", "off", "shared"], [])
    assert calls.shared == []  # nothing to ask: the operator said now


async def test_the_app_runs_the_registry_on_its_timer(settings: Settings,
                                                      shared_face_pool: Any) -> None:
    app = create_app(settings.model_copy(update={"register_sync_seconds": 0.05}),
                     face_pool=shared_face_pool)
    async with running(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                               base_url="http://testserver") as http:
        client = Client(app, http)
        await seed_demo(client)
        chen = await token_for(client, "陈志强", CHEN_ZHIQIANG)
        props = await client.gql("query { myProperties(first: 1) { edges { node { unitNo } } } }",
                                 token=chen)
        unit = props["data"]["myProperties"]["edges"][0]["node"]["unitNo"]
        await client.state.providers.registry.record_event(unit, "OBJECTION", {"party": "某人"})
        for _ in range(600):  # the loop ticks every 50 ms; allow 30 s on a loaded machine
            if await Notification.filter(kind="OBJECTION").exists():
                break
            await asyncio.sleep(0.05)
        assert await Notification.filter(kind="OBJECTION").exists()
