"""Test shortcuts shared by the resolver tests."""

from __future__ import annotations

from api.providers.identity import Person
from api.services.session import citizens, sessions
from tests.conftest import Client


async def token_for(client: Client, name: str, id_number: str, *, level: str = "L2",
                    channel: str = "FOSHANTONG") -> str:
    """A session as if the citizen had just logged in (face login has its own tests)."""
    state = client.state
    citizen = await citizens.ensure_citizen(state, Person(id_number, name, "", None))
    issued = await sessions.open_session(state, citizen, assurance_level=level, channel=channel)
    return issued.access_token


async def run_job(client: Client, name: str = "register-events") -> int:
    """One job of api/jobs now, as the background loop would (the tests' apps run
    no loop): e.g. register events into notifications."""
    from api.jobs.registry import by_name
    from api.services.appointments import calendar as cal

    return await by_name(name).run(client.state, cal.now())


async def seed_demo(client: Client) -> None:
    from api.services.appointments.halls import seed_halls
    from mock_providers.seed import seed_demo as seed
    from tests.conftest import FIXTURES

    await seed(client.state.vault, FIXTURES / "faces")
    await seed_halls()
