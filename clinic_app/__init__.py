"""Core of the clinic case manager: vault, domain, deadlines, documents and services (no Qt)."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def _find_version() -> str:
    """The version pyproject.toml declares; it is the only place the version is written."""
    # Imported here, not at the top: every start of the app imports this package, and the
    # package metadata machinery (email parsing, sockets, CSV) is most of a tenth of a second.
    from importlib import metadata

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
    import tomllib

    with (here.parent / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def __getattr__(name: str) -> str:
    # `clinic_app.__version__` is computed when first asked for (PEP 562).
    if name == "__version__":
        return _find_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
