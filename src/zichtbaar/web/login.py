"""Who is asking (the client address, proxies considered) and the login limits.

Failures are limited per *client* and per *account from that client*, never per account alone:
a per-account lock let anyone lock any account out for 15 minutes by typing its name wrongly
five times, while the real user, from their own client, had done nothing. Guessing one account
from many clients is then bounded by the client limit times the clients, the argon2 cost and the
password policy (12+ characters). The count is kept in the store and taken in one step with the
check (``store.login_limits``), so parallel attempts and several workers share one limit.

``X-Forwarded-For`` is believed only when the connection comes from a configured proxy: from
anyone else it is a header the client wrote, and a new value per try made every try a new client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import Scope

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_proxies(values: Iterable[str]) -> tuple[Network, ...]:
    """Addresses or networks of the reverse proxies whose ``X-Forwarded-For`` is believed."""
    return tuple(ipaddress.ip_network(v.strip(), strict=False) for v in values if v.strip())


def _within(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def client_address(scope: Scope, proxies: tuple[Network, ...]) -> str:
    """The connecting peer, or, behind trusted proxies, the nearest address they did not add."""
    peer = scope.get("client")
    address = str(peer[0]) if peer else "unknown"
    if not proxies or not _within(address, proxies):
        return address
    forwarded: list[str] = []
    for name, value in scope.get("headers", []):
        if name == b"x-forwarded-for":
            forwarded += [p.strip() for p in value.decode("latin-1").split(",") if p.strip()]
    for hop in reversed(forwarded):  # the right end was added by the proxy nearest to us
        if not _within(hop, proxies):
            return hop
    return forwarded[0] if forwarded else address


def throttle_keys(account: str, client: str) -> tuple[str, str]:
    """The two counters a failed login adds to: the client, and the account from that client."""
    return f"client\x1f{client}", f"account\x1f{account}\x1f{client}"
