"""Whether a host or URL is this machine: the one rule for what is free (the simulator), what a
replay may still reach, and what the network block lets through."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_loopback_host(host: str) -> bool:
    """``localhost`` or a loopback address (127.0.0.0/8, ::1, bracketed or not); a name such as
    ``127.example.com`` or ``localhost.example.com`` is not."""
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: str | None) -> bool:
    """An http(s) URL whose host is this machine."""
    if not url:
        return False
    parts = urlsplit(str(url))
    return parts.scheme.lower() in ("http", "https") and is_loopback_host(parts.hostname or "")
