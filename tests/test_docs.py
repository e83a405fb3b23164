"""docs/privacy.md and docs/security.md prove their claims by naming tests
(``tests/<file>.py::<test>`` or ``tests/<file>.py::<Class>::<test>``, pytest node
ids). A renamed, moved or deleted test must not leave a claim pointing at
nothing: every reference has to name a test function that exists where it says.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ("docs/privacy.md", "docs/security.md")
REFERENCE = re.compile(r"(tests/[\w/.-]+?\.py)::([A-Za-z_]\w*(?:::[A-Za-z_]\w*)?)")


def references(doc: str) -> list[tuple[str, str]]:
    """(file, node) for every test a document names, in order."""
    return REFERENCE.findall((ROOT / doc).read_text(encoding="utf-8"))


@cache
def nodes(path: str) -> frozenset[str]:
    """The pytest node ids (without the file) of a test file's test functions."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    found = set()
    for item in tree.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name.startswith(
                "test"):
            found.add(item.name)
        elif isinstance(item, ast.ClassDef):
            found |= {f"{item.name}::{sub.name}" for sub in item.body
                      if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef)
                      and sub.name.startswith("test")}
    return frozenset(found)


def missing(doc: str) -> list[str]:
    gone = []
    for path, node in references(doc):
        if not (ROOT / path).is_file() or node not in nodes(path):
            gone.append(f"{path}::{node}")
    return gone


@pytest.mark.parametrize("doc", DOCS)
def test_every_test_a_document_names_exists(doc: str) -> None:
    assert len(references(doc)) >= 20, f"{doc} should prove its claims with tests"
    gone = missing(doc)
    assert not gone, f"{doc} names tests that do not exist: {gone}"


def test_the_checker_finds_a_missing_test(tmp_path: Path) -> None:
    """The check itself can fail: a made-up, a moved and a class-less name are caught."""
    text = ("`tests/api/test_pii.py::TestVault::test_no_such_test` "
            "`tests/api/test_nowhere.py::test_x` `tests/api/test_pii.py::test_mask_name` "
            "`tests/api/test_pii.py::TestIdNumber::test_mask_name`")
    found = REFERENCE.findall(text)
    assert len(found) == 4
    bad = [f"{p}::{n}" for p, n in found if not (ROOT / p).is_file() or n not in nodes(p)]
    assert bad == ["tests/api/test_pii.py::TestVault::test_no_such_test",
                   "tests/api/test_nowhere.py::test_x", "tests/api/test_pii.py::test_mask_name"]


def test_readme_links_both_documents() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for doc in DOCS:
        assert f"({doc})" in readme, f"README.md should link {doc}"
