"""My properties (名下房产): what the register holds for the logged-in citizen.

Owns:
- the one place "my holdings" are read (``holdings_of``): from the registry
  provider by the citizen's own ID number (from our encrypted record, never
  from client input), recorded in the access log and the audit trail;
- filtering and paging of holdings, and the derived flags;
- "not mine" answering exactly like "missing" for a property id.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.infra.state import AppState
from api.models import Citizen
from api.providers.registry import Holding
from api.services import paging
from api.services.privacy import access_log
from api.services.session import citizens

SCOPE = "HOLDINGS"


@dataclass(frozen=True)
class HoldingFilter:
    district_code: str | None = None
    use: str | None = None
    encumbered: bool | None = None


def _active(h: Holding, kind: str) -> bool:
    return any(e.kind == kind and e.status == "ACTIVE" for e in h.encumbrances)


def is_mortgaged(h: Holding) -> bool:
    return _active(h, "MORTGAGE")


def is_seized(h: Holding) -> bool:
    """An active court seizure (查封): the one definition, also behind the third
    parties' UNIT_FREE_OF_SEIZURE answer (api/services/proofs/questions.py)."""
    return _active(h, "SEIZURE")


def is_transferable(h: Holding) -> bool:
    """A seized property cannot be transferred; a pre-registration binds a transfer
    to its holder's consent (民法典 第221条). A mortgage does not (第406条): the
    buyer takes it over or it is discharged at the transfer."""
    return not (is_seized(h) or _active(h, "PRE_REGISTRATION"))


def _matches(h: Holding, f: HoldingFilter) -> bool:
    if f.district_code and h.district_code != f.district_code:
        return False
    if f.use and h.use != f.use:
        return False
    encumbered = any(e.status == "ACTIVE" for e in h.encumbrances)
    return f.encumbered is None or encumbered == f.encumbered


async def holdings_of(state: AppState, citizen: Citizen, accessor: access_log.Accessor, *,
                      purpose: str) -> list[Holding]:
    holdings = await state.providers.registry.holdings(citizens.id_number_of(state, citizen))
    await access_log.record_access(citizen.id_number_hash, accessor, purpose=purpose,
                                   scope=SCOPE)
    return holdings


def page(holdings: list[Holding], f: HoldingFilter, *, first: int,
         after: str | None) -> paging.Page[Holding]:
    chosen = [h for h in holdings if _matches(h, f)]
    start = paging.decode_offset(after)
    rows = chosen[start:start + first + 1]
    cursors = {id(h): paging.encode_offset(start + i + 1) for i, h in enumerate(rows)}
    return paging.Page.of(rows, first, lambda h: cursors[id(h)], total=len(chosen))


def find(holdings: list[Holding], property_id: str) -> Holding | None:
    return next((h for h in holdings if h.right_id == property_id), None)
