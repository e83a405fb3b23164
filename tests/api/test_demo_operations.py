"""The mini-program demo's client code against its contract: every operation it
calls exists as a persisted operation file, every typed error of the schema has a
Chinese message with a next step, and the HTML obeys the strict CSP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import build_schema, parse

from api.infra.settings import ROOT

DEMO = ROOT / "mobile_demo"
OPERATIONS = DEMO / "operations"
SCRIPTS = sorted(DEMO.rglob("*.js"))
HTML = sorted(DEMO.rglob("*.html"))
GQL_CALL = re.compile(r"""\bgql\(\s*["']([A-Za-z_]\w*)["']""")
MESSAGE_KEY = re.compile(r"^\s{2}([A-Za-z_]\w*):\s*\{\s*title:", re.M)


def _user_error_types() -> set[str]:
    schema = build_schema((ROOT / "schema.graphql").read_text())
    interface = schema.get_type("UserError")
    return {t.name for t in schema.get_implementations(interface).objects}  # type: ignore[arg-type]


def test_every_gql_call_names_an_operation_file() -> None:
    called = {(path.relative_to(ROOT), name) for path in SCRIPTS
              for name in GQL_CALL.findall(path.read_text(encoding="utf-8"))}
    assert called, "no gql(...) call found under mobile_demo/"
    missing = sorted(f"{path}: gql(\"{name}\")" for path, name in called
                     if not (OPERATIONS / f"{name}.graphql").exists())
    assert not missing, "operations without a file in mobile_demo/operations/:\n" + "\n".join(missing)


@pytest.mark.parametrize("path", sorted(OPERATIONS.glob("*.graphql")), ids=lambda p: p.name)
def test_operation_file_is_named_after_its_operation(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# "), f"{path.name}: start with a '# 中文注释' line naming the screen"
    names = [d.name.value for d in parse(text).definitions
             if d.kind == "operation_definition" and d.name]  # type: ignore[attr-defined]
    assert names == [path.stem], f"{path.name} defines {names}"


def test_every_user_error_has_a_message() -> None:
    text = (DEMO / "shared" / "messages.js").read_text(encoding="utf-8")
    keys = set(MESSAGE_KEY.findall(text))
    missing = sorted(_user_error_types() - keys)
    assert not missing, f"shared/messages.js has no entry for: {', '.join(missing)}"
    for code in ("UNAUTHENTICATED", "FORBIDDEN", "RATE_LIMITED", "SERVER_BUSY",
                 "SERVICE_UNAVAILABLE", "TIMEOUT", "NETWORK"):
        assert code in keys, f"shared/messages.js has no entry for the top-level code {code}"


INLINE = [
    (re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script> (no src)"),
    (re.compile(r"<style\b", re.I), "<style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on...= event attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


@pytest.mark.parametrize("path", HTML, ids=lambda p: str(p.relative_to(DEMO)))
def test_html_has_no_inline_script_or_style(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [what for pattern, what in INLINE if pattern.search(text)]
    assert not found, f"{path.relative_to(ROOT)} breaks the CSP: {', '.join(found)}"


NORMALISED = {"Property", "Certificate", "Appointment"}


@pytest.mark.parametrize("path", sorted(OPERATIONS.glob("*.graphql")), ids=lambda p: p.name)
def test_every_object_selection_names_its_type(path: Path) -> None:
    """Clients normalise what the server sends, not their own copy of the
    document: Apollo Client adds ``__typename`` to the document it hashes and
    caches with, but a persisted operation runs this file's text. So the file
    asks for ``__typename`` in every object selection, and for ``id`` wherever
    a Property, Certificate or Appointment is selected (the cache keys)."""
    from graphql import FieldNode, TypeInfo, TypeInfoVisitor, Visitor, get_named_type, visit

    schema = build_schema((ROOT / "schema.graphql").read_text())
    type_info = TypeInfo(schema)
    missing: list[str] = []

    class Check(Visitor):
        def enter_selection_set(self, node, key, parent, *_):  # type: ignore[no-untyped-def]
            if not isinstance(parent, FieldNode):
                return
            names = {s.name.value for s in node.selections if isinstance(s, FieldNode)}
            type_name = get_named_type(type_info.get_type()).name  # type: ignore[union-attr]
            if "__typename" not in names:
                missing.append(f"{parent.name.value} ({type_name}): __typename")
            if type_name in NORMALISED and "id" not in names:
                missing.append(f"{parent.name.value} ({type_name}): id")

    visit(parse(path.read_text(encoding="utf-8")), TypeInfoVisitor(type_info, Check()))
    assert not missing, f"{path.name} selects without: " + ", ".join(missing)
