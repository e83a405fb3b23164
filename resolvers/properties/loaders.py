"""Per-request loaders: one register read (and one access record) per request."""

from __future__ import annotations

from functools import partial

from strawberry.dataloader import DataLoader

from api.graphql.context import Info
from api.infra.state import AppState
from api.providers.registry import Holding
from api.services.privacy.access_log import Accessor
from api.services.properties import holdings as properties
from api.services.session import citizens


async def _holdings(state: AppState, channel: str, citizen_ids: list[str]) -> list[list[Holding]]:
    found = await citizens.get_many(citizen_ids)
    out: list[list[Holding]] = []
    for cid in citizen_ids:
        accessor = Accessor(kind="SELF", name="本人", actor=f"citizen:{cid}", channel=channel)
        out.append(await properties.holdings_of(state, found[cid], accessor, purpose="本人查询"))
    return out


async def _id_numbers(state: AppState, citizen_ids: list[str]) -> list[str]:
    found = await citizens.get_many(citizen_ids)
    return [citizens.id_number_of(state, found[cid]) for cid in citizen_ids]


def holdings_loader(info: Info) -> DataLoader[str, list[Holding]]:
    loaders = info.context.loaders
    if loaders.holdings is None:
        principal = info.context.principal
        loaders.holdings = DataLoader(load_fn=partial(
            _holdings, info.context.state, principal.channel if principal else ""))
    return loaders.holdings


def id_number_loader(info: Info) -> DataLoader[str, str]:
    loaders = info.context.loaders
    if loaders.id_numbers is None:
        loaders.id_numbers = DataLoader(load_fn=partial(_id_numbers, info.context.state))
    return loaders.id_numbers


async def my_holdings(info: Info) -> tuple[list[Holding], str]:
    """The caller's holdings and their own ID number (to mark "self" among co-holders)."""
    me = info.context.citizen().subject
    return await holdings_loader(info).load(me), await id_number_loader(info).load(me)
