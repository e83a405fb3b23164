"""``POST /oauth/token``: the client-credentials exchange for third-party institutions.

Form-encoded as RFC 6749 requires; errors use its ``error`` codes. Parsed by
hand (``application/x-www-form-urlencoded`` only, small body) rather than
pulling in a multipart parser for one endpoint.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse

from api.errors import ServiceUnavailable
from api.services.proofs import clients
from api.services.proofs.errors import InvalidClient

log = logging.getLogger("api.http.oauth")
_MAX_BODY = 16 * 1024
_NO_STORE = {"cache-control": "no-store", "pragma": "no-cache"}


def _error(code: str, status: int, description: str) -> JSONResponse:
    return JSONResponse({"error": code, "error_description": description}, status_code=status,
                        headers=_NO_STORE)


async def token(request: Request) -> JSONResponse:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        return _error("invalid_request", 400, "请求须为 application/x-www-form-urlencoded")
    body = await request.body()
    if len(body) > _MAX_BODY:
        return _error("invalid_request", 413, "请求内容过大")
    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items() if v}
    state = request.app.state.fsreg
    token_url = f"{state.settings.public_base_url.rstrip('/')}/oauth/token"
    try:
        client = await clients.authenticate(state, form, token_url)
    except InvalidClient:
        log.info("client authentication failed for %s", form.get("client_id", "?")[:64])
        return _error("invalid_client", 401, "机构凭证无效")
    except ServiceUnavailable:
        return _error("temporarily_unavailable", 503, "服务暂时不可用，请稍后再试")
    return JSONResponse({"access_token": clients.issue_token(state, client),
                         "token_type": "Bearer", "expires_in": clients.CLIENT_TOKEN_SECONDS},
                        headers=_NO_STORE)
