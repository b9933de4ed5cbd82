"""Alembic migrations run against an open vault, with a backup before upgrading an old one."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from clinic_app.errors import VaultError
from clinic_app.i18n import _

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"  # Alembic's default, which the scripts keep

# Alembic is imported inside the functions, and only when a schema must change: it is a
# twelfth of the app's start-up, and the first window (the unlock screen) needs no database.


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    head = _simple_head(MIGRATIONS / "versions")
    if head is not None:
        return head
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


# Opening a vault at the newest schema (nearly always) only compares two names: they are read
# without Alembic, whose import (with Mako and Pygments) costs a quarter of a second at every
# unlock and every CLI command. Anything but one plain chain of scripts goes to Alembic.
_REVISION = re.compile(r"""^revision\s*=\s*["']([^"']+)["']\s*$""", re.MULTILINE)
_DOWN = re.compile(r"""^down_revision\s*=\s*(?:None|["']([^"']+)["'])\s*$""", re.MULTILINE)


def _simple_head(versions: Path) -> str | None:
    """The last revision of a single line of scripts, from their `revision` and `down_revision`
    lines; None when the scripts are not that simple (a merge, a branch, another spelling)."""
    parents: dict[str, str | None] = {}
    for script in versions.glob("*.py"):
        if script.name.startswith("__init__"):
            continue
        source = script.read_text(encoding="utf-8")
        revisions, downs = _REVISION.findall(source), _DOWN.findall(source)
        if len(revisions) != 1 or len(downs) != 1 or revisions[0] in parents:
            return None
        parents[revisions[0]] = downs[0] or None
    heads = parents.keys() - set(parents.values())
    if len(heads) != 1:
        return None
    head = heads.pop()
    revision: str | None = head
    steps = 0
    while revision is not None and steps <= len(parents):  # down to the first script
        if revision not in parents:
            return None
        revision, steps = parents[revision], steps + 1
    return head if steps == len(parents) else None


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        rows = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(rows) <= 1:
        return str(rows[0]) if rows else None
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:  # Alembic's own sentence for more than one version row
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, db_path: Path, target: str = "head") -> bool:
    """Bring the schema to `target`; returns True if anything ran.

    An existing vault at an older revision is copied (still encrypted) to backups/ first.
    """
    current = current_revision(engine)
    wanted = head_revision() if target == "head" else target
    if current == wanted:
        return False
    from alembic import command
    from alembic.script import ScriptDirectory

    if current is not None:
        try:
            known = ScriptDirectory.from_config(alembic_config()).get_revision(current)
        except Exception:  # alembic raises several kinds for a revision it has never heard of
            known = None
        if known is None:
            raise VaultError(
                _(
                    "This vault was saved by a newer version of clinic-app; update the app to open it."
                )
            )
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        backups = db_path.parent / "backups"
        backups.mkdir(exist_ok=True)
        engine.dispose()  # no open connection while the file is copied
        copy = backups / f"vault-before-{wanted}-from-{current}-{stamp}.db"
        try:
            shutil.copy2(db_path, copy)
        except OSError:
            copy.unlink(missing_ok=True)  # a cut-short copy must not pass for the old vault
            raise
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)
    return True
