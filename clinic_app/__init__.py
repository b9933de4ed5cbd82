"""Core of the clinic case manager: vault, domain, deadlines, documents and services (no Qt)."""

from __future__ import annotations

from importlib import metadata

try:
    __version__ = metadata.version("clinic-app")
except metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.1.0"
