"""schema.graphql is the committed contract: it must match the code, and every
operation the mini-program demo sends must validate against it."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

from api.graphql.schema import export_sdl
from api.infra.settings import ROOT

OPERATIONS = sorted((ROOT / "mobile_demo" / "operations").glob("*.graphql"))


def test_committed_schema_is_current() -> None:
    committed = (ROOT / "schema.graphql").read_text()
    assert committed == export_sdl(), (
        "schema.graphql is stale: run `python -m api export-schema > schema.graphql`")


def test_demo_has_operations() -> None:
    assert OPERATIONS, "mobile_demo/operations/ has no operation to check"


@pytest.mark.parametrize("path", OPERATIONS, ids=lambda p: p.name)
def test_demo_operation_is_valid(path: Path) -> None:
    schema = build_schema((ROOT / "schema.graphql").read_text())
    errors = validate(schema, parse(path.read_text()))
    assert not errors, [e.message for e in errors]
