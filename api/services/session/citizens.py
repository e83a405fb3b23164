"""Citizen accounts: created on first successful login from the identity provider's answer.

Owns: how a person's ID number and name are stored (encrypted, blind index,
masked copies for display) and the one way to find a citizen by ID number.
"""

from __future__ import annotations

import uuid

from tortoise.exceptions import IntegrityError

from api.infra.state import AppState
from api.models import Citizen
from api.providers import idnumber
from api.providers.identity import Person

TABLE = "citizen"


async def ensure_citizen(state: AppState, person: Person) -> Citizen:
    digest = state.vault.blind_index(person.id_number)
    existing = await Citizen.get_or_none(id_number_hash=digest)
    if existing is not None:
        return existing
    cid = uuid.uuid4()
    row = Citizen(
        id=cid,
        id_number_hash=digest,
        id_number_enc=state.vault.encrypt(person.id_number, table=TABLE, column="id_number",
                                    row=str(cid)),
        name_enc=state.vault.encrypt(person.name, table=TABLE, column="name", row=str(cid)),
        masked_name=idnumber.mask_name(person.name),
        masked_id_number=idnumber.mask(person.id_number),
    )
    try:
        await row.save(force_create=True)
    except IntegrityError:  # two first logins raced: the other one created it
        return await Citizen.get(id_number_hash=digest)
    return row


def id_number_of(state: AppState, citizen: Citizen) -> str:
    return state.vault.decrypt(citizen.id_number_enc, table=TABLE, column="id_number",
                         row=str(citizen.id))


def name_of(state: AppState, citizen: Citizen) -> str:
    return state.vault.decrypt(citizen.name_enc, table=TABLE, column="name", row=str(citizen.id))


async def get(citizen_id: str) -> Citizen:
    return await Citizen.get(id=citizen_id)


async def get_many(citizen_ids: list[str]) -> dict[str, Citizen]:
    return {str(c.id): c for c in await Citizen.filter(id__in=citizen_ids)}
