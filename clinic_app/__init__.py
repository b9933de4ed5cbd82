"""Core of the clinic case manager: vault, domain, deadlines, documents and services (no Qt)."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path


def _find_version() -> str:
    """The version pyproject.toml declares; it is the only place the version is written."""
    try:
        return metadata.version("clinic-app")
    except metadata.PackageNotFoundError:
        pass
    here = Path(__file__).resolve().parent
    # A frozen build carries no package metadata: packaging/clinic-app.spec bundles this file.
    bundled = here / "VERSION"
    if bundled.is_file():
        return bundled.read_text(encoding="utf-8").strip()
    # A source tree that was never installed.
    with (here.parent / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


__version__ = _find_version()
