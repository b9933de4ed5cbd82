"""A CLI test's own copy of a module's store, for a test that changes it (a vault or the clinic
server); the stores themselves are made by `new_target` in tests/cli/conftest.py."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from tests.cli.conftest import CliTarget, copy_vault, server_target, vault_target

_copies = itertools.count(1)


@contextmanager
def copy_of(target: CliTarget, base: Path, request: pytest.FixtureRequest) -> Iterator[CliTarget]:
    """A copy of a store no one has open, for a test that changes it: the vault's folder, or a
    database made with the original as its template."""
    if target.kind == "vault":
        folder = copy_vault(Path(target.place[1]), base / "vault")
        yield dataclasses.replace(vault_target(folder, target.env), actor=target.actor)
        return
    cluster = request.getfixturevalue("pg_server")
    source = make_url(target.place[1]).database
    name = f"{source}_copy{next(_copies)}"[:60]
    cluster.create_database(name, template=source)
    try:
        yield server_target(cluster, name, target.env)
    finally:
        cluster.drop_database(name)


def own_copy(shared: str) -> Any:
    """A fixture: each test's own copy of the store of the module's fixture named `shared` (a
    CliTarget, or a dataclass holding one as `target`)."""

    @pytest.fixture
    def fixture(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CliTarget]:
        source = request.getfixturevalue(shared)
        target = source if isinstance(source, CliTarget) else source.target
        with copy_of(target, tmp_path / "own", request) as copy:
            yield copy

    return fixture
