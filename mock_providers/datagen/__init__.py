"""Deterministic, realistic mock data for Foshan's property register (no DB).

``iter_chunks(holders, seed)`` yields persons, units, rights, holders and
encumbrances in chunks that reference only themselves; the same seed gives
the same rows and ids on every run and machine (``random.Random`` seeded by
strings, ids by uuid5). ``seed.py`` encrypts and writes them.
"""

from mock_providers.datagen.generator import (
    GROUP,
    HEAVY_PROPERTIES,
    heavy_holder_indexes,
    heavy_holders,
    iter_chunks,
)
from mock_providers.datagen.people import person_id, person_spec
from mock_providers.datagen.places import DISTRICT_BY_CODE
from mock_providers.datagen.specs import (
    Block,
    Chunk,
    EncumbranceSpec,
    HolderSpec,
    PersonSpec,
    RightSpec,
    UnitSpec,
)

__all__ = [
    "DISTRICT_BY_CODE", "GROUP", "HEAVY_PROPERTIES", "Block", "Chunk", "EncumbranceSpec",
    "HolderSpec", "PersonSpec", "RightSpec", "UnitSpec", "heavy_holder_indexes",
    "heavy_holders", "iter_chunks", "person_id", "person_spec",
]
