"""Persisted operations (APQ-style): a phone sends a hash instead of the document.

The mini-program demo and the kiosk call the API only through the operations
in ``mobile_demo/operations/*.graphql``. At start-up each file's text is
hashed (SHA-256, hex, of the file's bytes as UTF-8 text), and a request may
then carry

    {"operationName": "MyProperties", "variables": {...},
     "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "<hex>"}}}

without ``query``. The protocol follows Apollo's automatic persisted queries:
an unknown hash answers ``PERSISTED_QUERY_NOT_FOUND`` (HTTP 200), and a
client may then send the hash together with the document, which is checked
against the hash and remembered in a bounded in-process cache (per worker:
512 documents of at most 16,384 characters; a longer one runs but is not
remembered).
``/ui/operations.json`` publishes the name → hash manifest of the files.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.errors import ErrorCode

OPERATIONS_DIR = Path(__file__).resolve().parents[2] / "mobile_demo" / "operations"
_NAME = re.compile(r"^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)", re.M)
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Refusal:
    code: ErrorCode
    message: str


class PersistedOperations:
    def __init__(self, documents: dict[str, str], cache_size: int = 512,
                 max_registered_chars: int = 16_384) -> None:
        self._files = {sha256_hex(doc): doc for doc in documents.values()}
        self.manifest = {name: sha256_hex(doc) for name, doc in sorted(documents.items())}
        self._cache: OrderedDict[str, str] = OrderedDict()
        self._cache_size = cache_size
        # Bounded in bytes too: at most cache_size x max_registered_chars per worker.
        self._max_registered = max_registered_chars

    @classmethod
    def load(cls, directory: Path = OPERATIONS_DIR) -> PersistedOperations:
        documents: dict[str, str] = {}
        for path in sorted(directory.glob("*.graphql")):
            text = path.read_text(encoding="utf-8")
            match = _NAME.search(text)
            documents[match.group(1) if match else path.stem] = text
        return cls(documents)

    def resolve(self, query: str | None, extension: Any) -> str | Refusal:
        """The document to run for a request carrying ``persistedQuery``."""
        if not isinstance(extension, dict) or extension.get("version") != 1 or not isinstance(
                extension.get("sha256Hash"), str) or not _HEX64.match(extension["sha256Hash"]):
            return Refusal(ErrorCode.PERSISTED_QUERY_INVALID, "持久化查询参数无效（version 应为 1，"
                           "sha256Hash 为 64 位小写十六进制）")
        digest = extension["sha256Hash"]
        if query is not None:
            if sha256_hex(query) != digest:
                return Refusal(ErrorCode.PERSISTED_QUERY_HASH_MISMATCH,
                               ErrorCode.PERSISTED_QUERY_HASH_MISMATCH.message)
            if digest not in self._files and len(query) <= self._max_registered:
                self._cache[digest] = query
                self._cache.move_to_end(digest)
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
            return query
        found = self._files.get(digest) or self._cache.get(digest)
        if found is None:
            return Refusal(ErrorCode.PERSISTED_QUERY_NOT_FOUND,
                           ErrorCode.PERSISTED_QUERY_NOT_FOUND.message)
        return found
