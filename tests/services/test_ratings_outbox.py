"""Issue 7: ratings reach the provincial platform at least once, with backoff, and
nothing is lost while it is down (a failing provider and a controlled clock)."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

from api.infra.settings import Settings
from api.models import RatingOutbox
from api.providers.identity import Person
from api.providers.idnumber import build
from api.services.appointments.halls import seed_halls
from api.services.ratings import rating as ratings
from api.services.ratings.outbox import deliver_due
from api.services.session import citizens
from mock_providers.models import OutboxMessage
from tests.resolvers.ratings.helpers import SERVED_DAY, fake_state, local, served


async def test_platform_down_retries_with_backoff_and_loses_nothing(
        settings: Settings, db: None, vault: Any) -> None:
    await seed_halls()
    state = fake_state(settings, vault)
    who = str((await citizens.ensure_citizen(state, Person(build("440604", date(1991, 2, 3), 31),
                                                           "送达", "", None))).id)
    platform = state.providers.rating
    b = await served(state, who)
    t0 = local(SERVED_DAY, "09:30")
    rating = await ratings.rate(state, who, service_ref=f"appointment:{b.id}",
                                level="DISSATISFIED", tags=["多次跑腿"], comment="跑了三次",
                                channel="KIOSK", at=t0)
    assert await RatingOutbox.filter(delivered_at=None).count() == 2  # rating + work order

    platform.fail_next = 3  # down for the first three attempts
    assert await deliver_due(state, t0) == 0
    rows = await RatingOutbox.all()
    assert {(r.attempts, r.next_attempt_at) for r in rows} == {(1, t0 + timedelta(seconds=30))}
    assert await deliver_due(state, t0 + timedelta(seconds=29)) == 0  # not due
    assert await deliver_due(state, t0 + timedelta(seconds=30)) == 1  # 1 fails
    failed = await RatingOutbox.get(delivered_at=None)
    assert failed.attempts == 2
    assert failed.next_attempt_at == t0 + timedelta(seconds=90)  # 30 s, then 60 s
    assert failed.last_error
    assert "unavailable" in failed.last_error
    assert await deliver_due(state, t0 + timedelta(seconds=90)) == 1
    assert await RatingOutbox.filter(delivered_at=None).count() == 0

    sent = await OutboxMessage.filter(channel="RATING").order_by("template")
    assert [m.template for m in sent] == ["RATING", "WORK_ORDER"]
    assert sent[0].body["ratingId"] == str(rating.id)
    assert "citizen" not in str(sent[0].body)  # no rater identity leaves the platform
    # At least once: a repeat with the same key (a lost acknowledgement) is a no-op.
    await platform.deliver("RATING", sent[0].body, idempotency_key=f"rating:{rating.id}")
    assert await OutboxMessage.filter(channel="RATING").count() == 2


async def test_concurrent_workers_deliver_each_message_once(settings: Settings, db: None,
                                                            vault: Any) -> None:
    await seed_halls()
    state = fake_state(settings, vault)
    t0 = local(SERVED_DAY, "09:30")
    for i in range(3):
        who = str((await citizens.ensure_citizen(state, Person(
            build("440604", date(1992, 1, 1 + i), 41), f"并发{i}", "", None))).id)
        b = await served(state, who, hhmm=("09:00", "09:30", "10:00")[i])
        await ratings.rate(state, who, service_ref=f"appointment:{b.id}", level="SATISFIED",
                           tags=[], comment=None, channel="FOSHANTONG", at=t0)
    counts = await asyncio.gather(*(deliver_due(state, t0 + timedelta(hours=1))
                                    for _ in range(3)))
    assert sum(counts) == 3
    assert await OutboxMessage.filter(channel="RATING").count() == 3
    assert await RatingOutbox.filter(delivered_at=None).count() == 0


async def test_the_provincial_platform_is_told_no_identity(
        settings: Settings, db: None, vault: Any) -> None:
    """What leaves for the 好差评 platform: the service, the hall and the rating,
    never who rated (no citizen id, name, ID number or callback number)."""
    await seed_halls()
    number = build("440604", date(1991, 2, 4), 33)
    state = fake_state(settings, vault)
    citizen = await citizens.ensure_citizen(state, Person(number, "评价人", "", None))
    b = await served(state, str(citizen.id))
    t0 = local(SERVED_DAY, "09:30")
    await ratings.rate(state, str(citizen.id), service_ref=f"appointment:{b.id}",
                       level="DISSATISFIED", tags=["多次跑腿"], comment="跑了三次",
                       channel="KIOSK", at=t0)
    assert await deliver_due(state, t0) == 2
    sent = " ".join(str(m.body) for m in await OutboxMessage.filter(channel="RATING"))
    assert "跑了三次" in sent  # the rating itself goes
    for personal in (str(citizen.id), "评价人", number, number[-4:], "****"):
        assert personal not in sent, personal
