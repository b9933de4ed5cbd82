"""A clinic server address as a person writes it: whether it holds a password, and without it."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Light on purpose (the standard library only): the desktop's first window reads a saved address.


def carries_password(url: str) -> bool:
    """Whether a libpq-style address holds a password (NAME:PASSWORD@HOST or ?password=)."""
    try:
        parts = urlsplit(url.strip())
        query = parse_qsl(parts.query)
        return bool(parts.password) or any(k == "password" and v for k, v in query)
    except ValueError:  # not an address at all: the caller says so
        return False


def without_password(url: str) -> str:
    """`url` with any password taken out (the same text when it holds none)."""
    if not carries_password(url):
        return url
    parts = urlsplit(url.strip())
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{parts.username}@{host}" if parts.username else host
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "password"])
    return urlunsplit(parts._replace(netloc=netloc, query=query))
