"""Whether an address stays on this machine (local mode serves and calls only those)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_loopback_host(host: str) -> bool:
    """True for `localhost` and loopback IP addresses (`127.0.0.0/8`, `::1`)."""
    host = host.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: str | None) -> bool:
    """True for an http(s) URL on a loopback host, with no `user:password@`."""
    try:
        parts = urlsplit(url or "")
        parts.port  # noqa: B018 - raises ValueError for a port that is not one
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or parts.username or parts.password:
        return False
    return is_loopback_host(parts.hostname or "")


def origin(url: str | None) -> str:
    """`scheme://host:port` of `url` (empty when it has none), to tell hosts apart."""
    try:
        parts = urlsplit(url or "")
        return f"{parts.scheme}://{parts.hostname}:{parts.port}".lower()
    except ValueError:
        return ""
