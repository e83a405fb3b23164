"""Issue 12 item 13: the logs hold no credential from a URL, and no input can
forge a log line (a newline in ``client_id`` on /oauth/token did)."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator

import httpx
import pytest

from api.infra.logging import escape_controls, install_redaction, redact_target
from tests.serverproc import ServerProcess, embedded_env, serve

FORGED = "2026-12-04 09:00:00,000 INFO api.audit [x] FORGED"
LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ \S+ \[[^\]]*\] ")


@pytest.mark.parametrize(("target", "kept"), [
    ("/verify?n=FS2026000123&c=7KQ2-9ZXA", "/verify?n=***&c=***"),
    ("/files/certificates/5f0c.pdf?t=eyJhbGciOi.abc.def", "/files/certificates/5f0c.pdf?t=***"),
    ("/v/eyJraWQiOiJzZWFs.eyJuIjoiRlMi.sig", "/v/***"),
    ("/graphql?query=%7B%7D&variables=%7B%22id%22%3A1%7D", "/graphql?query=***&variables=***"),
    ("/graphql", "/graphql"),
])
def test_request_targets_lose_their_credentials(target: str, kept: str) -> None:
    assert redact_target(target) == kept


def test_control_characters_are_escaped() -> None:
    assert escape_controls("a\nb\r\tc\x1b[31m\u2028d\x85") == "a\\nb\\r\\tc\\x1b[31m\\u2028d\\x85"


def test_one_record_is_one_line_even_with_a_traceback() -> None:
    install_redaction()
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [-] %(message)s"))
    logger = logging.getLogger("test.forge")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("client authentication failed for %s", "bank\n" + FORGED)
        try:
            raise ValueError("bad input\n" + FORGED)
        except ValueError:
            logger.warning("failed", exc_info=True)
    finally:
        logger.removeHandler(handler)
    lines = sink.getvalue().splitlines()
    assert not [line for line in lines if line.startswith(FORGED[:23])], lines
    assert sum(1 for line in lines if LINE.match(line)) == 2


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with serve(embedded_env(tmp_path_factory.mktemp("logs"))) as s:
        yield s


def test_the_access_log_of_a_real_server(server: ServerProcess) -> None:
    secrets = ["FS2026000123", "7KQ2-9ZXA", "eyJhbGciOi", "eyJraWQiOiJzZWFs", "440604196603129119"]
    with httpx.Client(base_url=server.url, timeout=30) as http:
        http.get("/verify", params={"n": secrets[0], "c": secrets[1]})
        http.get("/files/certificates/5f0c.pdf", params={"t": secrets[2] + ".x.y"})
        http.get(f"/v/{secrets[3]}.e30.sig")
        http.get("/graphql", params={"query": "{ __typename }",
                                     "variables": '{"id": "' + secrets[4] + '"}'})
        http.post("/oauth/token", data={"grant_type": "client_credentials",
                                        "client_id": "bank\n" + FORGED, "client_secret": "x"})
        http.get("/graphql%0A" + FORGED.replace(" ", "%20"))
    server.proc.terminate()
    server.proc.wait(30)
    text = server.log.read_text(errors="replace")
    for secret in secrets:
        assert secret not in text, secret
    assert "/verify?n=***&c=***" in text
    assert "/files/certificates/5f0c.pdf?t=***" in text
    lines = text.splitlines()
    assert not [line for line in lines if line.startswith(FORGED[:23])], text[-3000:]
    assert all(LINE.match(line) or line.startswith("  ") for line in lines), text[-3000:]
    assert text.count("bank\\n2026-12-04") == 1  # the client id, escaped, on its own line
