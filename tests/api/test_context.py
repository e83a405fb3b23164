"""The typed GraphQL context (issue 14 item 4): principal accessors with coded
errors, and the request id reaching audit rows without being passed by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from starlette.requests import Request

from api.errors import ErrorCode, Forbidden, PublicError, ServiceUnavailable, Unauthenticated
from api.graphql.context import Context, Loaders
from api.models import AuditEvent
from api.providers.idnumber import build
from auth.backend import Principal
from tests.conftest import Client
from tests.resolvers.helpers import token_for


def _context(user: Any = None) -> Context:
    scope: dict[str, Any] = {"type": "http", "headers": []}
    if user is not None:
        scope["user"] = user
    return Context(request=Request(scope), state=None)  # type: ignore[arg-type]


def _principal(kind: str, *, verifiable: bool = True) -> Principal:
    return Principal(kind=kind, subject="s", session_id="sid", assurance_level="L2",
                     channel="FOSHANTONG", verifiable=verifiable)


@pytest.mark.parametrize(("user", "error", "code"), [
    (None, Unauthenticated, ErrorCode.UNAUTHENTICATED),
    (_principal("staff"), Forbidden, ErrorCode.FORBIDDEN),
    (_principal("citizen", verifiable=False), ServiceUnavailable, ErrorCode.SERVICE_UNAVAILABLE),
])
def test_citizen_accessor_raises_the_coded_error(user: Principal | None, error: type[PublicError],
                                                 code: ErrorCode) -> None:
    with pytest.raises(error) as raised:
        _context(user).citizen()
    assert raised.value.code == code


def test_each_accessor_returns_its_kind() -> None:
    for kind in ("citizen", "staff", "client"):
        principal = _principal(kind)
        assert getattr(_context(principal), kind)() is principal
    assert _context().principal is None


def test_loaders_hold_only_dataloaders() -> None:
    assert set(Loaders.__dataclass_fields__) == {"holdings", "id_numbers"}


LOGOUT = "mutation { logout { __typename } }"


async def test_audit_rows_carry_the_request_id_from_the_header(client: Client) -> None:
    token = await token_for(client, "陈志明", build("440604", date(1985, 3, 12), 1))
    data = await client.gql(LOGOUT, token=token, headers={"x-request-id": "req-context-0001"})
    assert data["data"]["logout"]["__typename"] == "LoggedOut"
    row = await AuditEvent.get(action="session.revoked.logout")
    assert row.request_id == "req-context-0001"
    opened = await AuditEvent.get(action="session.opened")
    assert opened.request_id == ""  # opened outside a request (the helper calls the service)
