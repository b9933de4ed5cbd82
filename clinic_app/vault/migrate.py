"""Alembic migrations run against an open vault, with a backup before upgrading an old one."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from clinic_app.errors import VaultError
from clinic_app.i18n import _

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# Alembic is imported inside the functions: it is a twelfth of the app's start-up, and the
# first window (the unlock screen) needs no database.


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, db_path: Path, target: str = "head") -> bool:
    """Bring the schema to `target`; returns True if anything ran.

    An existing vault at an older revision is copied (still encrypted) to backups/ first.
    """
    from alembic import command
    from alembic.script import ScriptDirectory

    current = current_revision(engine)
    wanted = head_revision() if target == "head" else target
    if current == wanted:
        return False
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
