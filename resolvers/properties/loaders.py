"""Per-request loaders: one register read (and one access record) per request."""

from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from api.graphql.context import Info
from api.providers.registry import Holding
from api.services.privacy.access_log import Accessor
from api.services.properties import holdings as properties
from api.services.session import citizens
from auth.permissions import principal_of


def holdings_loader(info: Info) -> DataLoader[str, list[Holding]]:
    ctx = info.context
    loader = ctx.loaders.get("holdings")
    if loader is None:
        principal = principal_of(info)
        channel = principal.channel if principal else ""

        async def load(citizen_ids: list[str]) -> list[list[Holding]]:
            found = await citizens.get_many(citizen_ids)
            out: list[list[Holding]] = []
            for cid in citizen_ids:
                accessor = Accessor(kind="SELF", name="本人", actor=f"citizen:{cid}",
                                    channel=channel)
                out.append(await properties.holdings_of(
                    ctx.state, found[cid], accessor, purpose="本人查询", request_id=ctx.request_id))
            return out

        loader = ctx.loaders["holdings"] = DataLoader(load_fn=load)
    return loader


async def my_holdings(info: Info) -> tuple[list[Holding], str]:
    """The caller's holdings and their own ID number (to mark "self" among co-holders)."""
    principal = principal_of(info)
    assert principal is not None
    holdings = await holdings_loader(info).load(principal.subject)
    me: Any = info.context.loaders.get("me_id_number")
    if me is None:
        me = citizens.id_number_of(info.context.state.vault, await citizens.get(principal.subject))
        info.context.loaders["me_id_number"] = me
    return holdings, me
