"""Who is on the other end: the client address behind trusted proxies (issue 12, item 15).

Owns: the one rule every per-address limiter (login, SMS, certificate
verification, the verify page, proof requests), the session list and the
access log rely on. The TCP peer is the client, unless the peer is one of the
``trusted_proxies`` (addresses or CIDRs): then the forwarded chain
(``Forwarded: for=`` per RFC 7239, else ``X-Forwarded-For``) is read from the
right, skipping trusted hops, and the first address not in the list is the
client. Entries left of that one were written by the client itself and are
never believed. A header from an untrusted peer is ignored entirely.

``TrustedProxyMiddleware`` writes the result into ``scope["client"]`` once per
request, so ``request.client`` and uvicorn's access log (which reads the same
scope) agree; uvicorn's own proxy handling stays off (``serve`` passes
``proxy_headers=False``), so there is exactly one place that decides.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

UNKNOWN = "unknown"
_FOR = re.compile(r'(?:^|;)\s*for\s*=\s*("[^"]*"|[^;,\s]*)', re.IGNORECASE)


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """``["10.0.0.0/8", "192.0.2.7"]`` -> networks; a bad entry is a configuration
    error, raised at start-up (the settings validator calls this)."""
    return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())


def _address(token: str) -> Address | None:
    """An address from one forwarded entry: ``1.2.3.4``, ``1.2.3.4:80``, ``[::1]:80``,
    ``"[2001:db8::1]"``; None for ``unknown``, obfuscated names or junk."""
    text = token.strip().strip('"').strip()
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # IPv4 with a port
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _forwarded_chain(headers: Sequence[tuple[bytes, bytes]]) -> list[str]:
    """The forwarded-for entries, oldest first (several header lines concatenate)."""
    forwarded = [v.decode("latin-1") for k, v in headers if k == b"forwarded"]
    if forwarded:
        chain = []
        for line in forwarded:
            for element in line.split(","):
                m = _FOR.search(element)
                chain.append(m.group(1) if m else "")
        return chain
    xff = [v.decode("latin-1") for k, v in headers if k == b"x-forwarded-for"]
    return [e for line in xff for e in line.split(",")]


def _trusted(address: Address, networks: Sequence[Network]) -> bool:
    return any(address.version == n.version and address in n for n in networks)


def resolve(peer: str | None, headers: Sequence[tuple[bytes, bytes]],
            trusted: Sequence[Network]) -> str:
    """The client address for a request from ``peer`` with these headers."""
    if not peer:
        return UNKNOWN
    peer_address = _address(peer)
    if peer_address is None or not trusted or not _trusted(peer_address, trusted):
        return str(peer_address) if peer_address else peer
    current = peer_address
    for entry in reversed(_forwarded_chain(headers)):
        hop = _address(entry)
        if hop is None:
            # A trusted proxy passed on something that is no address: stop at
            # the last hop we can vouch for rather than believe the text.
            return str(current)
        current = hop
        if not _trusted(hop, trusted):
            return str(hop)
    return str(current)


def client_ip(request: Request) -> str:
    """The one helper every limiter and record of "where from" uses."""
    return request.client.host if request.client else UNKNOWN


class TrustedProxyMiddleware:
    """Rewrites ``scope["client"]`` to the resolved client (outermost middleware)."""

    def __init__(self, app: ASGIApp, *, trusted: Sequence[Network]) -> None:
        self.app = app
        self.trusted = tuple(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            peer = scope.get("client")
            host = peer[0] if peer else None
            resolved = resolve(host, scope.get("headers", []), self.trusted)
            if resolved != host:
                # In place: uvicorn's access log reads this same dict.
                scope["client"] = (resolved, 0)
        await self.app(scope, receive, send)
