"""Persons of the mock 公安 registry and the earlier owners found only in old rights.

ID numbers are unique by construction, not by luck: an index is mapped to a
(birth date, sequence) pair by a bijection, so no two indexes can share both,
whatever their region code. Sequences 900-999 are never generated; the demo
citizens use them, so demo and generated people never collide.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

from api.providers import idnumber
from mock_providers.datagen import names, places
from mock_providers.datagen.specs import PersonSpec, make_id

GENERATED_SEQUENCES = 450  # sequence = 2 * s + (1 if male), s < 450 -> 000..899
# Registry persons are born 1950-2004; earlier owners 1925-1949, so the two
# populations can never share an ID number either.
PERSON_BORN = (date(1950, 1, 1), date(2004, 12, 31))
ELDER_BORN = (date(1925, 1, 1), date(1949, 12, 31))
# A prime (Knuth's multiplicative constant) is coprime with both
# days * 450 products, so k -> k * _SCATTER + c is a permutation of them:
# neighbours get unrelated birthdays and sequence numbers.
_SCATTER = 2_654_435_761

_REGION_GROUPS = (
    (places.FOSHAN_REGIONS, 0.58),
    (places.GUANGDONG_REGIONS, 0.22),
    (places.OTHER_REGIONS, 0.20),
)
_FOSHAN_REGION_WEIGHTS = tuple(d.weight for d in places.DISTRICTS)


def _birth_and_sequence(index: int, seed: int, span: tuple[date, date]) -> tuple[date, int]:
    days = (span[1] - span[0]).days + 1
    size = days * GENERATED_SEQUENCES
    if not 0 <= index < size:
        raise ValueError(f"index {index} outside the {size} unique ID numbers")
    s, day = divmod((index * _SCATTER + seed * 104_729) % size, days)
    return span[0] + timedelta(days=day), s


def region_code(rng: random.Random) -> str:
    roll = rng.random()
    for regions, share in _REGION_GROUPS:
        if roll < share:
            if regions is places.FOSHAN_REGIONS:
                return rng.choices(regions, weights=_FOSHAN_REGION_WEIGHTS)[0]
            return rng.choice(regions)
        roll -= share
    return rng.choice(places.OTHER_REGIONS)


def mobile(rng: random.Random) -> str:
    return rng.choice(places.MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"


def person_id(index: int, seed: int = 2024) -> uuid.UUID:
    """Row id of the person at ``index``, without generating them."""
    return make_id(seed, "person", index)


def person_spec(index: int, seed: int = 2024) -> PersonSpec:
    """The person at ``index`` of the data set for ``seed``, computed in O(1)."""
    # A string seed is hashed with SHA-512 by random.Random: stable across
    # machines and independent of PYTHONHASHSEED.
    rng = random.Random(f"person:{seed}:{index}")
    gender = "M" if rng.random() < 0.51 else "F"
    born, s = _birth_and_sequence(index, seed, PERSON_BORN)
    region = region_code(rng)
    family, name = names.full_name(rng, gender, born.year)
    number = idnumber.build(region, born, 2 * s + (1 if gender == "M" else 0))
    return PersonSpec(index=index, id=person_id(index, seed), id_number=number,
                      name=name, surname=family, gender=gender, born=born, region=region,
                      phone=mobile(rng))


def elder(n: int, seed: int, rng: random.Random, family: str | None = None) -> tuple[str, str]:
    """(name, id_number) of the n-th earlier owner: a parent or seller who is
    not in the identity registry (deceased, or long moved away)."""
    gender = "M" if rng.random() < 0.5 else "F"
    born, s = _birth_and_sequence(n, seed, ELDER_BORN)
    _, name = names.full_name(rng, gender, born.year, family)
    return name, idnumber.build(region_code(rng), born, 2 * s + (1 if gender == "M" else 0))
