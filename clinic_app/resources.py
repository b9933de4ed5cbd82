"""Finds shipped resources from a source checkout, an installed wheel or a frozen build."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


@cache
def resources_root() -> Path:
    """The folder holding templates, rule packs, icons and translations."""
    here = Path(__file__).resolve().parent
    candidates = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.append(Path(frozen) / "resources")
    candidates.append(here / "_resources")  # inside an installed wheel
    candidates.append(here.parent / "resources")  # source checkout or editable install
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("The app's resources folder is missing; reinstall the app.")


def resource_path(*parts: str) -> Path:
    """Path of a shipped resource, e.g. resource_path("rules", "labor-deferred-action.toml")."""
    return resources_root().joinpath(*parts)
